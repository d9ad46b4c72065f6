package dev.assay.executor.sandbox;

/**
 * Runs a command over a workspace in isolation: no network, no host secrets, bounded time, memory, processes,
 * output and disk. Implementations must never fall back to running the command unsandboxed.
 */
public interface Sandbox {

    /** The backend name recorded in results, e.g. {@code runsc} or {@code bwrap}. */
    String backend();

    /**
     * Runs the request to completion or until a limit is hit; never throws for anything the code under test does.
     *
     * @throws SandboxException when the sandbox itself cannot be set up
     */
    SandboxResult run(SandboxRequest request) throws SandboxException;
}
