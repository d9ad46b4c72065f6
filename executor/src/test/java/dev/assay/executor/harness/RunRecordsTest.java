package dev.assay.executor.harness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.avro.Violation;
import dev.assay.executor.sandbox.SandboxResult;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The protocol's rules for the report channel: every way of breaking them is a problem, i.e. tampering. */
class RunRecordsTest {
    private static final String NONCE = "ab".repeat(32);
    private static final String BEGIN = "BEGIN {\"harness\":\"python\",\"mode\":\"test\"}";
    private static final String REPORT = "REPORT {\"tests\":[]}";

    private static SandboxResult run(Integer exit, String stdout, boolean outputAfterReport, String... records) {
        return new SandboxResult(exit, stdout, "", List.of(records), outputAfterReport, false, false, false, Duration.ZERO, Violation.NONE);
    }

    @Test
    void aCleanRunHasABeginAReportAndNoProblems() {
        RunRecords records = RunRecords.read(run(0, "test output\n", false, BEGIN, "EVENT {\"rule\":\"frame-walk\"}", REPORT), NONCE, false);
        assertThat(records.problems()).isEmpty();
        assertThat(records.begun()).isTrue();
        assertThat(records.events()).hasSize(1);
        assertThat(records.report().path("tests").isArray()).isTrue();
    }

    @Test
    void twoReportsARecordAfterTheReportOrTwoBeginsAreTampering() {
        assertThat(RunRecords.read(run(0, "", false, BEGIN, REPORT, REPORT), NONCE, false).problems())
                .containsExactly("a REPORT record came after the report");
        assertThat(RunRecords.read(run(0, "", false, BEGIN, BEGIN, REPORT), NONCE, false).problems()).containsExactly("two BEGIN records");
        assertThat(RunRecords.read(run(0, "", false, REPORT), NONCE, false).problems())
                .containsExactly("a report without the harness's BEGIN record");
    }

    @Test
    void malformedRecordsAndUnknownKindsAreTampering() {
        assertThat(RunRecords.read(run(0, "", false, BEGIN, "REPORT {\"tests\":[", REPORT), NONCE, false).problems())
                .containsExactly("record 2 (REPORT) is not one line of JSON");
        assertThat(RunRecords.read(run(0, "", false, BEGIN, "PASS {}", REPORT), NONCE, false).problems())
                .containsExactly("unknown record kind PASS");
    }

    @Test
    void outputAfterTheReportOrTheNonceInTheOutputIsTampering() {
        assertThat(RunRecords.read(run(0, "", true, BEGIN, REPORT), NONCE, false).problems())
                .containsExactly("output followed the harness's report");
        assertThat(RunRecords.read(run(0, "found it: " + NONCE, false, BEGIN, REPORT), NONCE, false).problems())
                .containsExactly("the run's nonce appeared in the program output outside a record");
    }

    @Test
    void endingWithoutTheReportAfterTheHarnessBeganIsTamperingUnlessALimitOrASignalEndedIt() {
        assertThat(RunRecords.read(run(0, "", false, BEGIN), NONCE, false).problems())
                .containsExactly("the process ended by itself with status 0 before the harness wrote its report");
        assertThat(RunRecords.read(run(3, "", false, BEGIN), NONCE, false).problems()).hasSize(1);
        assertThat(RunRecords.read(run(137, "", false, BEGIN), NONCE, false).problems()).as("killed by a signal").isEmpty();
        assertThat(RunRecords.read(run(null, "", false, BEGIN), NONCE, true).problems()).as("timed out").isEmpty();
        assertThat(RunRecords.read(run(1, "Error: Could not create the Java Virtual Machine", false), NONCE, false).problems())
                .as("the harness never began: a runtime that failed to start").isEmpty();
    }

    @Test
    void aNonZeroExitAfterTheReportIsTampering() {
        assertThat(RunRecords.read(run(1, "", false, BEGIN, REPORT), NONCE, false).problems())
                .containsExactly("the process exited with status 1 after the harness's report (the harness exits with 0)");
    }
}
