package dev.assay.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.verifier.StoredTest;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestCountsTest {

    private static StoredTest test(String status, String origin, String evidence) {
        return new StoredTest("t", status, null, 1, origin, evidence);
    }

    @Test
    void countsPassedTestsByOriginAndEvidence() {
        TestCounts counts = TestCounts.of(List.of(test("PASSED", "REQUEST", "SEALED"), test("PASSED", "REQUEST", "SEALED"),
                test("PASSED", "REQUEST", "IN_PROCESS"), test("PASSED", "GENERATED", "IN_PROCESS"), test("PASSED", "GENERATED", "SEALED")));

        assertThat(counts).isEqualTo(new TestCounts(5, 5, 3, 2, 1, 2));
        assertThat(counts.summary()).isEqualTo("5 passed: 3 of the request's (2 sealed, 1 in-process), 2 generated");
    }

    @Test
    void testsThatDidNotPassAreNotEvidence() {
        TestCounts counts = TestCounts.of(List.of(test("PASSED", "REQUEST", "SEALED"), test("FAILED", "GENERATED", "IN_PROCESS"),
                test("SKIPPED", "REQUEST", "SEALED")));

        assertThat(counts.summary()).isEqualTo("1 of 3 passed: 1 of the request's (1 sealed, 0 in-process), 0 generated");
    }

    @Test
    void resultsStoredBeforeOriginsAndEvidenceAreCountedAsUnrecorded() {
        TestCounts counts = TestCounts.of(List.of(test("PASSED", null, null), test("PASSED", "REQUEST", null),
                test("PASSED", "REQUEST", "UNKNOWN")));

        assertThat(counts.unknownOrigin()).isEqualTo(1);
        assertThat(counts.unknownEvidence()).isEqualTo(2);
        assertThat(counts.summary())
                .isEqualTo("3 passed: 2 of the request's (0 sealed, 0 in-process, 2 unrecorded), 0 generated, 1 of unrecorded origin");
    }

    @Test
    void noTestsMeansNoneRan() {
        assertThat(TestCounts.of(List.of()).summary()).isEqualTo("none ran");
        assertThat(TestCounts.of(null).passed()).isZero();
    }
}
