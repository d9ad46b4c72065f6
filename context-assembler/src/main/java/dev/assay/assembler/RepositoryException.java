package dev.assay.assembler;

/**
 * A repository that could not give context. The message is shown to the requester: it never quotes the URL (which
 * may carry credentials) or file contents.
 */
public final class RepositoryException extends Exception {

    /** Why; decides the outcome (INVALID for the requester's mistakes, FAILED for ours or the remote's). */
    public enum Reason {
        /** Scheme, host or path not allowed by this assembler's configuration. */
        NOT_ALLOWED,
        /** The path, repository or ref does not exist. */
        NOT_FOUND,
        /** Larger than the configured limits. */
        TOO_LARGE,
        /** I/O or network failure while reading. */
        UNREADABLE
    }

    private final Reason reason;

    public RepositoryException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public RepositoryException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
