package dev.assay.verifier;

import dev.assay.avro.TestCaseResult;
import dev.assay.avro.TestStatus;
import java.util.List;

/** A test case result as plain data, for state kept as JSON (see {@link StoredFile}). */
public record StoredTest(String name, String status, String message, long durationMs) {

    public static List<StoredTest> of(List<TestCaseResult> tests) {
        return tests.stream().map(t -> new StoredTest(t.getName(), t.getStatus().name(), t.getMessage(), t.getDurationMs()))
                .toList();
    }

    public static List<TestCaseResult> toAvro(List<StoredTest> tests) {
        return tests.stream().map(t -> new TestCaseResult(t.name(), TestStatus.valueOf(t.status()), t.message(), t.durationMs()))
                .toList();
    }
}
