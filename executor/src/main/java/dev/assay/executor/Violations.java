package dev.assay.executor;

import dev.assay.avro.Violation;
import dev.assay.executor.harness.RunReport;
import dev.assay.executor.sandbox.SandboxResult;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Names the sandbox limit a run ran into, from what the JVM saw (timeout, output), how the process ended
 * (SIGXCPU, SIGXFSZ) and what the harness or the runtime reported (MemoryError, EAGAIN on fork, ENOSPC, ...).
 */
public final class Violations {
    private static final int SIGNAL_EXIT_BASE = 128;
    private static final int SIGXCPU = 24;
    private static final int SIGXFSZ = 25;

    /** Runtime messages that mean a limit was hit when no report says so; checked in order. */
    private static final Map<String, Violation> STDERR_SIGNS = new LinkedHashMap<>();

    static {
        STDERR_SIGNS.put("MemoryError", Violation.MEMORY);
        STDERR_SIGNS.put("java.lang.OutOfMemoryError", Violation.MEMORY);
        STDERR_SIGNS.put("Cannot allocate memory", Violation.MEMORY);
        STDERR_SIGNS.put("There is insufficient memory for the Java Runtime Environment", Violation.MEMORY);
        STDERR_SIGNS.put("Could not reserve enough space", Violation.MEMORY);
        STDERR_SIGNS.put("JavaScript heap out of memory", Violation.MEMORY);
        STDERR_SIGNS.put("unable to create native thread", Violation.PIDS);
        STDERR_SIGNS.put("unable to create new native thread", Violation.PIDS);
        STDERR_SIGNS.put("BlockingIOError: [Errno 11]", Violation.PIDS);
        STDERR_SIGNS.put("Resource temporarily unavailable", Violation.PIDS);
        STDERR_SIGNS.put("No space left on device", Violation.DISK);
        STDERR_SIGNS.put("File too large", Violation.DISK);
        STDERR_SIGNS.put("Network is unreachable", Violation.NETWORK);
        STDERR_SIGNS.put("Temporary failure in name resolution", Violation.NETWORK);
    }

    private Violations() {
    }

    /**
     * @param result the sandboxed run
     * @param report its parsed report, or null when there was none
     */
    public static Violation classify(SandboxResult result, RunReport report) {
        if (result.outputLimitHit()) {
            return Violation.OUTPUT_LIMIT;
        }
        if (result.timedOut()) {
            return Violation.TIMEOUT;
        }
        if (result.enforced() != Violation.NONE) {
            return result.enforced();
        }
        Integer exit = result.exitCode();
        if (exit != null && exit == SIGNAL_EXIT_BASE + SIGXCPU) {
            return Violation.TIMEOUT;
        }
        if (exit != null && exit == SIGNAL_EXIT_BASE + SIGXFSZ) {
            return Violation.DISK;
        }
        if (report != null) {
            return report.resources().isEmpty() ? Violation.NONE : report.resources().getFirst();
        }
        // No report: the process died outside the harness's reach (import-time bomb, crashed runtime).
        if (exit != null && exit != 0) {
            for (Map.Entry<String, Violation> sign : STDERR_SIGNS.entrySet()) {
                if (result.stderr().contains(sign.getKey()) || result.stdout().contains(sign.getKey())) {
                    return sign.getValue();
                }
            }
        }
        return Violation.NONE;
    }
}
