package dev.assay.executor.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.assay.avro.TestStatus;
import dev.assay.avro.Violation;
import org.junit.jupiter.api.Test;

class RunReportTest {

    static JsonNode json(String text) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void parsesTestsWithTheirUnitsFilesStatusesAndResources() {
        RunReport report = RunReport.parse(json("""
                {"tests":[
                  {"id":"test_calc.py::test_add[1-2]","function":"test_calc.py::test_add","file":"test_calc.py","status":"PASSED","message":null,"durationMs":3,"resource":null},
                  {"id":"test_calc.py::T::test_sub","file":"test_calc.py","status":"FAILED","message":"AssertionError: 1 != 2","durationMs":1},
                  {"id":"test_calc.py::test_mem","status":"ERROR","message":"MemoryError","durationMs":9,"resource":"MEMORY"},
                  {"id":"test_calc.py::test_skip","status":"SKIPPED","message":"later","durationMs":-4}],
                 "probes":[{"probe":3,"test":"test_calc.py::test_add[1-2]","value":{"t":"int","v":"3"}},{"probe":4,"test":null,"value":{"t":"null"}}],
                 "errors":[],"integrity":[{"rule":"frame-walk","message":"m"}]}"""));
        assertThat(report.tests()).extracting(RunReport.Test::status)
                .containsExactly(TestStatus.PASSED, TestStatus.FAILED, TestStatus.ERROR, TestStatus.SKIPPED);
        assertThat(report.tests().getFirst().function()).isEqualTo("test_calc.py::test_add");
        assertThat(report.tests().get(1).function()).as("defaults to the id").isEqualTo("test_calc.py::T::test_sub");
        assertThat(report.tests().get(3).durationMs()).isZero();
        assertThat(report.resources()).containsExactly(Violation.MEMORY);
        assertThat(report.probes()).extracting(RunReport.ProbeValue::probe, RunReport.ProbeValue::test)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(3, "test_calc.py::test_add[1-2]"), org.assertj.core.groups.Tuple.tuple(4, null));
        assertThat(report.integrity()).hasSize(1);
        assertThat(report.count(TestStatus.FAILED)).isEqualTo(1);
    }

    @Test
    void unknownStatusesBecomeUnknownAndLoadErrorsAreKept() {
        RunReport report = RunReport.parse(json("""
                {"tests":[{"id":"x","status":"WEIRD"}],"errors":[{"name":"test_x.py","message":"SyntaxError: bad","resource":"DISK"}]}"""));
        assertThat(report.tests().getFirst().status()).isEqualTo(TestStatus.UNKNOWN);
        assertThat(report.errors()).containsExactly("test_x.py: SyntaxError: bad");
        assertThat(report.resources()).containsExactly(Violation.DISK);
    }

    @Test
    void rejectsJsonThatIsNotAReport() {
        assertThatThrownBy(() -> RunReport.parse(json("{\"ok\":true}"))).hasMessageContaining("no tests array");
        assertThatThrownBy(() -> RunReport.parse(json("{\"tests\":[{\"status\":\"PASSED\"}]}"))).hasMessageContaining("without an id");
        assertThatThrownBy(() -> RunReport.parse(json("{\"tests\":[],\"probes\":[{\"probe\":\"x\"}]}"))).hasMessageContaining("probe");
    }

    @Test
    void longMessagesAreAbbreviated() {
        RunReport report = RunReport.parse(json("{\"tests\":[{\"id\":\"a\",\"status\":\"FAILED\",\"message\":\"" + "x".repeat(5000) + "\"}]}"));
        assertThat(report.tests().getFirst().message()).hasSizeLessThan(2100).endsWith("...");
    }

    @Test
    void readsUsageAndTreatsOddValuesAsNotMeasured() {
        RunReport report = RunReport.parse(json("{\"tests\":[],\"usage\":{\"cpuMillis\":1234,\"peakMemoryBytes\":73400320}}"));
        assertThat(report.cpuMillis()).isEqualTo(1234);
        assertThat(report.peakMemoryBytes()).isEqualTo(73_400_320L);
        assertThat(RunReport.parse(json("{\"tests\":[],\"usage\":null}")).cpuMillis()).isZero();
        RunReport odd = RunReport.parse(json("{\"tests\":[],\"usage\":{\"cpuMillis\":-5,\"peakMemoryBytes\":\"lots\"}}"));
        assertThat(odd.cpuMillis()).isZero();
        assertThat(odd.peakMemoryBytes()).isZero();
        assertThat(RunReport.parse(json("{\"tests\":[],\"usage\":{\"cpuMillis\":1.5,\"peakMemoryBytes\":1e30}}")))
                .extracting(RunReport::cpuMillis, RunReport::peakMemoryBytes).containsExactly(0L, 0L);
    }
}
