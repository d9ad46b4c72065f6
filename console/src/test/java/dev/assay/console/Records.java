package dev.assay.console;

import dev.assay.avro.ApprovalRequest;
import dev.assay.avro.AuditEvent;
import dev.assay.avro.AuditEventType;
import dev.assay.avro.Evidence;
import dev.assay.avro.Finding;
import dev.assay.avro.GateDecision;
import dev.assay.avro.Outcome;
import dev.assay.avro.OutcomeStatus;
import dev.assay.avro.RiskLevel;
import dev.assay.avro.Severity;
import dev.assay.avro.SourceFile;
import dev.assay.avro.TestCaseResult;
import dev.assay.avro.TestOrigin;
import dev.assay.avro.TestStatus;
import dev.assay.verifier.RequestLifecycle;
import java.time.Instant;
import java.util.List;

/** Pipeline records for the console's tests. */
final class Records {
    static final String HOSTILE_CODE = "def greet(name):\n    return '<script>alert(1)</script>' + name  # </code></pre><b>x</b>\n";

    private Records() {
    }

    static ApprovalRequest approval(String id, RiskLevel level, GateDecision decision) {
        return ApprovalRequest.newBuilder().setRequestId(id).setAttempt(1).setRiskLevel(level).setRiskScore(35)
                .setDecision(decision).setReasons(List.of("artifact kind API_ENDPOINT: MEDIUM (+35)"))
                .setTask("Write greet(name) <img src=x onerror=alert(2)>")
                .setFiles(List.of(new SourceFile("greet.py", HOSTILE_CODE)))
                .setTests(List.of(test("test_greet", TestOrigin.REQUEST, Evidence.SEALED)))
                .setFindings(List.of(Finding.newBuilder().setCheck("imports").setSeverity(Severity.LOW).setMessage("uses re")
                        .setPath("greet.py").setLine(1).build()))
                .setPolicyVersion("test-policy").setGatedAt(Instant.ofEpochMilli(1_000)).build();
    }

    static TestCaseResult test(String name, TestOrigin origin, Evidence evidence) {
        return TestCaseResult.newBuilder().setName(name).setStatus(TestStatus.PASSED).setMessage(null).setDurationMs(3)
                .setOrigin(origin).setEvidence(evidence).build();
    }

    /** The verifier's outcome for an execution that tampered with its verification. */
    static Outcome tampered(String id, String found) {
        return Outcome.newBuilder().setRequestId(id).setStatus(OutcomeStatus.REJECTED).setAttempts(1)
                .setReason("rejected for tampering with verification (attempt 1): " + found).setRiskLevel(RiskLevel.CRITICAL)
                .setDecidedBy(RequestLifecycle.INTEGRITY_REJECTER).setFiles(List.of()).setCompletedAt(Instant.ofEpochMilli(5_000)).build();
    }

    static Outcome outcome(String id, OutcomeStatus status, String decidedBy) {
        return Outcome.newBuilder().setRequestId(id).setStatus(status).setAttempts(1).setReason("because")
                .setRiskLevel(RiskLevel.MEDIUM).setDecidedBy(decidedBy).setFiles(List.of()).setCompletedAt(Instant.ofEpochMilli(5_000)).build();
    }

    static AuditEvent event(String id, AuditEventType type, String service) {
        return AuditEvent.newBuilder().setRequestId(id).setType(type).setService(service).setAttempt(1).setDetail(type + " detail")
                .setOccurredAt(Instant.ofEpochMilli(2_000)).setPreviousHash(null).setHash(null).build();
    }
}
