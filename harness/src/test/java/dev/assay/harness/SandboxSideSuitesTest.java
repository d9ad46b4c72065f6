package dev.assay.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Python and JavaScript harnesses and analyzers have test suites in their own languages (real pytest,
 * {@code node --test}), since that is what they run under; this runs them as part of the build. Without the tools
 * they are skipped, unless {@code -Dassay.require.tools=true}.
 */
class SandboxSideSuitesTest {
    private static final Path MODULE = Path.of(System.getProperty("assay.project.root", "..")).resolve("harness").toAbsolutePath().normalize();
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path PYTEST = Path.of("/usr/lib/python3/dist-packages/pytest/__init__.py");
    private static final Path NODE = Path.of("/usr/bin/node");
    private static final Path ACORN = Path.of("/usr/share/nodejs/acorn/dist/acorn.mjs");

    @Test
    void thePythonHarnessAndAnalyzerPassTheirPytestSuite() throws Exception {
        assumeTools(Files.isExecutable(PYTHON) && Files.isRegularFile(PYTEST), "Debian's python3-pytest");
        run(List.of(PYTHON.toString(), "-B", "-m", "pytest", "-q", "-p", "no:cacheprovider", "src/test/python"));
    }

    @Test
    void theJavaScriptHarnessAndAnalyzerPassTheirNodeTestSuite() throws Exception {
        assumeTools(Files.isExecutable(NODE) && Files.isRegularFile(ACORN), "node and Debian's node-acorn");
        run(List.of(NODE.toString(), "--test", "src/test/js/"));
    }

    private static void assumeTools(boolean present, String what) {
        if (!present && Boolean.getBoolean("assay.require.tools")) {
            throw new AssertionError("assay.require.tools=true but " + what + " is not installed");
        }
        assumeTrue(present, what + " is not installed");
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Path log = Files.createTempFile("assay-suite-", ".log");
        try {
            Process process = new ProcessBuilder(command).directory(MODULE.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            boolean finished = process.waitFor(10, TimeUnit.MINUTES);
            if (!finished) {
                process.destroyForcibly();
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(finished && process.exitValue() == 0).as("%s in %s:%n%s", String.join(" ", command), MODULE,
                    output.length() > 20_000 ? "…" + output.substring(output.length() - 20_000) : output).isTrue();
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
