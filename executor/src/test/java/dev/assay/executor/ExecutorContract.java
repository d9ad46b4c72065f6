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
import dev.assay.executor.runner.PythonRunner;
import dev.assay.executor.sandbox.Sandbox;
import dev.assay.executor.sandbox.SandboxLimits;
import dev.assay.executor.sandbox.TestSandboxes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generated Python and its tests through the whole executor, on each local backend. */
abstract class ExecutorContract {
    static final SandboxLimits LIMITS = new SandboxLimits(Duration.ofSeconds(20), 10, 256L * 1024 * 1024, 16, 8 * 1024,
            8L * 1024 * 1024);
    static final String CALC = """
            def add(a, b):
                return a + b
            """;

    @TempDir
    Path scratch;
    private Sandbox sandbox;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    abstract Sandbox sandbox();

    @BeforeEach
    void setUp() {
        sandbox = sandbox();
    }

    private ExecutionResult run(ArtifactKind kind, SandboxLimits limits, Map<String, String> requestFiles, Map<String, String> generated)
            throws Exception {
        Executor executor = new Executor(sandbox, List.of(new PythonRunner(Path.of("/usr/bin/python3"))),
                ExecutionPolicyTable.standard(), limits, 1, TestSandboxes.passable(scratch), meters, Clock.systemUTC());
        return executor.execute(Generations.generation(Language.PYTHON, kind,
                requestFiles.entrySet().stream().map(e -> file(e.getKey(), e.getValue())).toList(),
                generated.entrySet().stream().map(e -> file(e.getKey(), e.getValue())).toList()));
    }

    private ExecutionResult run(String test, String solution) throws Exception {
        return run(ArtifactKind.LIBRARY_CODE, LIMITS, Map.of("test_calc.py", test), Map.of("calc.py", solution));
    }

    private static Map<String, TestStatus> statuses(ExecutionResult r) {
        return r.getTests().stream().collect(Collectors.toMap(TestCaseResult::getName, TestCaseResult::getStatus));
    }

    @Test
    void passingUnittestAndPlainTestsArePassedWithPerTestResults() throws Exception {
        ExecutionResult r = run("""
                import unittest
                from calc import add

                class AddTest(unittest.TestCase):
                    def test_small(self):
                        self.assertEqual(add(1, 2), 3)

                    @unittest.skip("not today")
                    def test_skipped(self):
                        pass

                def test_plain():
                    assert add(2, 2) == 4
                """, CALC);
        assertThat(r.getStatus()).as(r.getDetail() + r.getStderr()).isEqualTo(ExecutionStatus.PASSED);
        assertThat(statuses(r)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "test_calc.py::AddTest::test_small", TestStatus.PASSED,
                "test_calc.py::AddTest::test_skipped", TestStatus.SKIPPED,
                "test_calc.py::test_plain", TestStatus.PASSED));
        assertThat(r.getPolicy()).isEqualTo(ExecutionPolicy.FULL);
        assertThat(r.getViolation()).isEqualTo(Violation.NONE);
        assertThat(r.getExitCode()).isZero();
        assertThat(r.getBackend()).isEqualTo(sandbox.backend());
        assertThat(r.getDetail()).isEqualTo("2 passed, 0 failed, 0 errors, 1 skipped; 3 request test(s), 2 sealed");
        assertThat(r.getTests()).allSatisfy(t -> assertThat(t.getOrigin()).isEqualTo(dev.assay.avro.TestOrigin.REQUEST));
        assertThat(r.getRequiredTests()).isEqualTo(3);
        assertThat(meters.get("assay.sandbox.duration").timer().count()).isEqualTo(1);
        assertThat(meters.get("assay.executions").tag("status", "PASSED").tag("language", "PYTHON").counter().count()).isEqualTo(1);
    }

    @Test
    void aFailingAssertionIsFailedWithItsMessage() throws Exception {
        ExecutionResult r = run("""
                import unittest
                from calc import add

                def test_bare_assert():
                    assert add(2, 2) == 5

                class T(unittest.TestCase):
                    def test_equal(self):
                        self.assertEqual(add(1, 1), 3)

                def test_ok():
                    print("printed by a test")
                    assert add(0, 0) == 0
                """, CALC);
        assertThat(r.getStatus()).isEqualTo(ExecutionStatus.FAILED);
        Map<String, TestCaseResult> byName = r.getTests().stream().collect(Collectors.toMap(TestCaseResult::getName, t -> t));
        assertThat(byName.get("test_calc.py::test_bare_assert").getStatus()).isEqualTo(TestStatus.FAILED);
        // Both assertions are sealed: the expected values stayed outside the sandbox and were compared there.
        assertThat(byName.get("test_calc.py::test_bare_assert").getMessage())
                .isEqualTo("test_calc.py:5: assert add(2, 2) == 5 — expected 5, got 4 (compared outside the sandbox)");
        assertThat(byName.get("test_calc.py::T::test_equal").getMessage()).contains("expected 3, got 2");
        assertThat(byName.get("test_calc.py::test_ok").getStatus()).isEqualTo(TestStatus.PASSED);
        assertThat(r.getDetail()).isEqualTo("1 passed, 2 failed, 0 errors, 0 skipped; 3 request test(s), 3 sealed");
    }

    @Test
    void anExceptionInTheCodeIsATestErrorAndTheRunFailed() throws Exception {
        ExecutionResult r = run("from calc import add\ndef test_it():\n    assert add(1, 2) == 3\n", "def add(a, b):\n    return a + c\n");
        assertThat(r.getStatus()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(r.getTests().getFirst().getStatus()).isEqualTo(TestStatus.ERROR);
        assertThat(r.getTests().getFirst().getMessage()).contains("NameError");
    }

    @Test
    void codeThatDoesNotImportIsAnError() throws Exception {
        ExecutionResult r = run("from calc import add\ndef test_it():\n    assert add(1, 2) == 3\n", "def add(a, b)\n    return a + b\n");
        assertThat(r.getStatus()).isEqualTo(ExecutionStatus.ERROR);
        assertThat(r.getDetail()).contains("tests could not be loaded", "SyntaxError");
    }

    @Test
    void noTestsIsAnError() throws Exception {
        ExecutionResult r = run(ArtifactKind.LIBRARY_CODE, LIMITS, Map.of(), Map.of("calc.py", CALC));
        assertThat(r.getStatus()).isEqualTo(ExecutionStatus.ERROR);
        assertThat(r.getDetail()).isEqualTo("no tests found");
    }

    @Test
    void anEndlessLoopTimesOut() throws Exception {
        ExecutionResult r = run(ArtifactKind.LIBRARY_CODE, LIMITS.withTimeout(Duration.ofSeconds(3)),
                Map.of("test_calc.py", "from calc import add\ndef test_it():\n    assert add(1, 2) == 3\n"),
                Map.of("calc.py", "def add(a, b):\n    while True:\n        pass\n"));
        assertThat(r.getStatus()).isEqualTo(ExecutionStatus.ERROR);
        assertThat(r.getViolation()).isEqualTo(Violation.TIMEOUT);
        assertThat(r.getDetail()).contains("time limit");
        assertThat(r.getExitCode()).isNull();
    }

    @Test
    void anOutputFloodIsCutAndReported() throws Exception {
        ExecutionResult r = run("from calc import add\ndef test_it():\n    while True:\n        print('spam' * 100)\n", CALC);
        assertThat(r.getViolation()).isEqualTo(Violation.OUTPUT_LIMIT);
        assertThat(r.getStatus()).isEqualTo(ExecutionStatus.ERROR);
        assertThat(r.getOutputTruncated()).isTrue();
        assertThat(r.getStdout()).hasSizeLessThanOrEqualTo(LIMITS.outputBytes()).contains("spamspam");
    }

    @Test
    void aForkBombInATestIsAPidsViolation() throws Exception {
        ExecutionResult r = run("""
                import os, time
                def test_bomb():
                    while True:
                        if os.fork() == 0:
                            time.sleep(3)
                            os._exit(0)
                """, CALC);
        assertThat(r.getViolation()).isEqualTo(Violation.PIDS);
        assertThat(r.getStatus()).isEqualTo(ExecutionStatus.ERROR);
        assertThat(r.getDetail()).contains("process limit");
    }

    @Test
    void aMemoryBombIsAMemoryViolation() throws Exception {
        ExecutionResult r = run("""
                def test_bomb():
                    hog = []
                    while True:
                        hog.append(bytearray(32 * 1024 * 1024))
                """, CALC);
        assertThat(r.getViolation()).isEqualTo(Violation.MEMORY);
        assertThat(r.getStatus()).isEqualTo(ExecutionStatus.ERROR);
    }

    @Test
    void reachingForTheNetworkIsANetworkViolation() throws Exception {
        ExecutionResult r = run("""
                import socket
                def test_exfiltrate():
                    socket.create_connection(('1.1.1.1', 443), timeout=3).sendall(b'secret')
                """, CALC);
        assertThat(r.getViolation()).isEqualTo(Violation.NETWORK);
        assertThat(r.getStatus()).isEqualTo(ExecutionStatus.ERROR);
    }

    @Test
    void testsSeeNoHostEnvironment() throws Exception {
        ExecutionResult r = run("""
                import os
                def test_environment_is_minimal():
                    leaked = {k: v for k, v in os.environ.items() if k.startswith('ASSAY') or 'canary' in v}
                    assert leaked == {}, leaked
                    assert os.environ['HOME'] == '/tmp'
                    assert set(os.environ) <= {'PATH', 'LANG', 'HOME', 'TMPDIR', 'LC_CTYPE', 'PWD', 'OLDPWD',
                                               'PYTEST_CURRENT_TEST', 'PYTEST_DISABLE_PLUGIN_AUTOLOAD'}, sorted(os.environ)
                """, CALC);
        assertThat(r.getStatus()).as(r.getTests().toString()).isEqualTo(ExecutionStatus.PASSED);
    }

    @Test
    void infrastructureIsOnlyCompiledNeverRun() throws Exception {
        ExecutionResult ok = run(ArtifactKind.INFRASTRUCTURE, LIMITS, Map.of(),
                Map.of("deploy.py", "print('DEPLOYING')\nraise SystemExit(3)\n", "test_deploy.py", "import deploy\n"));
        assertThat(ok.getPolicy()).isEqualTo(ExecutionPolicy.DRY_RUN);
        assertThat(ok.getStatus()).as(ok.getDetail()).isEqualTo(ExecutionStatus.PASSED);
        assertThat(ok.getStdout()).doesNotContain("DEPLOYING");
        assertThat(ok.getTests()).extracting(TestCaseResult::getName).containsExactlyInAnyOrder("compile:deploy.py", "compile:test_deploy.py");
        assertThat(ok.getDetail()).startsWith("dry run");

        ExecutionResult broken = run(ArtifactKind.INFRASTRUCTURE, LIMITS, Map.of(), Map.of("deploy.py", "def f(:\n"));
        assertThat(broken.getStatus()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(broken.getTests().getFirst().getMessage()).contains("SyntaxError");
    }

    @Test
    void parallelRunsEachSeeOnlyTheirOwnWorkspace() throws Exception {
        Executor executor = new Executor(sandbox, List.of(new PythonRunner(Path.of("/usr/bin/python3"))),
                ExecutionPolicyTable.standard(), LIMITS, 2, TestSandboxes.passable(scratch), meters, Clock.systemUTC());
        List<java.util.concurrent.Future<ExecutionResult>> runs = new java.util.ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 4; i++) {
                String test = """
                        import os, time
                        from calc import VALUE
                        def test_own_value():
                            open('mine.txt', 'w').write(str(VALUE))
                            time.sleep(0.3)
                            assert open('mine.txt').read() == '%d' == str(VALUE)
                        """.formatted(i);
                var generation = Generations.python(List.of(file("test_calc.py", test)), List.of(file("calc.py", "VALUE = " + i + "\n")));
                runs.add(pool.submit(() -> executor.execute(generation)));
            }
            for (var run : runs) {
                ExecutionResult r = run.get();
                assertThat(r.getStatus()).as(r.getDetail() + r.getStderr()).isEqualTo(ExecutionStatus.PASSED);
            }
        }
        assertOnlyTheHarnessIsLeft();
        assertThat(meters.get("assay.executions").tag("status", "PASSED").counter().count()).isEqualTo(4);
    }

    @Test
    void theWorkspaceIsDeletedAfterTheRun() throws Exception {
        run("from calc import add\ndef test_it():\n    assert add(1, 2) == 3\n", CALC);
        assertOnlyTheHarnessIsLeft();
    }

    /** The harness is laid out once per executor and stays; every run's workspace goes. */
    private void assertOnlyTheHarnessIsLeft() throws java.io.IOException {
        try (var entries = java.nio.file.Files.list(scratch)) {
            assertThat(entries.map(p -> p.getFileName().toString()).toList()).containsExactly("harness");
        }
    }
}
