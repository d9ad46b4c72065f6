package dev.assay.executor.runner;

import dev.assay.executor.sandbox.SandboxLimits;
import dev.assay.executor.sandbox.SandboxRequest;
import java.util.List;
import java.util.Map;

/**
 * The command a runner wants run in the sandbox.
 *
 * @param command     program path inside the sandbox and its arguments
 * @param mounts      toolchain directories outside /usr to mount read-only (a JDK, say); the harness is mounted for
 *                    every run by the executor
 * @param environment extra variables
 * @param limits      the limits for this run (a runtime may need adjustments, e.g. a JVM's address space)
 */
public record RunPlan(List<String> command, List<SandboxRequest.Mount> mounts, Map<String, String> environment,
        SandboxLimits limits) {
    public RunPlan {
        command = List.copyOf(command);
        mounts = List.copyOf(mounts);
        environment = Map.copyOf(environment);
    }
}
