package dev.assay.executor.sandbox;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One command to run in a sandbox.
 *
 * @param input       host directory whose contents are copied into the writable, size-limited {@code /workspace}
 *                    inside the sandbox (the host directory itself is mounted read-only)
 * @param command     absolute program path inside the sandbox plus arguments, run in {@code /workspace}
 * @param mounts      host directories or files the command needs, mounted read-only (toolchains, the harness)
 * @param environment variables on top of the minimal PATH, LANG, HOME=/tmp set; nothing is inherited from the host
 * @param limits      resource limits
 * @param stdin       what the program reads on standard input before it reaches end-of-file (the harness handshake,
 *                    which carries the run's nonce: it is on no command line and in no file), or "" for nothing
 * @param nonce       the per-run secret that starts every harness record on standard output, or null when the
 *                    command writes none
 * @param run         which attempt and candidate this is; a remote backend names and labels its resources with it, so
 *                    a replayed record finds the run it already started and candidates of one attempt never collide
 */
public record SandboxRequest(Path input, List<String> command, List<Mount> mounts, Map<String, String> environment,
        SandboxLimits limits, String stdin, String nonce, Run run) {

    /**
     * A read-only mount.
     *
     * @param source host path
     * @param target absolute path inside the sandbox
     */
    public record Mount(Path source, String target) {
        public Mount {
            if (!source.isAbsolute() || !target.startsWith("/")) {
                throw new IllegalArgumentException("mount paths must be absolute: " + source + " -> " + target);
            }
        }

        /** A toolchain directory mounted where it is on the host. */
        public static Mount samePath(Path path) {
            return new Mount(path, path.toString());
        }
    }

    /**
     * The attempt and candidate a run belongs to.
     *
     * @param candidate which of the attempt's candidates, 1-based
     * @param phase     which of the execution's runs: {@link #TEST} or {@link #ANALYSIS} (the analysis run reads the
     *                  files without executing them); a remote backend keeps their resources apart
     */
    public record Run(String requestId, int attempt, int candidate, String language, String phase) {
        public static final String TEST = "test";
        public static final String ANALYSIS = "analysis";
        /** The backends' own start-up check. */
        public static final Run PROBE = new Run("sandbox-probe", 0, 1, "none", TEST);

        /**
         * "attempt 2", or "attempt 2 candidate 3" for a later candidate, for log lines and messages: a
         * single-candidate request reads as it did before candidates existed.
         */
        public static String describe(int attempt, int candidate) {
            return candidate == 1 ? "attempt " + attempt : "attempt " + attempt + " candidate " + candidate;
        }

        public Run withPhase(String newPhase) {
            return new Run(requestId, attempt, candidate, language, newPhase);
        }
    }

    public SandboxRequest {
        if (command.isEmpty() || !command.getFirst().startsWith("/")) {
            throw new IllegalArgumentException("sandbox command must start with an absolute program path: " + command);
        }
        command = List.copyOf(command);
        mounts = List.copyOf(mounts);
        environment = Map.copyOf(environment);
        stdin = stdin == null ? "" : stdin;
    }

    /** Without the handshake and the nonce: a log line must never carry the run's secret. */
    @Override
    public String toString() {
        return "SandboxRequest[input=" + input + ", command=" + command + ", mounts=" + mounts + ", environment="
                + environment.keySet() + ", limits=" + limits + ", stdin=" + stdin.length() + " chars, run=" + run + "]";
    }
}
