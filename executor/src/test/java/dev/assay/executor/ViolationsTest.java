package dev.assay.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.avro.Violation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.assay.executor.harness.RunReport;
import dev.assay.executor.sandbox.SandboxResult;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ViolationsTest {

    private static JsonNode json(String text) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static SandboxResult result(Integer exit, String stderr, boolean timedOut, boolean outputLimit) {
        return new SandboxResult(exit, "", stderr, List.of(), false, outputLimit, timedOut, outputLimit, Duration.ofMillis(5),
                Violation.NONE);
    }

    @Test
    void whatTheJvmSawComesFirst() {
        assertThat(Violations.classify(result(null, "", true, true), null)).isEqualTo(Violation.OUTPUT_LIMIT);
        assertThat(Violations.classify(result(null, "MemoryError", true, false), null)).isEqualTo(Violation.TIMEOUT);
    }

    @Test
    void signalsOfCpuAndFileSizeLimits() {
        assertThat(Violations.classify(result(128 + 24, "", false, false), null)).isEqualTo(Violation.TIMEOUT);
        assertThat(Violations.classify(result(128 + 25, "", false, false), null)).isEqualTo(Violation.DISK);
    }

    @Test
    void theReportsResourceWinsOverStderr() {
        RunReport report = RunReport.parse(json("{\"tests\":[{\"id\":\"t\",\"status\":\"ERROR\",\"resource\":\"PIDS\"}]}"));
        assertThat(Violations.classify(result(0, "MemoryError", false, false), report)).isEqualTo(Violation.PIDS);
        RunReport clean = RunReport.parse(json("{\"tests\":[{\"id\":\"t\",\"status\":\"FAILED\"}]}"));
        assertThat(Violations.classify(result(0, "No space left on device", false, false), clean)).isEqualTo(Violation.NONE);
    }

    @Test
    void withoutAReportAFailedRunsStderrIsRead() {
        assertThat(Violations.classify(result(1, "Traceback...\nMemoryError\n", false, false), null)).isEqualTo(Violation.MEMORY);
        assertThat(Violations.classify(result(1, "java.lang.OutOfMemoryError: Java heap space", false, false), null)).isEqualTo(Violation.MEMORY);
        assertThat(Violations.classify(result(1, "OSError: [Errno 28] No space left on device", false, false), null)).isEqualTo(Violation.DISK);
        assertThat(Violations.classify(result(1, "BlockingIOError: [Errno 11] Resource temporarily unavailable", false, false), null))
                .isEqualTo(Violation.PIDS);
        assertThat(Violations.classify(result(1, "SyntaxError: invalid syntax", false, false), null)).isEqualTo(Violation.NONE);
        assertThat(Violations.classify(result(0, "MemoryError", false, false), null)).isEqualTo(Violation.NONE);
    }
}
