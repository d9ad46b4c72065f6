package dev.assay.harness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.harness.core.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link JavaHarness} the way the executor does: a JVM of its own with the harness classes and the JUnit
 * standalone jar on the class path, the workspace as working directory, the handshake on standard input; then reads
 * the records back.
 */
final class HarnessProcess {
    /** The flags the executor should pass on JDK 24+ (besides -Xmx): no sun.misc.Unsafe memory access, no JNI, no attach. */
    static final List<String> HARDENING = List.of("--sun-misc-unsafe-memory-access=deny", "--illegal-native-access=deny",
            "-XX:+DisableAttachMechanism");
    private static final Path JDK = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");

    /** What one run printed. */
    record Run(String nonce, int exit, String stdout, String stderr, List<String> kinds, List<Map<String, Object>> events,
            Map<String, Object> begin, Map<String, Object> report) {

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> tests() {
            return (List<Map<String, Object>>) report.get("tests");
        }

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> probes() {
            return (List<Map<String, Object>>) report.get("probes");
        }

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> errors() {
            return (List<Map<String, Object>>) report.get("errors");
        }

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> integrity() {
            return (List<Map<String, Object>>) report.get("integrity");
        }

        /** The report's test with this id. */
        Map<String, Object> test(String id) {
            return tests().stream().filter(t -> id.equals(t.get("id"))).findFirst()
                    .orElseThrow(() -> new AssertionError("no test " + id + " in " + tests()));
        }

        String status(String id) {
            return (String) test(id).get("status");
        }

        /** A well-formed run: BEGIN first, one REPORT last, nothing after it, exit 0, the nonce only in record prefixes. */
        Run wellFormed() {
            assertThat(kinds).as("records of %s", stdout).isNotEmpty();
            assertThat(kinds.get(0)).isEqualTo("BEGIN");
            assertThat(kinds.get(kinds.size() - 1)).isEqualTo("REPORT");
            assertThat(kinds.stream().filter("REPORT"::equals).count()).isEqualTo(1);
            assertThat(kinds.stream().filter("BEGIN"::equals).count()).isEqualTo(1);
            assertThat(stdout.substring(stdout.lastIndexOf(nonce + " REPORT ")).strip().lines().count()).isEqualTo(1);
            assertThat(exit).as("exit status; stderr: %s", stderr).isZero();
            assertThat(occurrences(stdout + stderr, nonce)).isEqualTo(kinds.size());
            return this;
        }
    }

    private HarnessProcess() {
    }

    /** A fresh nonce: 64 lowercase hex characters. */
    static String nonce() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    static Path java() {
        Path java = JDK.resolve("bin/java");
        return Files.isExecutable(java) ? java : Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** target/classes and the JUnit standalone jar in it. */
    static String classPath() {
        try {
            Path classes = Path.of(JavaHarness.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path junit = classes.resolve("dev/assay/harness/java/junit-platform-console-standalone.jar");
            assertThat(junit).as("the build copies the JUnit standalone jar").exists();
            return classes + java.io.File.pathSeparator + junit;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@code files} (path → content) into {@code workspace}. */
    static void write(Path workspace, Map<String, String> files) throws IOException {
        for (Map.Entry<String, String> e : files.entrySet()) {
            Path p = workspace.resolve(e.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, e.getValue());
        }
    }

    static Run test(Path workspace, Map<String, String> files, List<String> requestTests) throws Exception {
        write(workspace, files);
        return run(workspace, "test", requestTests, HARDENING, Map.of());
    }

    static Run run(Path workspace, String mode, List<String> requestTests, List<String> jvmFlags, Map<String, String> env)
            throws Exception {
        String nonce = nonce();
        String handshake = "{\"nonce\":\"" + nonce + "\",\"mode\":\"" + mode + "\",\"root\":" + Json.quote(workspace.toString())
                + ",\"requestFiles\":[],\"requestTests\":[" + String.join(",", requestTests.stream().map(Json::quote).toList())
                + "],\"generated\":[],\"targetPaths\":[],\"memoryBytes\":536870912}\n";
        return run(workspace, nonce, handshake, jvmFlags, env, true);
    }

    static Run run(Path workspace, String nonce, String handshake, List<String> jvmFlags, Map<String, String> env, boolean viaStdin)
            throws Exception {
        Path tmp = Files.createDirectories(workspace.resolveSibling(workspace.getFileName() + "-tmp"));
        List<String> command = new ArrayList<>(List.of(java().toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-Djava.io.tmpdir=" + tmp));
        command.addAll(jvmFlags);
        command.addAll(List.of("-cp", classPath(), JavaHarness.class.getName()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workspace.toFile());
        builder.environment().putAll(env);
        Path out = tmp.resolve("stdout");
        Path err = tmp.resolve("stderr");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process process = builder.start();
        try (OutputStream stdin = process.getOutputStream()) {
            if (viaStdin) {
                stdin.write(handshake.getBytes(StandardCharsets.UTF_8));
            }
        }
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the harness did not finish within 120 s");
        }
        String stdout = Files.readString(out);
        String stderr = Files.readString(err);
        List<String> kinds = new ArrayList<>();
        List<Map<String, Object>> events = new ArrayList<>();
        Map<String, Object> begin = null;
        Map<String, Object> report = null;
        for (String line : stdout.split("\n", -1)) {
            if (!line.startsWith(nonce + " ")) {
                continue;
            }
            String rest = line.substring(nonce.length() + 1);
            String kind = rest.substring(0, rest.indexOf(' '));
            Map<String, Object> json = asMap(Json.parse(rest.substring(kind.length() + 1)));
            kinds.add(kind);
            switch (kind) {
                case "BEGIN" -> begin = json;
                case "EVENT" -> events.add(json);
                case "REPORT" -> report = json;
                default -> throw new AssertionError("unknown record kind " + kind);
            }
        }
        return new Run(nonce, process.exitValue(), stdout, stderr, kinds, events, begin, report);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : new LinkedHashMap<>();
    }

    static int occurrences(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
