package dev.assay.executor.sandbox;

import java.time.Duration;

/**
 * What one sandboxed run may use.
 *
 * @param timeout        wall-clock time, enforced from the JVM by destroying the whole process tree
 * @param cpuSeconds     CPU time (RLIMIT_CPU inside the sandbox)
 * @param memoryBytes    address space (RLIMIT_AS) for the code under test
 * @param pids           processes and threads (RLIMIT_NPROC)
 * @param outputBytes    stdout and stderr each kept up to this many bytes; more is a violation
 * @param workspaceBytes size of the writable workspace and of any one file (tmpfs size, RLIMIT_FSIZE)
 */
public record SandboxLimits(Duration timeout, int cpuSeconds, long memoryBytes, int pids, int outputBytes,
        long workspaceBytes) {

    public SandboxLimits {
        if (timeout.isNegative() || timeout.isZero() || cpuSeconds <= 0 || memoryBytes <= 0 || pids <= 0
                || outputBytes <= 0 || workspaceBytes <= 0) {
            throw new IllegalArgumentException("sandbox limits must be positive: " + timeout + ", " + cpuSeconds + "s CPU, "
                    + memoryBytes + " bytes, " + pids + " pids, " + outputBytes + " output bytes, " + workspaceBytes + " workspace bytes");
        }
    }

    public SandboxLimits withTimeout(Duration value) {
        return new SandboxLimits(value, cpuSeconds, memoryBytes, pids, outputBytes, workspaceBytes);
    }

    public SandboxLimits withMemoryBytes(long value) {
        return new SandboxLimits(timeout, cpuSeconds, value, pids, outputBytes, workspaceBytes);
    }

    public SandboxLimits withPids(int value) {
        return new SandboxLimits(timeout, cpuSeconds, memoryBytes, value, outputBytes, workspaceBytes);
    }

    public SandboxLimits withOutputBytes(int value) {
        return new SandboxLimits(timeout, cpuSeconds, memoryBytes, pids, value, workspaceBytes);
    }
}
