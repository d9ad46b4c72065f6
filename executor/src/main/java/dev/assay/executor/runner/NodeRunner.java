package dev.assay.executor.runner;

import dev.assay.avro.Language;
import dev.assay.executor.Workspace;
import dev.assay.executor.sandbox.LocalSandbox;
import dev.assay.executor.sandbox.SandboxLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * JavaScript: Node's built-in test runner ({@code node --test}, default file patterns such as {@code *.test.js},
 * {@code test/**}) with Assay's reporter module, which turns the runner's events into the JSON report; a dry run
 * is {@code node --check} on every file. V8 reserves a large code range, so as with the JVM the configured memory
 * becomes the heap limit ({@code --max-old-space-size}) and the address-space limit adds an allowance.
 */
public final class NodeRunner implements LanguageRunner {
    static final String REPORTER_RESOURCE = "/dev/assay/executor/node_reporter.mjs";
    static final String CHECK_RESOURCE = "/dev/assay/executor/node_check.mjs";
    static final String USAGE_RESOURCE = "/dev/assay/executor/node_usage.cjs";
    /** Address space V8 needs beyond its heap. */
    static final long NODE_OVERHEAD_BYTES = 1024L * 1024 * 1024;
    private final Path node;

    /** @param node the node binary's absolute path inside the sandbox (under /usr, or its prefix is bound) */
    public NodeRunner(Path node) {
        if (!node.isAbsolute()) {
            throw new IllegalArgumentException("executor.node must be an absolute path: " + node);
        }
        this.node = node;
    }

    @Override
    public Language language() {
        return Language.JAVASCRIPT;
    }

    @Override
    public RunPlan plan(Workspace workspace, boolean dryRun, String marker, SandboxLimits limits) throws IOException {
        String reserved = LocalSandbox.WORKSPACE_DIR + "/" + Workspace.RESERVED_DIR + "/";
        long heapMb = Math.max(32, limits.memoryBytes() / (1024 * 1024));
        workspace.writeReserved("node_usage.cjs", PythonRunner.resource(USAGE_RESOURCE));
        List<String> command;
        if (dryRun) {
            workspace.writeReserved("node_check.mjs", PythonRunner.resource(CHECK_RESOURCE));
            command = List.of(node.toString(), reserved + "node_check.mjs", marker);
        } else {
            String reporter = new String(PythonRunner.resource(REPORTER_RESOURCE), StandardCharsets.UTF_8).replace("@@MARKER@@", marker);
            workspace.writeReserved("node_reporter.mjs", reporter.getBytes(StandardCharsets.UTF_8));
            command = List.of(node.toString(), "--test", "--test-reporter=" + reserved + "node_reporter.mjs");
        }
        List<Path> toolchain = node.startsWith("/usr/") ? List.of() : List.of(node.getParent().getParent());
        // NODE_OPTIONS reaches the per-file child processes the test runner starts, not only the runner: the heap
        // limit and the preload that records each process's resource use for the report.
        return new RunPlan(command, toolchain,
                Map.of("NODE_OPTIONS", "--max-old-space-size=" + heapMb + " --require " + reserved + "node_usage.cjs"),
                limits.withMemoryBytes(heapMb * 1024 * 1024 + NODE_OVERHEAD_BYTES));
    }
}
