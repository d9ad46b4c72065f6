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
 */
public record JobResult(Status status, Violation violation, Integer exitCode, String terminationMessage, String logs,
        boolean logsTruncated, Duration duration, String jobName, String podName, String detail) {

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
