package dev.assay.executor.kubernetes;

import dev.assay.executor.kubernetes.JobResult.Status;
import dev.assay.executor.kubernetes.JobResult.Violation;
import dev.assay.executor.kubernetes.ObservedState.ContainerState;
import dev.assay.executor.kubernetes.ObservedState.JobState;
import dev.assay.executor.kubernetes.ObservedState.PodState;
import dev.assay.executor.kubernetes.ObservedState.Terminated;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns what the Job controller and kubelet reported into a result. Separates the code's failures (exit code, OOM
 * kill, disk eviction, sandbox refusal, deadline while running) from the sandbox's own (image, scheduling, node
 * eviction), so that a broken cluster is not blamed on generated code.
 */
final class JobOutcomes {
    /** Waiting reasons that never clear up by themselves: no point in waiting for the deadline. */
    static final Set<String> PERMANENT_WAITING = Set.of("InvalidImageName", "ErrImageNeverPull",
            "CreateContainerConfigError", "CreateContainerError");

    private JobOutcomes() {
    }

    /** The classification, without logs and timing. */
    record Verdict(Status status, Violation violation, Integer exitCode, String terminationMessage, String detail) {
    }

    /** What polling saw of the Job's pods over time; the final read alone can miss a pod that never started. */
    static final class Progress {
        private boolean started;
        private boolean podSeen;
        private String lastWaiting;
        private String initWaiting;
        private String unschedulable;

        void observe(List<PodState> pods) {
            for (PodState pod : pods) {
                podSeen = true;
                if (pod.unschedulable() != null) {
                    unschedulable = pod.unschedulable();
                }
                ContainerState runner = pod.runner();
                if (runner != null) {
                    started |= runner.started();
                    if (runner.waitingReason() != null) {
                        lastWaiting = waiting(runner);
                    }
                }
                ContainerState init = pod.init();
                if (init != null && init.waitingReason() != null) {
                    initWaiting = waiting(init);
                }
            }
        }

        private static String waiting(ContainerState container) {
            return container.waitingReason() + (container.waitingMessage() == null ? "" : ": " + container.waitingMessage());
        }

        boolean started() {
            return started;
        }

        /** A detail when a pod is stuck for good (bad image name, broken config), else null. */
        String permanentFailure(List<PodState> pods) {
            for (PodState pod : pods) {
                ContainerState runner = pod.runner();
                if (runner != null && !runner.started() && PERMANENT_WAITING.contains(runner.waitingReason())) {
                    return "runner container of pod " + pod.name() + " cannot start: " + lastWaiting;
                }
                ContainerState init = pod.init();
                if (init != null && !init.started() && PERMANENT_WAITING.contains(init.waitingReason())) {
                    return "handshake init container of pod " + pod.name() + " cannot start: " + initWaiting;
                }
            }
            return null;
        }

        String notStartedDetail() {
            if (!podSeen) {
                return "no pod was created for the Job (check PodSecurity admission, ResourceQuota and Job events)";
            }
            if (initWaiting != null) {
                return "runner container never started; the handshake init container was waiting: " + initWaiting;
            }
            if (lastWaiting != null) {
                return "runner container never started: " + lastWaiting;
            }
            if (unschedulable != null) {
                return "pod was never scheduled: " + unschedulable;
            }
            return "runner container never started";
        }
    }

    /**
     * @param job         the Job as last read; not terminal when the executor's own wait ran out
     * @param pod         the pod to read the result from, null when none exists any more
     * @param progress    what polling saw
     * @param exitCodes   runner exit codes that mean a sandbox refusal
     */
    static Verdict classify(JobState job, PodState pod, Progress progress, Map<Integer, Violation> exitCodes) {
        Terminated terminated = pod == null || pod.runner() == null ? null : pod.runner().terminated();
        Integer exitCode = terminated == null ? null : terminated.exitCode();
        String message = terminated == null || terminated.message() == null ? "" : terminated.message();
        if (job.complete()) {
            return new Verdict(Status.SUCCEEDED, Violation.NONE, exitCode == null ? 0 : exitCode, message, "Job completed");
        }
        if (terminated != null && "OOMKilled".equals(terminated.reason())) {
            return new Verdict(Status.FAILED, Violation.MEMORY, exitCode, message,
                    "runner was OOM-killed at its memory limit; " + describe(job));
        }
        if (pod != null && "Evicted".equals(pod.reason())) {
            String eviction = pod.message() == null ? "" : pod.message();
            String lower = eviction.toLowerCase(Locale.ROOT);
            // The kubelet evicts for an emptyDir over its sizeLimit or container storage over its limit: the code's doing.
            if (lower.contains("emptydir") || lower.contains("ephemeral local storage")) {
                return new Verdict(Status.FAILED, Violation.DISK, exitCode, message, "pod evicted for disk use: " + eviction);
            }
            return new Verdict(Status.ERROR, Violation.NONE, exitCode, message, "pod evicted by the node: " + eviction);
        }
        boolean deadline = !job.terminal() || "DeadlineExceeded".equals(job.reason());
        if (deadline) {
            boolean started = progress.started() || (pod != null && pod.runner() != null && pod.runner().started());
            if (!started) {
                return new Verdict(Status.ERROR, Violation.NONE, null, message, progress.notStartedDetail() + "; " + describe(job));
            }
            return new Verdict(Status.TIMEOUT, Violation.TIMEOUT, exitCode, message, describe(job));
        }
        if (terminated != null) {
            Violation violation = exitCodes.getOrDefault(terminated.exitCode(), Violation.NONE);
            String detail = violation == Violation.NONE
                    ? "runner exited with " + terminated.exitCode() + (terminated.reason() == null ? "" : " (" + terminated.reason() + ")")
                    : "runner reported a sandbox " + violation + " violation (exit " + terminated.exitCode() + ")";
            return new Verdict(Status.FAILED, violation, exitCode, message, detail + "; " + describe(job));
        }
        Terminated init = pod == null || pod.init() == null ? null : pod.init().terminated();
        if (init != null && init.exitCode() != 0) {
            // The copy of the handshake failed: the code under test never ran, the sandbox is broken.
            return new Verdict(Status.ERROR, Violation.NONE, null, message, "the handshake init container exited with "
                    + init.exitCode() + (init.reason() == null ? "" : " (" + init.reason() + ")")
                    + (init.message() == null ? "" : ": " + init.message().strip()) + "; " + describe(job));
        }
        return new Verdict(Status.ERROR, Violation.NONE, null, message,
                "Job failed without a runner exit" + (pod == null ? " (no pod left)" : "") + "; " + describe(job));
    }

    private static String describe(JobState job) {
        if (!job.terminal()) {
            return "the Job controller had not reported an end when the executor stopped waiting";
        }
        return "Job " + job.terminalType() + (job.reason() == null ? "" : " (" + job.reason() + ")")
                + (job.message() == null ? "" : ": " + job.message());
    }
}
