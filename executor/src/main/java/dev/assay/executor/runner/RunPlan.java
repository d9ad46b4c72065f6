package dev.assay.executor.runner;

import dev.assay.executor.sandbox.SandboxLimits;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The command a runner wants run in the sandbox.
 *
 * @param command     program path inside the sandbox and its arguments
 * @param toolchain   host directories outside /usr to mount read-only (a JDK, say)
 * @param environment extra variables
 * @param limits      the limits for this run (a runtime may need adjustments, e.g. a JVM's address space)
 */
public record RunPlan(List<String> command, List<Path> toolchain, Map<String, String> environment, SandboxLimits limits) {
    public RunPlan {
        command = List.copyOf(command);
        toolchain = List.copyOf(toolchain);
        environment = Map.copyOf(environment);
    }
}
