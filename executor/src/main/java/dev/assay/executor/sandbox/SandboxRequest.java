package dev.assay.executor.sandbox;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One command to run in a sandbox.
 *
 * @param input        host directory whose contents are copied into the writable, size-limited {@code /workspace}
 *                     inside the sandbox (the host directory itself is mounted read-only)
 * @param command      absolute program path inside the sandbox plus arguments, run in {@code /workspace}
 * @param toolchain    host directories or files outside {@code /usr} the command needs, mounted read-only at the same path
 * @param environment  variables on top of the minimal PATH, LANG, HOME=/tmp set; nothing is inherited from the host
 * @param limits       resource limits
 * @param reportMarker a line that separates the harness report from the program output on stdout, or null
 * @param run          which attempt and candidate this is; a remote backend names and labels its resources with it, so
 *                     a replayed record finds the run it already started and candidates of one attempt never collide
 */
public record SandboxRequest(Path input, List<String> command, List<Path> toolchain, Map<String, String> environment,
        SandboxLimits limits, String reportMarker, Run run) {

    /**
     * The attempt and candidate a run belongs to.
     *
     * @param candidate which of the attempt's candidates, 1-based
     */
    public record Run(String requestId, int attempt, int candidate, String language) {
        /** The backends' own start-up check. */
        public static final Run PROBE = new Run("sandbox-probe", 0, 1, "none");

        /**
         * "attempt 2", or "attempt 2 candidate 3" for a later candidate, for log lines and messages: a
         * single-candidate request reads as it did before candidates existed.
         */
        public static String describe(int attempt, int candidate) {
            return candidate == 1 ? "attempt " + attempt : "attempt " + attempt + " candidate " + candidate;
        }
    }

    public SandboxRequest {
        if (command.isEmpty() || !command.getFirst().startsWith("/")) {
            throw new IllegalArgumentException("sandbox command must start with an absolute program path: " + command);
        }
        command = List.copyOf(command);
        toolchain = List.copyOf(toolchain);
        environment = Map.copyOf(environment);
    }
}
