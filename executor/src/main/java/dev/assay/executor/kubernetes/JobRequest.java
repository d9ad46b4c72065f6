package dev.assay.executor.kubernetes;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One sandboxed execution as a Kubernetes Job.
 *
 * @param requestId   the pipeline request id; with {@code attempt} and {@code candidate} it names the Job, so a replay
 *                    finds the same Job
 * @param attempt     the fix-loop attempt, 0 or more
 * @param candidate   which of the attempt's candidates, 1 or more
 * @param language    selects the runner image ({@code executor.kubernetes.images.<language>}), case-insensitive
 * @param phase       which run of the execution ({@code test} or {@code analysis}); each gets its own Job
 * @param files       workspace files, relative path to UTF-8 content, restored under {@code /workspace}
 * @param command     program and arguments run in {@code /workspace} inside the runner image
 * @param environment variables on top of {@code HOME=/tmp} and {@code TMPDIR=/tmp}
 * @param handshake   what the harness reads before anything else (harness/PROTOCOL.md "Handshake"): it carries the
 *                    run's nonce, so it travels in a Secret the runner container never mounts
 * @param limits      resources of this run
 */
public record JobRequest(String requestId, int attempt, int candidate, String language, String phase,
        Map<String, String> files, List<String> command, Map<String, String> environment, String handshake, JobLimits limits) {

    public JobRequest {
        if (requestId == null || requestId.isBlank()) {
            throw new IllegalArgumentException("request id must not be blank");
        }
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt must not be negative, was " + attempt);
        }
        if (candidate < 1) {
            throw new IllegalArgumentException("candidate must be 1 or more, was " + candidate);
        }
        if (language == null || language.isBlank()) {
            throw new IllegalArgumentException("language must not be blank");
        }
        if (command == null || command.isEmpty()) {
            throw new IllegalArgumentException("command must not be empty");
        }
        // Sorted so the ConfigMap keys and volume items come out the same for the same workspace.
        files = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(files));
        if (phase == null || phase.isBlank()) {
            throw new IllegalArgumentException("phase must not be blank");
        }
        handshake = handshake == null ? "" : handshake;
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
    }

    /** Without the handshake, which holds the run's nonce, and without the file contents. */
    @Override
    public String toString() {
        return "JobRequest[requestId=" + requestId + ", attempt=" + attempt + ", candidate=" + candidate + ", language="
                + language + ", phase=" + phase + ", files=" + files.keySet() + ", command=" + command + ", environment="
                + environment + ", handshake=" + (handshake.isEmpty() ? "none" : "(redacted)") + ", limits=" + limits + "]";
    }
}
