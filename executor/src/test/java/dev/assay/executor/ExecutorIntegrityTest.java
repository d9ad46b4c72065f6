package dev.assay.executor;

import static dev.assay.executor.Generations.file;
import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.avro.Evidence;
import dev.assay.avro.ExecutionResult;
import dev.assay.avro.ExecutionStatus;
import dev.assay.avro.Finding;
import dev.assay.avro.Severity;
import dev.assay.avro.TestCaseResult;
import dev.assay.avro.TestOrigin;
import dev.assay.avro.TestStatus;
import dev.assay.avro.Violation;
import dev.assay.executor.runner.PythonRunner;
import dev.assay.executor.sandbox.Sandbox;
import dev.assay.executor.sandbox.SandboxRequest;
import dev.assay.executor.sandbox.SandboxResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the executor weighs what a harness reports, with a scripted sandbox standing in for the harness: whatever the
 * report says, the verdict rests on the run's nonce, the trusted test set, the sealed expectations and the tamper
 * findings. (The real harnesses in real sandboxes: {@link ExecutorContract}, {@link PolyglotContract}.)
 */
class ExecutorIntegrityTest {
    private static final String TESTS = "from calc import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n";
    private static final String SEALED_ANALYSIS = """
            {"tests":[{"function":"test_calc.py::test_add","file":"test_calc.py","kind":"exact","skipInSource":false,"evidence":"SEALED","probes":[1],"line":4}],
             "files":{"test_calc.py":"from calc import add\\n\\n\\ndef test_add():\\n    __assay_probe__(1, (add(1, 2)))\\n"},
             "expectations":{"1":{"kind":"py.eq","expected":{"t":"int","v":"3"},"tolerance":null,"path":"test_calc.py","line":5,"source":"assert add(1, 2) == 3"}},
             "findings":[],"errors":[]}""";
    private static final String PASSED = """
            {"tests":[{"id":"test_calc.py::test_add","function":"test_calc.py::test_add","file":"test_calc.py","status":"PASSED"}],
             "probes":[{"probe":1,"test":"test_calc.py::test_add","value":%s}],"errors":[],"integrity":[]}""";

    @TempDir
    Path scratch;
    /** The files each test run's workspace held, read while the run happened. */
    private final Map<String, String> testRunFiles = new ConcurrentHashMap<>();
    private int testRuns;

    private Executor executor(String analysis, Function<SandboxRequest, SandboxResult> testRun) {
        Sandbox sandbox = new ScriptedSandbox(analysis, request -> {
            testRuns++;
            try (Stream<Path> walk = Files.walk(request.input())) {
                for (Path p : walk.filter(Files::isRegularFile).toList()) {
                    testRunFiles.put(request.input().relativize(p).toString(), Files.readString(p));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return testRun.apply(request);
        });
        return new Executor(sandbox, List.of(new PythonRunner(Path.of("/usr/bin/python3"))), ExecutionPolicyTable.standard(),
                ExecutorContract.LIMITS, 1, scratch, new SimpleMeterRegistry(), Clock.systemUTC());
    }

    private ExecutionResult run(String analysis, Function<SandboxRequest, SandboxResult> testRun, Map<String, String> generated)
            throws Exception {
        List<dev.assay.avro.SourceFile> files = new ArrayList<>();
        generated.forEach((path, content) -> files.add(file(path, content)));
        return executor(analysis, testRun).execute(Generations.python(List.of(file("test_calc.py", TESTS)), files));
    }

    private ExecutionResult run(Function<SandboxRequest, SandboxResult> testRun) throws Exception {
        return run(SEALED_ANALYSIS, testRun, Map.of("calc.py", "def add(a, b):\n    return a + b\n"));
    }

    @Test
    void aSealedPassNeedsTheRightValueComparedOutside() throws Exception {
        ExecutionResult right = run(r -> ScriptedSandbox.harnessOutput(0, PASSED.formatted("{\"t\":\"int\",\"v\":\"3\"}")));
        assertThat(right.getStatus()).as(right.getDetail()).isEqualTo(ExecutionStatus.PASSED);
        assertThat(right.getTests()).singleElement().satisfies(t -> {
            assertThat(t.getOrigin()).isEqualTo(TestOrigin.REQUEST);
            assertThat(t.getEvidence()).isEqualTo(Evidence.SEALED);
        });
        assertThat(right.getRequiredTests()).isEqualTo(1);
        assertThat(testRunFiles.get("test_calc.py")).as("the expected value never entered the test run")
                .contains("__assay_probe__(1, (add(1, 2)))").doesNotContain("== 3");

        ExecutionResult forged = run(r -> ScriptedSandbox.harnessOutput(0, PASSED.formatted("{\"t\":\"object\",\"type\":\"calc.Anything\",\"repr\":\"3\"}")));
        assertThat(forged.getStatus()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(forged.getTests().getFirst().getMessage()).contains("expected 3", "calc.Anything", "outside the sandbox");
    }

    @Test
    void aReportPrintedWithoutTheRunsNonceIsNoReport() throws Exception {
        ExecutionResult r = run(request -> ScriptedSandbox.records(0, "@@assay-report@@\n" + PASSED.formatted("{\"t\":\"int\",\"v\":\"3\"}"), false));
        assertThat(r.getStatus()).isEqualTo(ExecutionStatus.ERROR);
        assertThat(r.getDetail()).startsWith("the test harness wrote no report");
    }

    @Test
    void endingCleanlyAfterTheHarnessBeganButBeforeItsReportIsTampering() throws Exception {
        ExecutionResult r = run(request -> ScriptedSandbox.records(0, "all tests passed\n", false, "BEGIN {}"));
        assertThat(r.getStatus()).isEqualTo(ExecutionStatus.TAMPERED);
        assertThat(r.getDetail()).contains("report-channel", "ended by itself with status 0 before the harness wrote its report");
        assertThat(r.getFindings()).extracting(Finding::getCheck).contains("tampering/report-channel");
    }

    @Test
    void theNonceInTheOutputOrOutputAfterTheReportIsTampering() throws Exception {
        ExecutionResult leaked = run(request -> {
            SandboxResult ok = ScriptedSandbox.harnessOutput(0, PASSED.formatted("{\"t\":\"int\",\"v\":\"3\"}"));
            return new SandboxResult(0, "I found " + request.nonce(), "", ok.records(), false, false, false, false, Duration.ZERO, Violation.NONE);
        });
        assertThat(leaked.getStatus()).isEqualTo(ExecutionStatus.TAMPERED);
        ExecutionResult trailing = run(request -> {
            SandboxResult ok = ScriptedSandbox.harnessOutput(0, PASSED.formatted("{\"t\":\"int\",\"v\":\"3\"}"));
            return new SandboxResult(0, "", "", ok.records(), true, false, false, false, Duration.ZERO, Violation.NONE);
        });
        assertThat(trailing.getStatus()).isEqualTo(ExecutionStatus.TAMPERED);
        assertThat(trailing.getDetail()).contains("output followed the harness's report");
    }

    @Test
    void anIntegrityEventMakesTheRunTamperedWhateverTheTestsSay() throws Exception {
        ExecutionResult r = run(request -> ScriptedSandbox.records(0, "", false, "BEGIN {}",
                "EVENT {\"rule\":\"heap-walk\",\"message\":\"gc.get_objects from generated code\",\"path\":\"calc.py\",\"line\":3}",
                "REPORT " + PASSED.formatted("{\"t\":\"int\",\"v\":\"3\"}").replace("\n", " ")));
        assertThat(r.getStatus()).isEqualTo(ExecutionStatus.TAMPERED);
        assertThat(r.getFindings()).singleElement().satisfies(f -> {
            assertThat(f.getCheck()).isEqualTo("tampering/heap-walk");
            assertThat(f.getSeverity()).isEqualTo(Severity.CRITICAL);
            assertThat(f.getPath()).isEqualTo("calc.py");
            assertThat(f.getLine()).isEqualTo(3);
        });
    }

    @Test
    void codeTheAnalysisCaughtTamperingIsNotRunAtAll() throws Exception {
        String analysis = SEALED_ANALYSIS.replace("\"findings\":[]", """
                "findings":[{"rule":"exit-outside-main","severity":"CRITICAL","message":"os._exit outside a main guard","path":"calc.py","line":2}]""");
        ExecutionResult r = run(analysis, request -> {
            throw new AssertionError("must not run");
        }, Map.of("calc.py", "import os\nos._exit(0)\n"));
        assertThat(r.getStatus()).isEqualTo(ExecutionStatus.TAMPERED);
        assertThat(r.getDetail()).contains("exit-outside-main", "calc.py:2", "not run");
        assertThat(testRuns).isZero();
    }

    @Test
    void aMediumFindingIsShownButIsNotTampering() throws Exception {
        String analysis = SEALED_ANALYSIS.replace("\"findings\":[]", """
                "findings":[{"rule":"environment-read","severity":"MEDIUM","message":"reads os.environ","path":"calc.py","line":1}]""");
        ExecutionResult r = run(analysis, request -> ScriptedSandbox.harnessOutput(0, PASSED.formatted("{\"t\":\"int\",\"v\":\"3\"}")),
                Map.of("calc.py", "import os\ndef add(a, b):\n    return a + b\n"));
        assertThat(r.getStatus()).isEqualTo(ExecutionStatus.PASSED);
        assertThat(r.getFindings()).extracting(Finding::getCheck, Finding::getSeverity)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("tampering/environment-read", Severity.MEDIUM));
    }

    @Test
    void generatedTestInfrastructureIsLeftOutAndHooksInItAreTampering() throws Exception {
        ExecutionResult config = run(SEALED_ANALYSIS, request -> ScriptedSandbox.harnessOutput(0, PASSED.formatted("{\"t\":\"int\",\"v\":\"3\"}")),
                Map.of("calc.py", "def add(a, b):\n    return a + b\n", "pytest.ini", "[pytest]\naddopts = -q\n"));
        assertThat(testRunFiles).containsKeys("calc.py", "test_calc.py").doesNotContainKey("pytest.ini");
        assertThat(config.getFindings()).singleElement().satisfies(f -> {
            assertThat(f.getCheck()).isEqualTo("test-infrastructure");
            assertThat(f.getSeverity()).isEqualTo(Severity.HIGH);
            assertThat(f.getMessage()).contains("pytest.ini", "left out of the run");
        });

        ExecutionResult hooks = run(SEALED_ANALYSIS, request -> {
            throw new AssertionError("must not run");
        }, Map.of("calc.py", "def add(a, b):\n    return 0\n",
                "conftest.py", "def pytest_runtest_makereport(item, call):\n    pass\n"));
        assertThat(hooks.getStatus()).isEqualTo(ExecutionStatus.TAMPERED);
        assertThat(hooks.getFindings()).extracting(Finding::getCheck).containsExactly("tampering/test-infrastructure");
    }

    @Test
    void anEditOfARequestTestRunsTheRequestsVersionAndIsReported() throws Exception {
        ExecutionResult r = run(SEALED_ANALYSIS, request -> ScriptedSandbox.harnessOutput(0, PASSED.formatted("{\"t\":\"int\",\"v\":\"3\"}")),
                Map.of("calc.py", "def add(a, b):\n    return a + b\n", "test_calc.py", "def test_add():\n    pass\n"));
        assertThat(testRunFiles.get("test_calc.py")).contains("__assay_probe__(1, (add(1, 2)))");
        assertThat(r.getStatus()).isEqualTo(ExecutionStatus.PASSED);
        assertThat(r.getFindings()).singleElement().satisfies(f -> {
            assertThat(f.getCheck()).isEqualTo(WorkspacePlan.TEST_EDIT);
            assertThat(f.getSeverity()).isEqualTo(Severity.MEDIUM);
            assertThat(f.getPath()).isEqualTo("test_calc.py");
        });
    }

    @Test
    void aRequiredTestMissingFromTheReportFailsTheRun() throws Exception {
        ExecutionResult r = run(request -> ScriptedSandbox.harnessOutput(0, """
                {"tests":[{"id":"test_mine.py::test_ok","file":"test_mine.py","status":"PASSED"}],"probes":[],"errors":[]}"""));
        assertThat(r.getStatus()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(r.getTests()).extracting(TestCaseResult::getName, TestCaseResult::getStatus, TestCaseResult::getOrigin)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("test_calc.py::test_add", TestStatus.FAILED, TestOrigin.REQUEST),
                        org.assertj.core.groups.Tuple.tuple("test_mine.py::test_ok", TestStatus.PASSED, TestOrigin.GENERATED));
    }
}
