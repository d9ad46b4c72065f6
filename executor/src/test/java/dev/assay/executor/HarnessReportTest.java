package dev.assay.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assay.avro.TestStatus;
import dev.assay.avro.Violation;
import org.junit.jupiter.api.Test;

class HarnessReportTest {

    @Test
    void parsesTestsStatusesMessagesDurationsAndResources() {
        HarnessReport report = HarnessReport.parse("""
                {"tests":[
                  {"name":"test_calc.py::test_add","status":"PASSED","message":null,"durationMs":3,"resource":null},
                  {"name":"test_calc.py::T::test_sub","status":"FAILED","message":"AssertionError: 1 != 2","durationMs":1},
                  {"name":"test_calc.py::test_mem","status":"ERROR","message":"MemoryError","durationMs":9,"resource":"MEMORY"},
                  {"name":"test_calc.py::test_skip","status":"SKIPPED","message":"later","durationMs":-4}],
                 "errors":[]}""");
        assertThat(report.tests()).extracting(t -> t.getStatus())
                .containsExactly(TestStatus.PASSED, TestStatus.FAILED, TestStatus.ERROR, TestStatus.SKIPPED);
        assertThat(report.tests().get(1).getMessage()).isEqualTo("AssertionError: 1 != 2");
        assertThat(report.tests().get(0).getMessage()).isNull();
        assertThat(report.tests().get(0).getDurationMs()).isEqualTo(3);
        assertThat(report.tests().get(3).getDurationMs()).isZero();
        assertThat(report.resources()).containsExactly(Violation.MEMORY);
        assertThat(report.allPassed()).isFalse();
        assertThat(report.count(TestStatus.FAILED)).isEqualTo(1);
    }

    @Test
    void allPassedNeedsOnePassAndNoFailureButAllowsSkips() {
        assertThat(HarnessReport.parse("{\"tests\":[{\"name\":\"a\",\"status\":\"PASSED\"},{\"name\":\"b\",\"status\":\"SKIPPED\"}]}").allPassed()).isTrue();
        assertThat(HarnessReport.parse("{\"tests\":[{\"name\":\"b\",\"status\":\"SKIPPED\"}]}").allPassed()).isFalse();
        assertThat(HarnessReport.parse("{\"tests\":[]}").allPassed()).isFalse();
    }

    @Test
    void unknownStatusesBecomeUnknownAndImportErrorsAreKept() {
        HarnessReport report = HarnessReport.parse("""
                {"tests":[{"name":"x","status":"WEIRD"}],"errors":[{"name":"test_x.py","message":"SyntaxError: bad","resource":"DISK"}]}""");
        assertThat(report.tests().getFirst().getStatus()).isEqualTo(TestStatus.UNKNOWN);
        assertThat(report.errors()).containsExactly("test_x.py: SyntaxError: bad");
        assertThat(report.resources()).containsExactly(Violation.DISK);
    }

    @Test
    void rejectsTextThatIsNotAReport() {
        assertThatThrownBy(() -> HarnessReport.parse("all tests passed!")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HarnessReport.parse("{\"ok\":true}")).hasMessageContaining("no tests array");
        assertThatThrownBy(() -> HarnessReport.parse("{\"tests\":[{\"status\":\"PASSED\"}]}")).hasMessageContaining("without a name");
    }

    @Test
    void longMessagesAreAbbreviated() {
        HarnessReport report = HarnessReport.parse("{\"tests\":[{\"name\":\"a\",\"status\":\"FAILED\",\"message\":\"" + "x".repeat(5000) + "\"}]}");
        assertThat(report.tests().getFirst().getMessage()).hasSizeLessThan(2100).endsWith("...");
    }

    @Test
    void readsResourceUsage() {
        HarnessReport report = HarnessReport.parse("""
                {"tests":[{"name":"a","status":"PASSED"}],"errors":[],"usage":{"cpuMillis":1234,"peakMemoryBytes":73400320}}""");
        assertThat(report.cpuMillis()).isEqualTo(1234);
        assertThat(report.peakMemoryBytes()).isEqualTo(73_400_320L);
    }

    @Test
    void missingOrOddUsageIsNotMeasuredRatherThanAnError() {
        assertThat(HarnessReport.parse("{\"tests\":[]}")).extracting(HarnessReport::cpuMillis, HarnessReport::peakMemoryBytes)
                .containsExactly(0L, 0L);
        assertThat(HarnessReport.parse("{\"tests\":[],\"usage\":null}").cpuMillis()).isZero();
        HarnessReport odd = HarnessReport.parse("""
                {"tests":[],"usage":{"cpuMillis":-5,"peakMemoryBytes":"lots"}}""");
        assertThat(odd.cpuMillis()).isZero();
        assertThat(odd.peakMemoryBytes()).isZero();
        assertThat(HarnessReport.parse("{\"tests\":[],\"usage\":{\"cpuMillis\":1.5,\"peakMemoryBytes\":1e30}}"))
                .extracting(HarnessReport::cpuMillis, HarnessReport::peakMemoryBytes).containsExactly(0L, 0L);
    }
}
