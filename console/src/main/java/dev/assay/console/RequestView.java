package dev.assay.console;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.assay.avro.ApprovalRequest;
import dev.assay.avro.AuditEvent;
import dev.assay.avro.AuditEventType;
import dev.assay.avro.GateDecision;
import dev.assay.avro.Outcome;
import dev.assay.verifier.RequestLifecycle;
import dev.assay.verifier.StoredFile;
import dev.assay.verifier.StoredFinding;
import dev.assay.verifier.StoredTest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What people look at for one request, folded from the approval, outcome and audit topics: the latest approval request
 * (risk, reasons, generated files, tests, findings, edits of the request's tests), the outcome once there is one, and the
 * audit events in order.
 * Immutable; each {@code with…} returns the next view. Plain data, so the console stores it as JSON in Kafka Streams
 * and the CLI folds the same records into the same view.
 *
 * @param requestId the request id (the key of every topic)
 * @param approval  the latest approval request, or {@code null} if the request never reached the gate
 * @param outcome   the outcome, or {@code null} while the request is open
 * @param audit     the audit events in topic order
 */
public record RequestView(String requestId, Approval approval, Result outcome, List<AuditEntry> audit) {

    public RequestView {
        audit = audit == null ? List.of() : List.copyOf(audit);
    }

    /** A view with nothing seen yet. */
    public static RequestView empty(String requestId) {
        return new RequestView(requestId, null, null, List.of());
    }

    public RequestView with(ApprovalRequest request) {
        return new RequestView(requestId, Approval.of(request), outcome, audit);
    }

    /** Exactly one outcome per request is the pipeline's promise; should a second arrive, the first stands. */
    public RequestView with(Outcome result) {
        return outcome != null ? this : new RequestView(requestId, approval, Result.of(result), audit);
    }

    public RequestView with(AuditEvent event) {
        List<AuditEntry> next = new ArrayList<>(audit);
        next.add(AuditEntry.of(event));
        return new RequestView(requestId, approval, outcome, next);
    }

    /** True while a person must decide: the gate asked for review and no outcome has arrived. */
    @JsonIgnore
    public boolean pending() {
        return outcome == null && approval != null
                && (approval.decision() == GateDecision.HUMAN_REVIEW || approval.decision() == GateDecision.MANUAL_ONLY);
    }

    /**
     * The stage reached: COMPLETED once there is an outcome, else the last audit event's type ({@code UNKNOWN} before
     * any). Services write their audit events independently, so a late event (an executor's EXECUTED relayed after the
     * verifier's COMPLETED) must not move a closed request back.
     */
    @JsonIgnore
    public AuditEventType stage() {
        if (outcome != null) {
            return AuditEventType.COMPLETED;
        }
        return audit.isEmpty() ? AuditEventType.UNKNOWN : audit.getLast().type();
    }

    /** The highest attempt number any event mentions. */
    @JsonIgnore
    public int attempts() {
        int max = audit.stream().mapToInt(AuditEntry::attempt).max().orElse(0);
        return Math.max(max, outcome == null ? 0 : outcome.attempts());
    }

    /** The task text, from the approval request when there is one. */
    @JsonIgnore
    public String task() {
        return approval == null ? "" : approval.task();
    }

    /** The audit events as the Avro records they came from (for chain verification). */
    @JsonIgnore
    public List<AuditEvent> auditEvents() {
        return audit.stream().map(AuditEntry::toAvro).toList();
    }

    /**
     * The gate's request for a decision, with the evidence a reviewer needs.
     *
     * @param tests     every test result, each with its origin (REQUEST/GENERATED) and evidence level (SEALED/IN_PROCESS)
     * @param testEdits generated changes to the request's own tests; empty in views stored before they were recorded
     */
    public record Approval(int attempt, int candidate, dev.assay.avro.RiskLevel riskLevel, int riskScore, GateDecision decision,
            List<String> reasons, String task, List<StoredFile> files, List<StoredTest> tests, List<StoredFinding> findings,
            List<TestEdit> testEdits, String policyVersion, long gatedAtMillis) {

        public Approval {
            testEdits = testEdits == null ? List.of() : List.copyOf(testEdits);
        }

        static Approval of(ApprovalRequest r) {
            return new Approval(r.getAttempt(), r.getCandidate(), r.getRiskLevel(), r.getRiskScore(), r.getDecision(),
                    List.copyOf(r.getReasons()), r.getTask(),
                    StoredFile.of(r.getFiles()), StoredTest.of(r.getTests()), StoredFinding.of(r.getFindings()),
                    TestEdit.of(r.getTestEdits()), r.getPolicyVersion(), millis(r.getGatedAt()));
        }

        /** How many tests passed, by origin and evidence level. */
        @JsonIgnore
        public TestCounts testCounts() {
            return TestCounts.of(tests);
        }
    }

    /**
     * A generated change to one of the request's own test files, as plain data (like {@link StoredFile}).
     *
     * @param path the request's test file
     * @param diff a unified diff from the request's version to the generated one
     */
    public record TestEdit(String path, String diff) {

        static List<TestEdit> of(List<dev.assay.avro.TestEdit> edits) {
            return edits == null ? List.of() : edits.stream().map(e -> new TestEdit(e.getPath(), e.getDiff())).toList();
        }
    }

    /** The request's outcome. */
    public record Result(dev.assay.avro.OutcomeStatus status, int attempts, String reason, dev.assay.avro.RiskLevel riskLevel,
            String decidedBy, long completedAtMillis, int candidate, long tokensSpent) {
        private static final Pattern TAMPER_PREFIX = Pattern.compile("^rejected for tampering with verification \\([^)]*\\):\\s*");

        static Result of(Outcome o) {
            return new Result(o.getStatus(), o.getAttempts(), o.getReason(), o.getRiskLevel(), o.getDecidedBy(),
                    millis(o.getCompletedAt()), o.getCandidate(), o.getTokensSpent());
        }

        /** True when the request was rejected because an execution tampered with its own verification. */
        @JsonIgnore
        public boolean tampered() {
            return RequestLifecycle.INTEGRITY_REJECTER.equals(decidedBy);
        }

        /** What the integrity check found: the reason without its "rejected for tampering … (attempt N):" preamble. */
        @JsonIgnore
        public String tamperFinding() {
            String found = TAMPER_PREFIX.matcher(reason == null ? "" : reason).replaceFirst("").strip();
            return found.isEmpty() ? (reason == null ? "" : reason) : found;
        }
    }

    /** One audit event, every field kept so the hash chain can be recomputed. */
    public record AuditEntry(String requestId, AuditEventType type, String service, int attempt, String detail,
            long occurredAtMillis, String previousHash, String hash) {

        static AuditEntry of(AuditEvent e) {
            return new AuditEntry(e.getRequestId(), e.getType(), e.getService(), e.getAttempt(), e.getDetail(),
                    millis(e.getOccurredAt()), e.getPreviousHash(), e.getHash());
        }

        AuditEvent toAvro() {
            return AuditEvent.newBuilder().setRequestId(requestId).setType(type).setService(service).setAttempt(attempt)
                    .setDetail(detail).setOccurredAt(Instant.ofEpochMilli(occurredAtMillis))
                    .setPreviousHash(previousHash).setHash(hash).build();
        }
    }

    private static long millis(Instant instant) {
        return instant == null ? 0 : instant.toEpochMilli();
    }
}
