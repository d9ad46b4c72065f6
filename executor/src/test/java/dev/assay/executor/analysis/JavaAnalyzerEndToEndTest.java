package dev.assay.executor.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.assay.executor.analysis.Analysis.Evidence;
import dev.assay.executor.analysis.Analysis.Expectation;
import dev.assay.harness.HarnessLayout;
import java.io.OutputStream;
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
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The analyzer's rewritten tests against the real harness: they compile against the harness jar and the JUnit
 * standalone jar (as the sandbox has them), keep their line numbers, and the probe values the harness records match
 * the expectations for a correct solution and not for a wrong one.
 */
class JavaAnalyzerEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path JDK = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
    private static final String TEST_PATH = "src/test/java/com/acme/CalcTest.java";
    private static final String LEGACY_PATH = "src/test/java/com/acme/LegacyTest.java";
    private static final String MAIN_PATH = "src/test/java/com/acme/Main.java";
    private static final String TEST = """
            package com.acme;

            import static org.junit.jupiter.api.Assertions.*;

            import java.util.*;
            import org.junit.jupiter.api.*;
            import org.junit.jupiter.params.ParameterizedTest;
            import org.junit.jupiter.params.provider.ValueSource;

            class CalcTest {
                static final String GREETING = "hello, " + "world";
                Calc calc = new Calc();

                @Test void arithmetic() {
                    assertEquals(3, calc.add(1, 2));
                    assertEquals(10_000_000_000L, calc.times(100_000, 100_000));
                    assertEquals(0.5, calc.half(1), 1e-9);
                    assertEquals('b', calc.next('a'));
                    assertNotEquals(0, calc.add(1, 1));
                }

                @Test void collections() {
                    assertEquals(List.of(1, 2, 3), calc.range(3));
                    assertEquals(Set.of("a", "b"), calc.letters());
                    assertEquals(Map.of("a", 1), calc.counts("a"));
                    assertArrayEquals(new int[] {3, 2, 1}, calc.reversed(new int[] {1, 2, 3}));
                    assertEquals(
                        GREETING,
                        calc.greet("world"));
                }

                @Test void predicates() {
                    assertTrue(calc.even(2), "two is even");
                    assertFalse(calc.even(3));
                    assertNull(calc.find("missing"));
                    assertNotNull(calc.find("a"));
                }

                @ParameterizedTest @ValueSource(ints = {2, 4}) void evens(int x) { assertTrue(calc.even(x)); }

                @Test void failsInProcessOnItsOwnLine() {
                    assertEquals(calc.add(1, 1), calc.add(2, 2), "unsealed: both sides computed");
                }
            }
            """;
    private static final String LEGACY = """
            package com.acme;

            import static org.junit.Assert.*;
            import org.junit.Test;

            public class LegacyTest {
                @Test public void adds() {
                    assertEquals("sum", 5, new Calc().add(2, 3));
                    assertEquals(0.25, new Calc().half(0.5), 1e-9);
                }
            }
            """;
    private static final String MAIN = """
            package com.acme;

            import org.junit.jupiter.api.Assertions;

            public class Main {
                public static void main(String[] args) {
                    Assertions.assertEquals(6, new Calc().add(3, 3));
                }
            }
            """;
    private static final String CALC = """
            package com.acme;

            import java.util.*;

            public class Calc {
                public int add(int a, int b) { return a + b; }
                public long times(int a, int b) { return (long) a * b; }
                public double half(double x) { return x / 2; }
                public char next(char c) { return (char) (c + 1); }
                public List<Integer> range(int n) { List<Integer> out = new ArrayList<>(); for (int i = 1; i <= n; i++) out.add(i); return out; }
                public Set<String> letters() { return new TreeSet<>(List.of("b", "a")); }
                public Map<String, Integer> counts(String s) { return new HashMap<>(Map.of(s, 1)); }
                public int[] reversed(int[] xs) { int[] out = new int[xs.length]; for (int i = 0; i < xs.length; i++) out[i] = xs[xs.length - 1 - i]; return out; }
                public String greet(String who) { return "hello, " + who; }
                public boolean even(int x) { return x % 2 == 0; }
                public String find(String key) { return key.equals("a") ? "found" : null; }
            }
            """;

    @TempDir
    static Path scratch;
    private static Path harness;
    private static Analysis analysis;

    @BeforeAll
    static void analyze() {
        harness = HarnessLayout.materialize(scratch.resolve("harness"));
        analysis = new JavaAnalyzer().analyze(Map.of(TEST_PATH, TEST, LEGACY_PATH, LEGACY, MAIN_PATH, MAIN),
                Map.of("src/main/java/com/acme/Calc.java", CALC), List.of("src/main/java/com/acme/Calc.java"));
    }

    private static Map<String, String> workspace(String calc) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("src/main/java/com/acme/Calc.java", calc);
        files.put(TEST_PATH, analysis.rewrittenFiles().get(TEST_PATH));
        files.put(LEGACY_PATH, analysis.rewrittenFiles().get(LEGACY_PATH));
        files.put(MAIN_PATH, analysis.rewrittenFiles().get(MAIN_PATH));
        return files;
    }

    @Test
    void everyAssertionButTheUnsealableOneIsSealed() {
        assertThat(analysis.errors()).isEmpty();
        assertThat(analysis.rewrittenFiles()).containsOnlyKeys(TEST_PATH, LEGACY_PATH, MAIN_PATH);
        assertThat(analysis.expectations()).hasSize(18);
        assertThat(analysis.tests()).filteredOn(t -> t.evidence() == Evidence.SEALED).extracting(Analysis.TrustedTest::function)
                .containsExactlyInAnyOrder("com.acme.CalcTest#arithmetic", "com.acme.CalcTest#collections", "com.acme.CalcTest#predicates",
                        "com.acme.CalcTest#evens", "com.acme.LegacyTest#adds", "com.acme.Main#main");
        for (String path : List.of(TEST_PATH, LEGACY_PATH, MAIN_PATH)) {
            String original = Map.of(TEST_PATH, TEST, LEGACY_PATH, LEGACY, MAIN_PATH, MAIN).get(path);
            assertThat(analysis.rewrittenFiles().get(path).lines().count()).as(path).isEqualTo(original.lines().count());
        }
    }

    @Test
    void rewrittenTestsCompileAgainstTheSandboxJars() throws Exception {
        Path src = scratch.resolve("compile-src");
        List<Path> sources = new ArrayList<>();
        for (Map.Entry<String, String> e : workspace(CALC).entrySet()) {
            Path p = src.resolve(e.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, e.getValue());
            sources.add(p);
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        java.io.ByteArrayOutputStream diagnostics = new java.io.ByteArrayOutputStream();
        String classPath = harness.resolve("java/assay-harness.jar") + java.io.File.pathSeparator
                + harness.resolve("java/junit-platform-console-standalone.jar");
        List<String> args = new ArrayList<>(List.of("-d", scratch.resolve("compile-out").toString(), "-proc:none", "-cp", classPath));
        sources.forEach(p -> args.add(p.toString()));
        int status = javac.run(null, diagnostics, diagnostics, args.toArray(String[]::new));
        assertThat(status).as(diagnostics.toString()).isZero();
    }

    @Test
    void aCorrectSolutionMatchesEveryExpectationAndFailuresKeepTheirLines() throws Exception {
        JsonNode report = runHarness(scratch.resolve("correct"), workspace(CALC));
        Map<String, String> status = statuses(report);
        assertThat(status).containsEntry("com.acme.CalcTest#arithmetic", "PASSED").containsEntry("com.acme.CalcTest#evens[2]", "PASSED")
                .containsEntry("com.acme.LegacyTest#adds", "PASSED").containsEntry("com.acme.Main#main", "PASSED")
                .containsEntry("com.acme.CalcTest#failsInProcessOnItsOwnLine", "FAILED");
        JsonNode failed = find(report, "com.acme.CalcTest#failsInProcessOnItsOwnLine");
        assertThat(failed.get("message").asText()).contains("CalcTest.java:42");
        assertThat(mismatches(report)).isEmpty();
        assertThat(report.get("integrity")).isEmpty();
        // Every probe a sealed unit must reach was recorded under that unit.
        for (Analysis.TrustedTest t : analysis.tests()) {
            for (int probe : t.probes()) {
                assertThat(report.get("probes")).as("probe %d of %s", probe, t.function()).anySatisfy(p -> {
                    assertThat(p.get("probe").asInt()).isEqualTo(probe);
                    assertThat(p.get("test").asText()).startsWith(t.function());
                });
            }
        }
    }

    @Test
    void aWrongSolutionPassesInProcessButNotOutside() throws Exception {
        String wrong = CALC.replace("return a + b;", "return a + b + (a == 1 && b == 2 ? 1 : 0);")
                .replace("return \"hello, \" + who;", "return \"hi, \" + who;");
        JsonNode report = runHarness(scratch.resolve("wrong"), workspace(wrong));
        // The sealed assertions are gone from the test run: the tests pass there; the comparison outside fails them.
        assertThat(statuses(report)).containsEntry("com.acme.CalcTest#arithmetic", "PASSED").containsEntry("com.acme.CalcTest#collections", "PASSED");
        List<String> mismatches = mismatches(report);
        assertThat(mismatches).hasSize(2).contains("assertEquals(3, calc.add(1, 2));");
        assertThat(mismatches).anySatisfy(m -> assertThat(m).contains("calc.greet(\"world\")"));
    }

    /** The source of each expectation some probe record does not meet (a minimal stand-in for the executor's comparison). */
    private static List<String> mismatches(JsonNode report) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<Integer, Expectation> e : analysis.expectations().entrySet()) {
            Expectation x = e.getValue();
            boolean any = false;
            boolean ok = true;
            for (JsonNode p : report.get("probes")) {
                if (p.get("probe").asInt() != e.getKey()) {
                    continue;
                }
                any = true;
                JsonNode v = p.get("value");
                ok &= switch (x.kind()) {
                    case "java.equals", "java.arrayEquals" -> v.equals(x.expected());
                    case "java.notEquals" -> !v.equals(x.expected());
                    case "java.delta" -> v.get("t").asText().equals("float")
                            && Math.abs(Double.parseDouble(v.get("v").asText()) - Double.parseDouble(x.expected().get("v").asText()))
                            <= x.tolerance().get("abs").asDouble();
                    case "java.true" -> v.equals(JSON.createObjectNode().put("t", "bool").put("v", true));
                    case "java.false" -> v.equals(JSON.createObjectNode().put("t", "bool").put("v", false));
                    case "java.null" -> v.get("t").asText().equals("null");
                    case "java.notNull" -> !v.get("t").asText().equals("null");
                    default -> false;
                };
            }
            if (!any || !ok) {
                out.add(x.source());
            }
        }
        return out;
    }

    private static Map<String, String> statuses(JsonNode report) {
        Map<String, String> out = new LinkedHashMap<>();
        report.get("tests").forEach(t -> out.put(t.get("id").asText(), t.get("status").asText()));
        return out;
    }

    private static JsonNode find(JsonNode report, String id) {
        for (JsonNode t : report.get("tests")) {
            if (t.get("id").asText().equals(id)) {
                return t;
            }
        }
        throw new AssertionError("no test " + id);
    }

    private static JsonNode runHarness(Path workspace, Map<String, String> files) throws Exception {
        for (Map.Entry<String, String> e : files.entrySet()) {
            Path p = workspace.resolve(e.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, e.getValue());
        }
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        String nonce = HexFormat.of().formatHex(secret);
        Path java = Files.isExecutable(JDK.resolve("bin/java")) ? JDK.resolve("bin/java") : Path.of(System.getProperty("java.home"), "bin", "java");
        Path tmp = Files.createDirectories(workspace.resolveSibling(workspace.getFileName() + "-tmp"));
        Process process = new ProcessBuilder(java.toString(), "-Xmx256m", "-Djava.io.tmpdir=" + tmp,
                "--sun-misc-unsafe-memory-access=deny", "--illegal-native-access=deny", "-XX:+DisableAttachMechanism",
                "-cp", harness.resolve(HarnessLayout.JAVA_HARNESS_JAR.substring(HarnessLayout.SANDBOX_DIR.length() + 1)) + ":"
                        + harness.resolve(HarnessLayout.JUNIT_STANDALONE_JAR.substring(HarnessLayout.SANDBOX_DIR.length() + 1)),
                HarnessLayout.JAVA_HARNESS_MAIN)
                .directory(workspace.toFile()).redirectError(tmp.resolve("stderr").toFile()).redirectOutput(tmp.resolve("stdout").toFile())
                .start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(("{\"nonce\":\"" + nonce + "\",\"mode\":\"test\",\"root\":" + JSON.writeValueAsString(workspace.toString())
                    + ",\"requestTests\":[\"" + TEST_PATH + "\",\"" + LEGACY_PATH + "\",\"" + MAIN_PATH + "\"]}").getBytes(StandardCharsets.UTF_8));
        }
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(Files.readString(tmp.resolve("stderr"))).isZero();
        String stdout = Files.readString(tmp.resolve("stdout"));
        String prefix = nonce + " REPORT ";
        int at = stdout.lastIndexOf(prefix);
        assertThat(at).as(stdout).isNotNegative();
        return JSON.readTree(stdout.substring(at + prefix.length()).strip());
    }
}
