package dev.assay.verifier;

import dev.assay.avro.Evidence;
import dev.assay.avro.TestCaseResult;
import dev.assay.avro.TestOrigin;
import dev.assay.avro.TestStatus;
import java.util.List;

/**
 * A test case result as plain data, for state kept as JSON (see {@link StoredFile}).
 *
 * @param origin   REQUEST or GENERATED; null in states stored before tests had an origin
 * @param evidence SEALED or IN_PROCESS; null in states stored before tests had an evidence level
 */
public record StoredTest(String name, String status, String message, long durationMs, String origin, String evidence) {

    public static List<StoredTest> of(List<TestCaseResult> tests) {
        return tests.stream().map(t -> new StoredTest(t.getName(), t.getStatus().name(), t.getMessage(), t.getDurationMs(),
                t.getOrigin().name(), t.getEvidence().name())).toList();
    }

    public static List<TestCaseResult> toAvro(List<StoredTest> tests) {
        return tests.stream().map(t -> new TestCaseResult(t.name(), TestStatus.valueOf(t.status()), t.message(), t.durationMs(),
                t.origin() == null ? TestOrigin.UNKNOWN : TestOrigin.valueOf(t.origin()),
                t.evidence() == null ? Evidence.UNKNOWN : Evidence.valueOf(t.evidence()))).toList();
    }
}
