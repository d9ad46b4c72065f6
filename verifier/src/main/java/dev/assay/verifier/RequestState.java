package dev.assay.verifier;

import dev.assay.avro.GateDecision;
import dev.assay.avro.RiskLevel;
import dev.assay.avro.SourceFile;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What the verifier remembers per request (state store {@link VerifierTopology#REQUESTS_STORE}, JSON, internal): the
 * attempt being judged and which of its candidates have been judged, the closest failed candidate so far (its fix
 * request is sent once every candidate has failed), the tokens spent, where the request is, and — while it waits for
 * a person — the gate's verdict and the files of the candidate that passed.
 *
 * <p>Fields added later are absent from older stored states and read as null or 0; the accessors below treat those
 * states as what they were then: one candidate per attempt, each attempt fully judged.
 *
 * @param lastAttempt the highest attempt judged so far
 * @param candidates how many candidates that attempt has (0 in states from before candidates existed: 1)
 * @param judged the candidates of {@code lastAttempt} judged so far (null in older states: all of them)
 * @param closest the closest failed candidate of {@code lastAttempt} while others are still being judged
 * @param candidate the candidate that passed, once one has
 * @param tokensSpent model tokens (in + out) of every candidate judged so far, over all attempts
 * @param approversRequired how many distinct people must approve while it waits (0 in older states: 1)
 * @param approvedBy who has approved so far, in order, while more approvals are needed
 */
public record RequestState(int lastAttempt, Phase phase, RiskLevel riskLevel, GateDecision gateDecision,
        List<StoredFile> files, long gatedAtMillis, int candidates, List<Integer> judged, FailedCandidate closest,
        int candidate, long tokensSpent, int approversRequired, List<String> approvedBy) {

    /** Where a request is in the verifier. */
    public enum Phase {
        /** Failed candidates so far; either more candidates of the attempt are due or a fix has been requested. */
        FIXING,
        /** A candidate passed and was gated; waits for an {@code ApprovalDecision}. */
        AWAITING_DECISION,
        /** Its outcome has been written; nothing changes it any more. */
        CLOSED
    }

    /**
     * A failed candidate, with what its fix request would carry.
     *
     * @param passedTests tests it passed
     * @param blockingFindings HIGH or CRITICAL findings against it
     */
    public record FailedCandidate(int candidate, int passedTests, int blockingFindings, String summary, List<StoredFile> files,
            String feedback, List<StoredTest> failedTests, List<StoredFinding> findings, String previousOutput) {

        /** Closest to passing first: most tests passed, then fewest blocking findings, then the lowest candidate number. */
        static final Comparator<FailedCandidate> CLOSEST_FIRST = Comparator.comparingInt(FailedCandidate::passedTests).reversed()
                .thenComparingInt(FailedCandidate::blockingFindings).thenComparingInt(FailedCandidate::candidate);

        public FailedCandidate {
            files = files == null ? List.of() : List.copyOf(files);
            failedTests = failedTests == null ? List.of() : List.copyOf(failedTests);
            findings = findings == null ? List.of() : List.copyOf(findings);
        }
    }

    public RequestState {
        files = files == null ? List.of() : List.copyOf(files);
        riskLevel = riskLevel == null ? RiskLevel.UNKNOWN : riskLevel;
        gateDecision = gateDecision == null ? GateDecision.UNKNOWN : gateDecision;
        candidates = Math.max(1, candidates);
        judged = judged == null ? null : List.copyOf(judged);
        approversRequired = Math.max(1, approversRequired);
        approvedBy = approvedBy == null ? List.of() : List.copyOf(approvedBy);
    }

    /** The first result of {@code attempt} (of {@code candidates}) has arrived; nothing of it is judged yet. */
    static RequestState judging(int attempt, int candidates, long tokensSpent) {
        return new RequestState(attempt, Phase.FIXING, null, null, List.of(), 0L, candidates, List.of(), null, 0, tokensSpent, 1, List.of());
    }

    /** True when every candidate of {@code lastAttempt} has been judged. */
    @JsonIgnore
    public boolean attemptJudged() {
        return judged == null || judged.size() >= candidates;
    }

    /** True when this candidate of {@code lastAttempt} has been judged. */
    boolean hasJudged(int candidate) {
        return judged == null || judged.contains(candidate);
    }

    /** One more candidate judged, and what its model call cost. */
    RequestState withJudged(int candidate, long tokens) {
        List<Integer> now = new ArrayList<>(judged == null ? List.of() : judged);
        now.add(candidate);
        return new RequestState(lastAttempt, phase, riskLevel, gateDecision, files, gatedAtMillis, candidates, now, closest,
                this.candidate, tokensSpent + tokens, approversRequired, approvedBy);
    }

    /** Keeps {@code failure} if it is closer to passing than the closest one so far. */
    RequestState withFailure(FailedCandidate failure) {
        FailedCandidate keep = closest == null || FailedCandidate.CLOSEST_FIRST.compare(failure, closest) < 0 ? failure : closest;
        return new RequestState(lastAttempt, phase, riskLevel, gateDecision, files, gatedAtMillis, candidates, judged, keep,
                candidate, tokensSpent, approversRequired, approvedBy);
    }

    /** Every candidate failed and a fix was requested: the closest failure has been used. */
    RequestState fixRequested() {
        return new RequestState(lastAttempt, Phase.FIXING, null, null, List.of(), 0L, candidates, judged, null, 0, tokensSpent, 1, List.of());
    }

    /** {@code winner} passed and was gated; it waits for a decision (or is closed at once by auto-approval). */
    RequestState awaiting(int winner, RiskLevel level, GateDecision decision, int approvers, List<SourceFile> winnerFiles,
            Instant gatedAt) {
        return new RequestState(lastAttempt, Phase.AWAITING_DECISION, level, decision, StoredFile.of(winnerFiles),
                gatedAt.toEpochMilli(), candidates, judged, null, winner, tokensSpent, approvers, List.of());
    }

    /** One more person approved; the request still waits for the others. */
    RequestState withApproval(String reviewer) {
        List<String> now = new ArrayList<>(approvedBy);
        now.add(reviewer);
        return new RequestState(lastAttempt, phase, riskLevel, gateDecision, files, gatedAtMillis, candidates, judged, closest,
                candidate, tokensSpent, approversRequired, now);
    }

    /** When the request reached the gate (meaningful while it waits for a decision). */
    @JsonIgnore
    public Instant gatedAt() {
        return Instant.ofEpochMilli(gatedAtMillis);
    }

    /** Closed requests drop their files: only the phase and the attempt are needed to refuse late inputs. */
    RequestState closed() {
        return new RequestState(lastAttempt, Phase.CLOSED, riskLevel, gateDecision, List.of(), gatedAtMillis, candidates, judged,
                null, candidate, tokensSpent, approversRequired, approvedBy);
    }
}
