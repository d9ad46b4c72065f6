package dev.assay.executor.kubernetes;

import java.time.Duration;

/**
 * What came out of one sandbox Job.
 *
 * @param status             how the run ended
 * @param violation          which sandbox limit the code hit, {@link Violation#NONE} when none
 * @param exitCode           the runner container's exit code, null when it never terminated on its own
 * @param terminationMessage the container's termination message (the runner writes its JSON report summary to
 *                           {@code /dev/termination-log}; on failure without one the kubelet uses the log tail), or ""
 * @param logs               the container log, cut at the log limit
 * @param logsTruncated      true when the log was longer than the limit
 * @param duration           wall-clock time from submitting the Job to seeing it finish (includes scheduling)
 * @param jobName            the Job's name in the sandbox namespace
 * @param podName            the pod the result was read from, null when none was found
 * @param detail             what the Job controller and kubelet said, for people
 * @param handshake          the handshake the Job's pod was given: the request's own, or, when the run joined a Job
 *                           that another executor had already created with its handshake Secret (a replayed record,
 *                           two executors on one record), the one stored there, whose nonce the pod's records carry;
 *                           "" for a run without one. It holds a secret: {@link #toString()} leaves it out
 */
public record JobResult(Status status, Violation violation, Integer exitCode, String terminationMessage, String logs,
        boolean logsTruncated, Duration duration, String jobName, String podName, String detail, String handshake) {

    public JobResult {
        handshake = handshake == null ? "" : handshake;
    }

    @Override
    public String toString() {
        return "JobResult[status=" + status + ", violation=" + violation + ", exitCode=" + exitCode + ", terminationMessage="
                + terminationMessage + ", logs=" + logs.length() + " chars, logsTruncated=" + logsTruncated + ", duration="
                + duration + ", jobName=" + jobName + ", podName=" + podName + ", detail=" + detail + ", handshake="
                + (handshake.isEmpty() ? "none" : "(redacted)") + "]";
    }

    /** How a run ended. */
    public enum Status {
        /** The Job completed: the command exited 0. */
        SUCCEEDED,
        /** The command ran and failed (non-zero exit, OOM kill, sandbox violation). */
        FAILED,
        /** The Job's active deadline (or the executor's wait) ran out while the command ran. */
        TIMEOUT,
        /** The sandbox, not the code, failed: image pull, scheduling, eviction by the node, Job deleted under us. */
        ERROR
    }

    /** The sandbox limit a run hit; names match the pipeline's {@code Violation} enum. */
    public enum Violation { NONE, TIMEOUT, MEMORY, PIDS, OUTPUT_LIMIT, DISK, NETWORK, UNKNOWN }
}
