package dev.assay.executor;

import static dev.assay.executor.Generations.file;
import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.avro.ArtifactKind;
import dev.assay.avro.ExecutionPolicy;
import dev.assay.avro.ExecutionResult;
import dev.assay.avro.ExecutionStatus;
import dev.assay.avro.Language;
import dev.assay.avro.TestCaseResult;
import dev.assay.avro.TestStatus;
import dev.assay.avro.Violation;
import dev.assay.executor.runner.JavaRunner;
import dev.assay.executor.runner.NodeRunner;
import dev.assay.executor.runner.PythonRunner;
import dev.assay.executor.sandbox.Sandbox;
import dev.assay.executor.sandbox.SandboxLimits;
import dev.assay.executor.sandbox.TestSandboxes;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Java and JavaScript through the executor, on each local backend; resource accounting for all three languages. */
abstract class PolyglotContract {
    static final SandboxLimits LIMITS = new SandboxLimits(Duration.ofSeconds(60), 30, 256L * 1024 * 1024, 64, 16 * 1024,
            32L * 1024 * 1024);
    static final Path JAVA_HOME = Path.of(System.getProperty("assay.test.java.home", "/usr/lib/jvm/temurin-25-jdk-amd64"));
    static final Path NODE = Path.of("/usr/bin/node");
    static final Path ACORN = Path.of("/usr/share/nodejs/acorn/dist/acorn.mjs");

    @TempDir
    Path scratch;
    private Sandbox sandbox;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    abstract Sandbox sandbox();

    @BeforeEach
    void setUp() {
        sandbox = sandbox();
    }

    static Executor executor(Sandbox sandbox, Path scratch, SandboxLimits limits) {
        return executor(sandbox, scratch, limits, new SimpleMeterRegistry());
    }

    static Executor executor(Sandbox sandbox, Path scratch, SandboxLimits limits, MeterRegistry meters) {
        return new Executor(sandbox, List.of(new PythonRunner(Path.of("/usr/bin/python3")), new JavaRunner(JAVA_HOME),
                new NodeRunner(NODE, ACORN)), ExecutionPolicyTable.standard(), limits, 1, TestSandboxes.passable(scratch),
                meters, Clock.systemUTC());
    }

    /** Test files (by the language's conventions) are the request's; the rest is what the model generated. */
    private ExecutionResult run(Language language, ArtifactKind kind, Map<String, String> files) throws Exception {
        return run(language, kind, files, LIMITS);
    }

    private ExecutionResult run(Language language, ArtifactKind kind, Map<String, String> files, SandboxLimits limits) throws Exception {
        Executor executor = executor(sandbox, scratch, limits, meters);
        java.util.function.Predicate<String> isTest = path -> path.contains("test") || path.contains("Test") || path.equals("Main.java");
        return executor.execute(Generations.generation(language, kind,
                files.entrySet().stream().filter(e -> kind != ArtifactKind.INFRASTRUCTURE && isTest.test(e.getKey()))
                        .map(e -> file(e.getKey(), e.getValue())).toList(),
                files.entrySet().stream().filter(e -> kind == ArtifactKind.INFRASTRUCTURE || !isTest.test(e.getKey()))
                        .map(e -> file(e.getKey(), e.getValue())).toList()));
    }

    private static Map<String, TestStatus> statuses(ExecutionResult r) {
        return r.getTests().stream().collect(Collectors.toMap(TestCaseResult::getName, TestCaseResult::getStatus));
    }

    private static void assumeJava() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(JAVA_HOME.resolve("bin/java")) || TestSandboxes.toolsRequired(),
                "no JDK at " + JAVA_HOME);
    }

    private static void assumeNode() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(NODE) || TestSandboxes.toolsRequired(), "no node at " + NODE);
    }

    static final String CALC_JAVA = """
            package calc;

            public class Calc {
                public static int add(int a, int b) {
                    return a + b;
                }
            }
            """;

    @Test
    void javaJUnitStyleAndMainMethodTestsPassAndFail() throws Exception {
        assumeJava();
        ExecutionResult r = run(Language.JAVA, ArtifactKind.LIBRARY_CODE, Map.of(
                "src/main/java/calc/Calc.java", CALC_JAVA,
                "src/test/java/calc/CalcTest.java", """
                        package calc;

                        import static org.junit.jupiter.api.Assertions.assertEquals;
                        import org.junit.jupiter.api.BeforeEach;
                        import org.junit.jupiter.api.Disabled;
                        import org.junit.jupiter.api.Test;

                        class CalcTest {
                            int base;

                            @BeforeEach
                            void setUp() { base = 1; }

                            @Test
                            void addsSmallNumbers() { assertEquals(3, Calc.add(base, 2)); }

                            @Test
                            void wrongExpectation() { assertEquals(5, Calc.add(2, 2), "two and two"); }

                            @Test
                            @Disabled("later")
                            void notYet() { }

                            @Test
                            void throwsSomethingElse() { throw new IllegalStateException("boom"); }
                        }
                        """,
                "Main.java", """
                        public class Main {
                            public static void main(String[] args) {
                                System.out.println("main test ran");
                                if (calc.Calc.add(1, 1) != 2) throw new AssertionError();
                            }
                        }
                        """));
        assertThat(r.getStatus()).as(r.getDetail() + r.getStderr()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(statuses(r)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "calc.CalcTest#addsSmallNumbers", TestStatus.PASSED,
                "calc.CalcTest#wrongExpectation", TestStatus.FAILED,
                "calc.CalcTest#notYet", TestStatus.SKIPPED,
                "calc.CalcTest#throwsSomethingElse", TestStatus.ERROR,
                "Main#main", TestStatus.PASSED));
        TestCaseResult wrong = r.getTests().stream().filter(t -> t.getName().endsWith("wrongExpectation")).findFirst().orElseThrow();
        assertThat(wrong.getMessage()).as("sealed: compared outside the sandbox").contains("expected 5, got 4", "outside the sandbox");
        assertThat(r.getTests()).filteredOn(t -> t.getName().endsWith("addsSmallNumbers")).singleElement()
                .satisfies(t -> assertThat(t.getEvidence()).isEqualTo(dev.assay.avro.Evidence.SEALED));
        assertThat(r.getStdout()).contains("main test ran");
    }

    @Test
    void javaThatDoesNotCompileIsAnErrorNamingTheLine() throws Exception {
        assumeJava();
        ExecutionResult r = run(Language.JAVA, ArtifactKind.LIBRARY_CODE, Map.of("Main.java", """
                public class Main {
                    public static void main(String[] args) {
                        int x = "not a number";
                    }
                }
                """));
        assertThat(r.getStatus()).isEqualTo(ExecutionStatus.ERROR);
        assertThat(r.getDetail()).contains("Main.java:3", "incompatible types");
    }

    @Test
    void javaHeapExhaustionIsAMemoryViolation() throws Exception {
        assumeJava();
        ExecutionResult r = run(Language.JAVA, ArtifactKind.LIBRARY_CODE, Map.of("MemoryTest.java", """
                import java.util.ArrayList;
                import java.util.List;

                public class MemoryTest {
                    public static void main(String[] args) {
                        List<long[]> hog = new ArrayList<>();
                        while (true) {
                            hog.add(new long[4 * 1024 * 1024]);
                        }
                    }
                }
                """), LIMITS.withMemoryBytes(64L * 1024 * 1024));
        assertThat(r.getViolation()).as(r.getTests() + r.getStderr()).isEqualTo(Violation.MEMORY);
        assertThat(r.getStatus()).isEqualTo(ExecutionStatus.ERROR);
    }

    @Test
    void javaInfrastructureIsOnlyCompiled() throws Exception {
        assumeJava();
        ExecutionResult r = run(Language.JAVA, ArtifactKind.INFRASTRUCTURE, Map.of("Main.java", """
                public class Main {
                    public static void main(String[] args) {
                        System.out.println("PROVISIONING");
                        throw new AssertionError("would fail if run");
                    }
                }
                """));
        assertThat(r.getPolicy()).isEqualTo(ExecutionPolicy.DRY_RUN);
        assertThat(r.getStatus()).as(r.getDetail() + r.getStderr()).isEqualTo(ExecutionStatus.PASSED);
        assertThat(statuses(r)).containsExactly(Map.entry("compile:Main.java", TestStatus.PASSED));
        assertThat(r.getStdout()).doesNotContain("PROVISIONING");
    }

    @Test
    void javascriptNodeTestsPassFailAndSkip() throws Exception {
        assumeNode();
        ExecutionResult r = run(Language.JAVASCRIPT, ArtifactKind.LIBRARY_CODE, Map.of(
                "calc.js", "exports.add = (a, b) => a + b;\n",
                "test/calc.test.js", """
                        const test = require('node:test');
                        const assert = require('node:assert');
                        const { add } = require('../calc');

                        test('adds', () => { console.log('log from a test'); assert.strictEqual(add(1, 2), 3); });
                        test('wrong', () => { assert.strictEqual(add(2, 2), 5); });
                        test('crashes', () => { null.boom(); });
                        test('later', { skip: 'not today' }, () => {});
                        test.describe('group', () => { test.it('nested', () => assert.ok(true)); });
                        """));
        assertThat(r.getStatus()).as(r.getDetail() + r.getStderr() + r.getStdout()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(statuses(r)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "test/calc.test.js::adds", TestStatus.PASSED,
                "test/calc.test.js::wrong", TestStatus.FAILED,
                "test/calc.test.js::crashes", TestStatus.ERROR,
                "test/calc.test.js::later", TestStatus.SKIPPED,
                "test/calc.test.js::group > nested", TestStatus.PASSED));
        TestCaseResult wrong = r.getTests().stream().filter(t -> t.getName().endsWith("::wrong")).findFirst().orElseThrow();
        assertThat(wrong.getMessage()).as("sealed: compared outside the sandbox").contains("expected 5, got 4", "outside the sandbox");
        assertThat(r.getStdout()).contains("log from a test");
    }

    @Test
    void javascriptThatDoesNotLoadIsAnError() throws Exception {
        assumeNode();
        ExecutionResult r = run(Language.JAVASCRIPT, ArtifactKind.LIBRARY_CODE, Map.of(
                "calc.test.js", "const test = require('node:test');\ntest('x', () => {\n"));
        assertThat(r.getStatus()).isEqualTo(ExecutionStatus.ERROR);
        assertThat(r.getDetail()).contains("tests could not be loaded", "calc.test.js");
    }

    @Test
    void javascriptInfrastructureIsOnlySyntaxChecked() throws Exception {
        assumeNode();
        ExecutionResult ok = run(Language.JAVASCRIPT, ArtifactKind.INFRASTRUCTURE, Map.of(
                "deploy.js", "console.log('DEPLOYING'); process.exit(3);\n"));
        assertThat(ok.getStatus()).as(ok.getDetail() + ok.getStderr()).isEqualTo(ExecutionStatus.PASSED);
        assertThat(ok.getStdout()).doesNotContain("DEPLOYING");
        ExecutionResult broken = run(Language.JAVASCRIPT, ArtifactKind.INFRASTRUCTURE, Map.of("deploy.js", "function (\n"));
        assertThat(broken.getStatus()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(broken.getTests().getFirst().getMessage()).contains("SyntaxError");
    }

    @Test
    void javascriptNetworkAccessIsANetworkViolation() throws Exception {
        assumeNode();
        ExecutionResult r = run(Language.JAVASCRIPT, ArtifactKind.LIBRARY_CODE, Map.of("net.test.js", """
                const test = require('node:test');
                const dns = require('node:dns/promises');
                test('phones home', async () => { await dns.lookup('example.com'); });
                """));
        assertThat(r.getViolation()).as(r.getTests().toString()).isEqualTo(Violation.NETWORK);
    }

    /** More than the runtime alone needs, less than what the tests below touch (60 MiB). */
    private static final long ALLOCATED_LOWER_BOUND = 50L * 1024 * 1024;

    @Test
    void pythonReportsCpuTimeAndPeakMemory() throws Exception {
        ExecutionResult r = run(Language.PYTHON, ArtifactKind.LIBRARY_CODE, Map.of("test_busy.py", """
                def test_busy():
                    assert sum(i * i for i in range(3_000_000)) > 0

                def test_allocates():
                    block = bytearray(b"x") * (60 * 1024 * 1024)
                    assert len(block) == 60 * 1024 * 1024
                """));
        assertMeasured(r, Language.PYTHON);
    }

    @Test
    void javaReportsCpuTimeAndPeakMemory() throws Exception {
        assumeJava();
        ExecutionResult r = run(Language.JAVA, ArtifactKind.LIBRARY_CODE, Map.of("BusyTest.java", """
                import java.util.Arrays;

                public class BusyTest {
                    public static void main(String[] args) {
                        long sum = 0;
                        for (long i = 0; i < 300_000_000L; i++) {
                            sum += i * i ^ (sum >>> 3);
                        }
                        byte[] block = new byte[60 * 1024 * 1024];
                        Arrays.fill(block, (byte) 1);
                        if (sum == 42 || block[block.length - 1] != 1) {
                            throw new AssertionError();
                        }
                    }
                }
                """));
        assertMeasured(r, Language.JAVA);
    }

    @Test
    void javascriptReportsCpuTimeAndPeakMemoryOfTheTestProcesses() throws Exception {
        assumeNode();
        ExecutionResult r = run(Language.JAVASCRIPT, ArtifactKind.LIBRARY_CODE, Map.of("busy.test.js", """
                const test = require('node:test');
                const assert = require('node:assert');
                test('busy', () => {
                  let sum = 0;
                  for (let i = 0; i < 50_000_000; i++) { sum = (sum + i * i) % 1000003; }
                  assert.ok(sum >= 0);
                });
                test('allocates', () => {
                  const block = Buffer.alloc(60 * 1024 * 1024, 1);
                  assert.strictEqual(block[block.length - 1], 1);
                });
                """));
        assertMeasured(r, Language.JAVASCRIPT);
    }

    private void assertMeasured(ExecutionResult r, Language language) {
        assertThat(r.getStatus()).as(r.getDetail() + r.getStderr() + r.getStdout()).isEqualTo(ExecutionStatus.PASSED);
        assertThat(r.getCpuMillis()).isPositive();
        assertThat(r.getPeakMemoryBytes()).isGreaterThan(ALLOCATED_LOWER_BOUND);
        DistributionSummary cpu = meters.get("assay.sandbox.cpu").tag("backend", sandbox.backend())
                .tag("language", language.name()).summary();
        assertThat(cpu.count()).isEqualTo(1);
        assertThat(cpu.totalAmount()).isEqualTo(r.getCpuMillis() / 1000.0);
        DistributionSummary memory = meters.get("assay.sandbox.memory.peak").tag("backend", sandbox.backend())
                .tag("language", language.name()).summary();
        assertThat(memory.totalAmount()).isEqualTo((double) r.getPeakMemoryBytes());
    }
}
