package dev.assay.executor.sandbox;

/** The sandbox could not be prepared or started (not: the code inside failed). */
public class SandboxException extends Exception {
    public SandboxException(String message) {
        super(message);
    }

    public SandboxException(String message, Throwable cause) {
        super(message, cause);
    }
}
