package dev.assay.executor.runner;

import dev.assay.avro.Language;
import dev.assay.executor.sandbox.SandboxLimits;
import dev.assay.executor.sandbox.SandboxRequest;
import dev.assay.harness.HarnessLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * JavaScript: Node's own test runner ({@code node:test}'s {@code run()}) driven by {@code harness.mjs}, whose process
 * never loads workspace code (each test file runs in a child process); analysis runs use {@code analyze.mjs} with
 * acorn. V8 reserves a large code range, so as with the JVM the configured memory becomes the heap limit
 * ({@code --max-old-space-size}) and the address-space limit adds an allowance.
 */
public final class NodeRunner implements LanguageRunner {
    /** Address space V8 needs beyond its heap. */
    static final long NODE_OVERHEAD_BYTES = 1024L * 1024 * 1024;
    /** Node 20's default test file patterns. */
    private static final Pattern TEST_FILE = Pattern.compile(
            "(^|/)([^/]*[.\\-_]test|test-[^/]*|test)\\.[cm]?js$|(^|/)test/([^/]+/)*[^/]+\\.[cm]?js$");
    private final Path node;
    private final Path parser;

    /**
     * @param node   the node binary's absolute path inside the sandbox (under /usr, or its prefix is bound)
     * @param parser acorn's ES module ({@code acorn.mjs}) for analysis runs, under /usr or bound
     */
    public NodeRunner(Path node, Path parser) {
        if (!node.isAbsolute() || !parser.isAbsolute()) {
            throw new IllegalArgumentException("executor.node and executor.js.parser must be absolute paths: " + node + ", " + parser);
        }
        this.node = node;
        this.parser = parser;
    }

    @Override
    public Language language() {
        return Language.JAVASCRIPT;
    }

    /** acorn's module, for the analysis handshake. */
    public Path parser() {
        return parser;
    }

    @Override
    public RunPlan plan(RunMode mode, SandboxLimits limits) {
        long heapMb = Math.max(32, limits.memoryBytes() / (1024 * 1024));
        String options = "--max-old-space-size=" + heapMb;
        if (mode == RunMode.TEST) {
            // NODE_OPTIONS reaches the test processes the runner starts: the heap limit, and the preload that defines
            // the sealed tests' probe and records each process's resource use.
            options += " --require " + HarnessLayout.JS_PROBE;
        }
        List<SandboxRequest.Mount> mounts = new java.util.ArrayList<>();
        if (!node.startsWith("/usr/")) {
            mounts.add(SandboxRequest.Mount.samePath(node.getParent().getParent()));
        }
        if (mode == RunMode.ANALYZE && !parser.startsWith("/usr/")) {
            mounts.add(SandboxRequest.Mount.samePath(parser.getParent()));
        }
        String script = mode == RunMode.ANALYZE ? HarnessLayout.JS_ANALYZER : HarnessLayout.JS_HARNESS;
        return new RunPlan(List.of(node.toString(), script), mounts, Map.of("NODE_OPTIONS", options),
                limits.withMemoryBytes(heapMb * 1024 * 1024 + NODE_OVERHEAD_BYTES));
    }

    @Override
    public boolean isTestFile(String path) {
        return !path.startsWith("node_modules/") && !path.contains("/node_modules/") && TEST_FILE.matcher(path).find();
    }

    @Override
    public Optional<TestInfrastructure> testInfrastructure(String path, String content, List<String> requestTestDirs) {
        if (LanguageRunner.fileName(path).equals("package.json")) {
            return Optional.of(new TestInfrastructure(false, "package.json (module type, imports and exports the tests load with)"));
        }
        if (path.startsWith("node_modules/") || path.contains("/node_modules/")) {
            return Optional.of(new TestInfrastructure(true, "a package under node_modules that the tests would load"));
        }
        return Optional.empty();
    }
}
