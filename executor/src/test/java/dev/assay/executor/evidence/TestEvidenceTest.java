package dev.assay.executor.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.assay.avro.Evidence;
import dev.assay.avro.TestCaseResult;
import dev.assay.avro.TestOrigin;
import dev.assay.avro.TestStatus;
import dev.assay.executor.analysis.Analysis;
import dev.assay.executor.harness.RunReport;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A reported pass is checked against the trusted set and the sealed expectations; a reported failure is believed. */
class TestEvidenceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> REQUEST = Set.of("test_calc.py", "calc.py");

    private static JsonNode v(String json) {
        try {
            return JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Analysis analysis(boolean skipInSource) {
        return new Analysis(List.of(
                new Analysis.TrustedTest("test_calc.py::test_add", "test_calc.py", Analysis.Kind.EXACT, false, Analysis.Evidence.SEALED, List.of(1, 2), 3),
                new Analysis.TrustedTest("test_calc.py::test_io", "test_calc.py", Analysis.Kind.EXACT, skipInSource, Analysis.Evidence.IN_PROCESS, List.of(), 9)),
                Map.of(), Map.of(
                        1, new Analysis.Expectation("py.eq", v("{\"t\":\"int\",\"v\":\"3\"}"), null, "test_calc.py", 4, "assert add(1, 2) == 3"),
                        2, new Analysis.Expectation("py.eq", v("{\"t\":\"int\",\"v\":\"0\"}"), null, "test_calc.py", 5, "assert add(0, 0) == 0")),
                List.of(), List.of());
    }

    private static RunReport.Test test(String id, TestStatus status) {
        String file = id.substring(0, id.indexOf("::"));
        return new RunReport.Test(id, id.replaceAll("\\[.*]$", ""), file, status, null, 1);
    }

    private static RunReport report(List<RunReport.Test> tests, List<RunReport.ProbeValue> probes) {
        return new RunReport(tests, probes, List.of(), List.of(), List.of(), 0, 0);
    }

    private static RunReport.ProbeValue probe(int id, String test, String value) {
        return new RunReport.ProbeValue(id, test, v(value));
    }

    private static TestCaseResult named(List<TestCaseResult> tests, String name) {
        return tests.stream().filter(t -> t.getName().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aSealedPassNeedsEveryProbeReachedWithTheExpectedValue() {
        List<TestCaseResult> tests = TestEvidence.weigh(report(
                List.of(test("test_calc.py::test_add", TestStatus.PASSED), test("test_calc.py::test_io", TestStatus.PASSED)),
                List.of(probe(1, "test_calc.py::test_add", "{\"t\":\"int\",\"v\":\"3\"}"), probe(2, "test_calc.py::test_add", "{\"t\":\"int\",\"v\":\"0\"}"))),
                analysis(false), REQUEST);
        assertThat(named(tests, "test_calc.py::test_add").getStatus()).isEqualTo(TestStatus.PASSED);
        assertThat(named(tests, "test_calc.py::test_add").getEvidence()).isEqualTo(Evidence.SEALED);
        assertThat(named(tests, "test_calc.py::test_io").getEvidence()).isEqualTo(Evidence.IN_PROCESS);
        assertThat(tests).allSatisfy(t -> assertThat(t.getOrigin()).isEqualTo(TestOrigin.REQUEST));
    }

    @Test
    void aForgedPassWithAWrongValueOrAMissingProbeFails() {
        List<TestCaseResult> wrong = TestEvidence.weigh(report(List.of(test("test_calc.py::test_add", TestStatus.PASSED)),
                List.of(probe(1, "test_calc.py::test_add", "{\"t\":\"int\",\"v\":\"4\"}"), probe(2, "test_calc.py::test_add", "{\"t\":\"int\",\"v\":\"0\"}"))),
                analysis(false), REQUEST);
        assertThat(named(wrong, "test_calc.py::test_add")).satisfies(t -> {
            assertThat(t.getStatus()).isEqualTo(TestStatus.FAILED);
            assertThat(t.getMessage()).contains("test_calc.py:4", "expected 3, got 4", "outside the sandbox");
        });
        List<TestCaseResult> missing = TestEvidence.weigh(report(List.of(test("test_calc.py::test_add", TestStatus.PASSED)),
                List.of(probe(1, "test_calc.py::test_add", "{\"t\":\"int\",\"v\":\"3\"}"))), analysis(false), REQUEST);
        assertThat(named(missing, "test_calc.py::test_add").getMessage()).contains("never reached", "assert add(0, 0) == 0");
        List<TestCaseResult> otherTest = TestEvidence.weigh(report(List.of(test("test_calc.py::test_add", TestStatus.PASSED)),
                List.of(probe(1, "test_calc.py::test_io", "{\"t\":\"int\",\"v\":\"3\"}"), probe(2, "test_calc.py::test_io", "{\"t\":\"int\",\"v\":\"0\"}"))),
                analysis(false), REQUEST);
        assertThat(named(otherTest, "test_calc.py::test_add").getStatus()).as("values recorded during another test do not count").isEqualTo(TestStatus.FAILED);
    }

    @Test
    void everyRequiredUnitMustRun() {
        List<TestCaseResult> tests = TestEvidence.weigh(report(List.of(test("test_calc.py::test_io", TestStatus.PASSED)), List.of()),
                analysis(false), REQUEST);
        assertThat(named(tests, "test_calc.py::test_add")).satisfies(t -> {
            assertThat(t.getStatus()).isEqualTo(TestStatus.FAILED);
            assertThat(t.getMessage()).startsWith("did not run");
        });
    }

    @Test
    void aSkipCountsOnlyWhenTheTrustedSourceAsksForIt() {
        RunReport skipped = report(List.of(test("test_calc.py::test_io", TestStatus.SKIPPED)), List.of());
        assertThat(named(TestEvidence.weigh(skipped, analysis(true), REQUEST), "test_calc.py::test_io").getStatus()).isEqualTo(TestStatus.SKIPPED);
        assertThat(named(TestEvidence.weigh(skipped, analysis(false), REQUEST), "test_calc.py::test_io")).satisfies(t -> {
            assertThat(t.getStatus()).isEqualTo(TestStatus.FAILED);
            assertThat(t.getMessage()).contains("does not say it may skip");
        });
    }

    @Test
    void generatedTestsAreReportedApartAndNeverStandInForARequestTest() {
        List<TestCaseResult> tests = TestEvidence.weigh(report(List.of(test("test_extra.py::test_add", TestStatus.PASSED)), List.of()),
                analysis(false), REQUEST);
        assertThat(named(tests, "test_extra.py::test_add").getOrigin()).isEqualTo(TestOrigin.GENERATED);
        assertThat(tests).filteredOn(t -> t.getOrigin() == TestOrigin.REQUEST).extracting(TestCaseResult::getStatus)
                .containsOnly(TestStatus.FAILED).hasSize(2);
    }

    @Test
    void parametrizedCasesCountUnderTheirFunctionAndAReportedFailureIsBelieved() {
        List<TestCaseResult> tests = TestEvidence.weigh(report(List.of(
                        test("test_calc.py::test_io[1]", TestStatus.PASSED), test("test_calc.py::test_io[2]", TestStatus.FAILED),
                        test("test_calc.py::test_add", TestStatus.FAILED)), List.of()), analysis(false), REQUEST);
        assertThat(tests).extracting(TestCaseResult::getName).doesNotContain("test_calc.py::test_io");
        assertThat(named(tests, "test_calc.py::test_add").getStatus()).isEqualTo(TestStatus.FAILED);
    }

    @Test
    void probesTheRunnerCannotAttributeCountForTheUnitThatOwnsThem() {
        List<TestCaseResult> tests = TestEvidence.weigh(report(List.of(test("test_calc.py::test_add", TestStatus.PASSED)),
                List.of(probe(1, null, "{\"t\":\"int\",\"v\":\"3\"}"), probe(2, null, "{\"t\":\"int\",\"v\":\"1\"}"))), analysis(false), REQUEST);
        assertThat(named(tests, "test_calc.py::test_add").getStatus()).isEqualTo(TestStatus.FAILED);
    }
}
