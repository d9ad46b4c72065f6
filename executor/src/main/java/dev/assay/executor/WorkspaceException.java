package dev.assay.executor;

/** The files of a generation cannot be laid out as a workspace; the message says which path and why. */
public final class WorkspaceException extends Exception {
    public WorkspaceException(String message) {
        super(message);
    }
}
