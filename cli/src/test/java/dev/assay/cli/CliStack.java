package dev.assay.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.assay.devstack.DevStack;
import dev.assay.runtime.AssayConfig;
import dev.assay.runtime.CommonSettings;
import dev.assay.schemas.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One embedded stack (broker, registry, the four services) for a test class, with a scripted-completions folder the
 * tests add to, and the CLI run in-process against it.
 */
final class CliStack implements AutoCloseable {
    static final Path PROJECT_ROOT = projectRoot();

    /** What one CLI invocation did. */
    record Run(int exit, String out, String err) {
    }

    private final DevStack stack;
    private final Path completions;

    private CliStack(DevStack stack, Path completions) {
        this.stack = stack;
        this.completions = completions;
    }

    /** Starts the stack, or skips the test class where no local sandbox can run (unless tools are required). */
    static CliStack start() throws IOException {
        if (!Boolean.getBoolean("assay.require.tools")) {
            assumeTrue(onPath("runsc") || onPath("bwrap"), "no local sandbox (runsc or bwrap) here: run ./assay setup");
        }
        Path dir = Files.createTempDirectory("assay-cli-it-");
        Path completions = Files.createDirectories(dir.resolve("completions"));
        try (Stream<Path> examples = Files.list(PROJECT_ROOT.resolve("examples/completions"))) {
            for (Path p : examples.toList()) {
                Files.copy(p, completions.resolve(p.getFileName()));
            }
        }
        DevStack stack = new DevStack(dir.resolve("stack"), AssayConfig.of(Map.of(
                "generator.scripted.dir", completions.toString(),
                "devstack.partitions", "2"))).start();
        return new CliStack(stack, completions);
    }

    /** Runs {@code assay <args>} against the stack, $USER being {@code tester}. */
    Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--bootstrap-servers", stack.bootstrapServers(), "--registry-url", stack.registryUrl()));
        all.addAll(Arrays.asList(args));
        int exit = AssayCli.commandLine(new AssayCli().withEnvironment(Map.of("USER", "tester")))
                .setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    /** Lets the scripted provider answer attempt 1 of {@code requestId} with the greeting endpoint (tests pass). */
    void scriptGreeting(String requestId) throws IOException {
        try (InputStream in = CliStack.class.getResourceAsStream("/completions/greeting.md")) {
            Files.write(completions.resolve(requestId + ".attempt-1.md"), in.readAllBytes());
        }
    }

    /** The greeting endpoint's test file, as a local file to pass with --file. */
    static Path greetingTest() throws IOException {
        Path dir = Files.createTempDirectory("assay-cli-files-");
        Path test = dir.resolve("test_greeting.py");
        try (InputStream in = CliStack.class.getResourceAsStream("/test_greeting.py")) {
            Files.write(test, in.readAllBytes());
        }
        return test;
    }

    String bootstrapServers() {
        return stack.bootstrapServers();
    }

    String registryUrl() {
        return stack.registryUrl();
    }

    Topics topics() {
        return stack.topics();
    }

    Map<String, Object> kafkaProps() {
        return CommonSettings.from("cli-it", stack.config()).kafkaClientProperties();
    }

    @Override
    public void close() {
        stack.close();
    }

    /** The repository root: {@code assay.project.root}, or its parent when a module was built on its own ({@code -f cli/pom.xml}). */
    private static Path projectRoot() {
        Path root = Path.of(System.getProperty("assay.project.root", "..")).toAbsolutePath().normalize();
        return Files.isDirectory(root.resolve("examples")) || root.getParent() == null ? root : root.getParent();
    }

    static boolean onPath(String command) {
        String path = System.getenv("PATH");
        return path != null && Arrays.stream(path.split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, command)));
    }
}
