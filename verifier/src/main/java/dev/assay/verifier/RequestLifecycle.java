package dev.assay.verifier;

import dev.assay.avro.ApprovalDecision;
import dev.assay.avro.ApprovalRequest;
import dev.assay.avro.AuditEvent;
import dev.assay.avro.AuditEventType;
import dev.assay.avro.ExecutionResult;
import dev.assay.avro.FixRequest;
import dev.assay.avro.GateDecision;
import dev.assay.avro.Generation;
import dev.assay.avro.Outcome;
import dev.assay.avro.OutcomeStatus;
import dev.assay.avro.Verdict;
import dev.assay.schemas.Candidates;
import dev.assay.verifier.checks.VerdictEngine;
import dev.assay.verifier.gate.RiskAssessment;
import dev.assay.verifier.gate.RiskGate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The verifier's state machine for one request, free of Kafka: results are judged, failures go round the fix loop,
 * passes go through the risk gate, and decisions close gated requests. Every request ends with exactly one outcome:
 * a result for an attempt already judged, or any input for a closed request, changes nothing — executor pods may
 * run twice and Kafka may redeliver, so duplicates are expected, not exceptional.
 */
public final class RequestLifecycle {
    /** {@code decidedBy} of outcomes the gate approved without a person. */
    public static final String AUTO_APPROVER = "gate:auto-approve";
    /** {@code decidedBy} of requests rejected because an execution tampered with its own verification. */
    public static final String INTEGRITY_REJECTER = "gate:integrity";

    private final VerdictEngine engine;
    private final FixLoop fixLoop;
    private final RiskGate gate;
    private final Clock clock;
    private final AuditEvents audit;

    public RequestLifecycle(VerdictEngine engine, FixLoop fixLoop, RiskGate gate, Clock clock) {
        this.engine = engine;
        this.fixLoop = fixLoop;
        this.gate = gate;
        this.clock = clock;
        this.audit = new AuditEvents(clock);
    }

    /**
     * The next step for an execution result, given the request's state ({@code null} when first seen). With several
     * candidates per attempt the first to pass goes to the gate and later ones are ignored; a fix is requested, or the
     * request fails, only once every candidate of the attempt has failed.
     */
    public Step onResult(RequestState state, ExecutionResult result) {
        String id = result.getRequestId();
        int attempt = result.getAttempt();
        int candidate = result.getGeneration().getCandidate();
        int candidates = Math.max(1, result.getGeneration().getCandidates());
        String which = candidates == 1 ? "attempt " + attempt : "attempt " + attempt + " candidate " + candidate;
        if (state != null && state.phase() == RequestState.Phase.CLOSED) {
            return Step.ignored("request " + id + " is closed; " + which + " arrived late");
        }
        if (state != null && state.phase() == RequestState.Phase.AWAITING_DECISION) {
            return Step.ignored("request " + id + " is waiting for a decision on attempt " + state.lastAttempt() + " candidate "
                    + state.candidate() + "; " + which + " changes nothing");
        }
        if (state != null && (attempt < state.lastAttempt()
                || attempt == state.lastAttempt() && (state.attemptJudged() || state.hasJudged(candidate)))) {
            return Step.ignored(which + " of " + id + " was already judged (last attempt " + state.lastAttempt() + ")");
        }
        Generation generation = result.getGeneration();
        RequestState judging = state == null || attempt > state.lastAttempt()
                // The generation carries what earlier attempts spent, should this store have missed some of them.
                ? RequestState.judging(attempt, candidates,
                        Math.max(state == null ? 0 : state.tokensSpent(), generation.getTokensSpentBefore()))
                : state;
        judging = judging.withJudged(candidate, (long) generation.getTokensIn() + generation.getTokensOut());
        Verdict verdict = engine.judge(result);
        String prefix = Candidates.auditPrefix(generation);
        List<AuditEvent> events = new ArrayList<>();
        events.add(audit.executed(result, prefix));
        events.add(audit.event(id, AuditEventType.VERDICT, attempt, prefix + verdict.getSummary()));
        if (verdict.getTampered()) {
            // Code that attacks its own verdict is not given another attempt, and no other candidate can redeem it.
            Outcome rejected = Outcome.newBuilder()
                    .setRequestId(id).setStatus(OutcomeStatus.REJECTED).setAttempts(attempt)
                    .setReason("rejected for tampering with verification (" + which + "): "
                            + verdict.getSummary().replaceFirst("^tampered with verification: ", ""))
                    .setRiskLevel(dev.assay.avro.RiskLevel.CRITICAL).setDecidedBy(INTEGRITY_REJECTER).setFiles(List.of())
                    .setCandidate(candidate).setTokensSpent(judging.tokensSpent()).setCompletedAt(clock.instant()).build();
            events.add(audit.event(id, AuditEventType.DECIDED, attempt, "REJECTED by " + INTEGRITY_REJECTER
                    + ": the execution tampered with verification"));
            events.add(completed(rejected));
            return new Step(judging.closed(), verdict, null, null, rejected, events, null, null);
        }
        if (!verdict.getPassed()) {
            judging = judging.withFailure(fixLoop.failure(result, verdict));
            if (!judging.attemptJudged()) {
                // Another candidate of this attempt may still pass.
                return new Step(judging, verdict, null, null, null, events, null, null);
            }
            long tokensSpent = judging.tokensSpent();
            if (fixLoop.canRetry(result)) {
                FixRequest fix = fixLoop.fixRequest(result, judging.closest(), tokensSpent);
                events.add(audit.event(id, AuditEventType.FIX_REQUESTED, fix.getAttempt(),
                        "attempt " + fix.getAttempt() + " of " + FixLoop.maxAttempts(result) + " requested"
                                + (candidates == 1 ? "" : ", fed by candidate " + judging.closest().candidate())));
                return new Step(judging.fixRequested(), verdict, fix, null, null, events, null, null);
            }
            Outcome failed = fixLoop.exhausted(result, judging.closest(), tokensSpent);
            events.add(completed(failed));
            return new Step(judging.closed(), verdict, null, null, failed, events, null, null);
        }
        RiskAssessment risk = gate.assess(result, verdict);
        ApprovalRequest approval = gate.approvalRequest(result, verdict, risk);
        events.add(audit.event(id, AuditEventType.GATED, attempt, prefix + "risk " + risk.level() + " (score " + risk.score()
                + "), " + risk.decision() + " under gate policy " + risk.policyVersion()));
        RequestState awaiting = judging.awaiting(candidate, risk.level(), risk.decision(), risk.approvers(), generation.getFiles(),
                approval.getGatedAt());
        if (risk.decision() != GateDecision.AUTO_APPROVE) {
            return new Step(awaiting, verdict, null, approval, null, events, null, null);
        }
        Outcome approved = outcome(id, OutcomeStatus.APPROVED, awaiting, AUTO_APPROVER,
                "auto-approved: risk " + risk.level() + " (score " + risk.score() + ") under gate policy " + risk.policyVersion());
        events.add(audit.event(id, AuditEventType.DECIDED, attempt, "APPROVED by " + AUTO_APPROVER));
        events.add(completed(approved));
        return new Step(awaiting.closed(), verdict, null, approval, approved, events, null, null);
    }

    /** The next step for a person's decision; decisions for requests not waiting for one are rejected. */
    public Step onDecision(RequestState state, ApprovalDecision decision) {
        String id = decision.getRequestId();
        if (state == null) {
            return Step.rejected(Step.UNKNOWN_REQUEST, "no request " + id + " has been gated by this verifier");
        }
        if (state.phase() == RequestState.Phase.CLOSED) {
            return Step.rejected(Step.ALREADY_CLOSED, "request " + id + " already has its outcome");
        }
        if (state.phase() != RequestState.Phase.AWAITING_DECISION) {
            return Step.rejected(Step.NOT_AWAITING_DECISION, "request " + id + " is still in the fix loop (attempt "
                    + state.lastAttempt() + ")");
        }
        String reviewer = decision.getReviewer() == null ? "" : decision.getReviewer().strip();
        if (reviewer.isEmpty() || reviewer.toLowerCase(Locale.ROOT).startsWith("gate:")) {
            // Only a named person decides a gated request; "gate:" identities belong to the verifier itself.
            return Step.rejected(Step.INVALID_DECISION, "decision for " + id + " names no reviewer");
        }
        OutcomeStatus status = decision.getApproved() ? OutcomeStatus.APPROVED : OutcomeStatus.REJECTED;
        String reason = decision.getReason() == null || decision.getReason().isBlank()
                ? status.name().toLowerCase(Locale.ROOT) + " by " + reviewer
                : decision.getReason().strip();
        if (status == OutcomeStatus.APPROVED && state.approvedBy().stream().anyMatch(reviewer::equalsIgnoreCase)) {
            // Separation of duties: the same person approving twice is still one approval (a rejection is always heard).
            return Step.rejected(Step.INVALID_DECISION, reviewer + " has already approved " + id + "; "
                    + (state.approversRequired() - state.approvedBy().size()) + " other person(s) must approve");
        }
        if (status == OutcomeStatus.APPROVED && state.approvedBy().size() + 1 < state.approversRequired()) {
            RequestState approved = state.withApproval(reviewer);
            return new Step(approved, null, null, null, null, List.of(audit.event(id, AuditEventType.DECIDED, state.lastAttempt(),
                    "approval " + approved.approvedBy().size() + " of " + state.approversRequired() + " by " + reviewer + ": " + reason)),
                    null, null);
        }
        if (status == OutcomeStatus.APPROVED && !state.approvedBy().isEmpty()) {
            reviewer = String.join(", ", state.approvedBy()) + ", " + reviewer;
        }
        if (status == OutcomeStatus.APPROVED && state.gateDecision() == GateDecision.MANUAL_ONLY) {
            // The policy allows no automation past this point: whoever consumes the outcome must not apply it unattended.
            reason = "manual application only (gate MANUAL_ONLY): " + reason;
        }
        Outcome outcome = outcome(id, status, state, reviewer, reason);
        List<AuditEvent> events = List.of(
                audit.event(id, AuditEventType.DECIDED, state.lastAttempt(), status + " by " + reviewer + ": " + reason),
                completed(outcome));
        return new Step(state.closed(), null, null, null, outcome, events, null, null);
    }

    private Outcome outcome(String id, OutcomeStatus status, RequestState state, String decidedBy, String reason) {
        return Outcome.newBuilder()
                .setRequestId(id)
                .setStatus(status)
                .setAttempts(state.lastAttempt())
                .setReason(reason)
                .setRiskLevel(state.riskLevel())
                .setDecidedBy(decidedBy)
                // Only approved code is handed on; a rejected candidate stays in the approval request's evidence.
                .setFiles(status == OutcomeStatus.APPROVED ? StoredFile.toSource(state.files()) : List.of())
                .setCandidate(state.candidate())
                .setTokensSpent(state.tokensSpent())
                .setCompletedAt(clock.instant())
                .build();
    }

    private AuditEvent completed(Outcome outcome) {
        return audit.event(outcome.getRequestId(), AuditEventType.COMPLETED, outcome.getAttempts(),
                outcome.getStatus() + (outcome.getDecidedBy() == null ? "" : " by " + outcome.getDecidedBy())
                        + ": " + outcome.getReason());
    }
}
