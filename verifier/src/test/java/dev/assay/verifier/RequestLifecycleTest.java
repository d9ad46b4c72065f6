package dev.assay.verifier;

import static dev.assay.verifier.Fixtures.candidate;
import static dev.assay.verifier.Fixtures.decision;
import static dev.assay.verifier.Fixtures.failed;
import static dev.assay.verifier.Fixtures.passed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.avro.ArtifactKind;
import dev.assay.avro.AuditEvent;
import dev.assay.avro.AuditEventType;
import dev.assay.avro.ExecutionResult;
import dev.assay.avro.ExecutionStatus;
import dev.assay.avro.FixRequest;
import dev.assay.avro.GateDecision;
import dev.assay.avro.OutcomeStatus;
import dev.assay.avro.RiskLevel;
import dev.assay.avro.TestStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestLifecycleTest {
    private final RequestLifecycle lifecycle = VerifierConfig.defaults().lifecycle();

    @Test
    void failedAttemptWithBudgetLeftAsksForAFix() {
        Step step = lifecycle.onResult(null, failed("r", 1, 3, "boom"));
        assertThat(step.fixRequest().getAttempt()).isEqualTo(2);
        assertThat(step.outcome()).isNull();
        assertThat(step.state()).isEqualTo(fixRequestedAfter(1));
        assertThat(step.audit()).extracting(AuditEvent::getType).containsExactly(AuditEventType.EXECUTED, AuditEventType.VERDICT,
                AuditEventType.FIX_REQUESTED);
        assertThat(step.audit()).extracting(AuditEvent::getService).containsExactly("executor", "verifier", "verifier");
        assertThat(step.audit().getFirst().getDetail()).contains("status=FAILED", "tests=2");
    }

    @Test
    void lastFailedAttemptClosesTheRequest() {
        Step step = lifecycle.onResult(fixRequestedAfter(1), failed("r", 2, 2, "boom"));
        assertThat(step.fixRequest()).isNull();
        assertThat(step.outcome().getStatus()).isEqualTo(OutcomeStatus.FAILED);
        assertThat(step.state().phase()).isEqualTo(RequestState.Phase.CLOSED);
        assertThat(step.audit()).extracting(AuditEvent::getType).containsExactly(AuditEventType.EXECUTED, AuditEventType.VERDICT,
                AuditEventType.COMPLETED);
    }

    @Test
    void gatedRequestWaitsWithItsFilesAndRisk() {
        Step step = lifecycle.onResult(null, passed("r", 1, ArtifactKind.DB_QUERY));
        assertThat(step.approval().getDecision()).isEqualTo(GateDecision.HUMAN_REVIEW);
        assertThat(step.outcome()).isNull();
        assertThat(step.state().phase()).isEqualTo(RequestState.Phase.AWAITING_DECISION);
        assertThat(step.state().riskLevel()).isEqualTo(RiskLevel.MEDIUM);
        assertThat(step.state().files()).extracting(StoredFile::path).containsExactly("calc.py");
    }

    @Test
    void approvalHandsOnTheFilesAndRejectionDoesNot() {
        RequestState waiting = lifecycle.onResult(null, passed("r", 2, ArtifactKind.DB_QUERY)).state();

        Step approved = lifecycle.onDecision(waiting, decision("r", true, "alice", ""));
        Step rejected = lifecycle.onDecision(waiting, decision("r", false, "bob", "too broad"));

        assertThat(approved.outcome().getStatus()).isEqualTo(OutcomeStatus.APPROVED);
        assertThat(approved.outcome().getReason()).isEqualTo("approved by alice");
        assertThat(approved.outcome().getAttempts()).isEqualTo(2);
        assertThat(approved.outcome().getFiles()).extracting(f -> f.getPath()).containsExactly("calc.py");
        assertThat(approved.state().phase()).isEqualTo(RequestState.Phase.CLOSED);
        assertThat(approved.audit()).extracting(AuditEvent::getType).containsExactly(AuditEventType.DECIDED, AuditEventType.COMPLETED);
        assertThat(rejected.outcome().getStatus()).isEqualTo(OutcomeStatus.REJECTED);
        assertThat(rejected.outcome().getFiles()).isEmpty();
        assertThat(rejected.outcome().getDecidedBy()).isEqualTo("bob");
    }

    @Test
    void decisionsOutsideTheWaitingPhaseAreRejectedWithAReason() {
        RequestState closed = fixRequestedAfter(3).closed();
        assertThat(lifecycle.onDecision(null, decision("r", true, "a", "")).rejection().reason()).isEqualTo(Step.UNKNOWN_REQUEST);
        assertThat(lifecycle.onDecision(closed, decision("r", true, "a", "")).rejection().reason()).isEqualTo(Step.ALREADY_CLOSED);
        assertThat(lifecycle.onDecision(fixRequestedAfter(1), decision("r", true, "a", "")).rejection().reason())
                .isEqualTo(Step.NOT_AWAITING_DECISION);
    }

    @Test
    void aCriticalChangeNeedsTwoDistinctApproversAndIsMarkedForManualApplication() {
        RequestState waiting = lifecycle.onResult(null, passed("r", 1, ArtifactKind.MIGRATION)).state();
        assertThat(waiting.gateDecision()).isEqualTo(GateDecision.MANUAL_ONLY);
        assertThat(waiting.approversRequired()).isEqualTo(2);

        Step first = lifecycle.onDecision(waiting, decision("r", true, "dba", "checked the plan"));
        assertThat(first.outcome()).as("one approval of two closes nothing").isNull();
        assertThat(first.state().phase()).isEqualTo(RequestState.Phase.AWAITING_DECISION);
        assertThat(first.state().approvedBy()).containsExactly("dba");
        assertThat(first.audit()).singleElement().satisfies(e -> {
            assertThat(e.getType()).isEqualTo(AuditEventType.DECIDED);
            assertThat(e.getDetail()).isEqualTo("approval 1 of 2 by dba: checked the plan");
        });

        Step again = lifecycle.onDecision(first.state(), decision("r", true, "DBA", "really"));
        assertThat(again.rejection().reason()).isEqualTo(Step.INVALID_DECISION);
        assertThat(again.rejection().message()).isEqualTo("DBA has already approved r; 1 other person(s) must approve");

        Step second = lifecycle.onDecision(first.state(), decision("r", true, "owner", "rollback plan read"));
        assertThat(second.outcome().getStatus()).isEqualTo(OutcomeStatus.APPROVED);
        assertThat(second.outcome().getDecidedBy()).isEqualTo("dba, owner");
        assertThat(second.outcome().getReason()).isEqualTo("manual application only (gate MANUAL_ONLY): rollback plan read");

        Step vetoed = lifecycle.onDecision(first.state(), decision("r", false, "dba", "found a problem after all"));
        assertThat(vetoed.outcome().getStatus()).as("a rejection is always heard, even from an earlier approver")
                .isEqualTo(OutcomeStatus.REJECTED);
        assertThat(vetoed.outcome().getFiles()).isEmpty();
    }

    @Test
    void decisionWithoutAPersonIsRejected() {
        RequestState waiting = lifecycle.onResult(null, passed("r", 1, ArtifactKind.MIGRATION)).state();
        assertThat(lifecycle.onDecision(waiting, decision("r", true, " ", "")).rejection().reason()).isEqualTo(Step.INVALID_DECISION);
        assertThat(lifecycle.onDecision(waiting, decision("r", true, "gate:auto-approve", "")).rejection().reason())
                .isEqualTo(Step.INVALID_DECISION);
    }

    @Test
    void duplicateLateAndUnrequestedResultsChangeNothing() {
        RequestState fixing = fixRequestedAfter(2);
        RequestState waiting = lifecycle.onResult(null, passed("r", 1, ArtifactKind.API_ENDPOINT)).state();
        RequestState closed = fixRequestedAfter(1).closed();

        assertThat(lifecycle.onResult(fixing, failed("r", 2, 3, "dup")).isIgnored()).isTrue();
        assertThat(lifecycle.onResult(fixing, failed("r", 1, 3, "late")).isIgnored()).isTrue();
        assertThat(lifecycle.onResult(waiting, passed("r", 2, ArtifactKind.API_ENDPOINT)).isIgnored()).isTrue();
        assertThat(lifecycle.onResult(closed, passed("r", 5, ArtifactKind.UNIT_TEST)).ignoredBecause()).contains("closed");
        assertThat(lifecycle.onResult(fixing, failed("r", 3, 3, "next")).isIgnored()).isFalse();
    }

    @Test
    void stateSurvivesItsJsonSerde() {
        RequestState waiting = lifecycle.onResult(null, passed("r", 1, ArtifactKind.API_ENDPOINT)).state();
        JsonSerde<RequestState> serde = new JsonSerde<>(RequestState.class);
        byte[] bytes = serde.serializer().serialize("t", waiting);
        assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(waiting);
    }

    @Test
    void aStateStoredBeforeCandidatesExistedReadsAsOneFullyJudgedCandidate() {
        JsonSerde<RequestState> serde = new JsonSerde<>(RequestState.class);
        RequestState old = serde.deserializer().deserialize("t", ("{\"lastAttempt\":2,\"phase\":\"FIXING\",\"riskLevel\":\"UNKNOWN\","
                + "\"gateDecision\":\"UNKNOWN\",\"files\":[],\"gatedAtMillis\":0,\"future\":1}").getBytes());

        assertThat(old.candidates()).isEqualTo(1);
        assertThat(old.attemptJudged()).isTrue();
        assertThat(lifecycle.onResult(old, failed("r", 2, 3, "dup")).isIgnored()).isTrue();
        assertThat(lifecycle.onResult(old, failed("r", 3, 4, "next")).fixRequest().getAttempt()).isEqualTo(4);
    }

    @Test
    void theFirstCandidateToPassGoesToTheGateAndLaterCandidatesChangeNothing() {
        Step first = lifecycle.onResult(null, candidate(failed("r", 1, 3, "off by one"), 1, 3, 100));
        assertThat(first.fixRequest()).as("candidates 2 and 3 may still pass").isNull();
        assertThat(first.outcome()).isNull();
        assertThat(first.verdict().getCandidate()).isEqualTo(1);
        assertThat(first.audit()).extracting(AuditEvent::getDetail).allSatisfy(d -> assertThat(d).startsWith("candidate 1 of 3: "));

        Step second = lifecycle.onResult(first.state(), candidate(passed("r", 1, ArtifactKind.UNIT_TEST,
                Fixtures.file("calc.py", "WINNER = 2\n")), 2, 3, 50));
        assertThat(second.approval().getCandidate()).isEqualTo(2);
        assertThat(second.outcome().getStatus()).isEqualTo(OutcomeStatus.APPROVED);
        assertThat(second.outcome().getCandidate()).isEqualTo(2);
        assertThat(second.outcome().getFiles()).extracting(f -> f.getContent()).containsExactly("WINNER = 2\n");
        assertThat(second.outcome().getTokensSpent()).isEqualTo(150);

        Step third = lifecycle.onResult(second.state(), candidate(passed("r", 1, ArtifactKind.UNIT_TEST), 3, 3, 70));
        assertThat(third.isIgnored()).isTrue();
        assertThat(lifecycle.onResult(first.state(), candidate(failed("r", 1, 3, "again"), 1, 3, 100)).ignoredBecause())
                .as("a redelivered candidate").contains("already judged");
    }

    @Test
    void aFixIsRequestedOnlyWhenEveryCandidateFailedAndIsFedByTheClosestOne() {
        ExecutionResult worst = candidate(Fixtures.result("r", 1, ArtifactKind.LIBRARY_CODE, 3, ExecutionStatus.FAILED,
                List.of(Fixtures.test("test_a", TestStatus.FAILED, "far off"), Fixtures.test("test_b", TestStatus.FAILED, "far off")),
                Fixtures.file("calc.py", "WORST\n")), 1, 3, 10);
        ExecutionResult closest = candidate(Fixtures.result("r", 1, ArtifactKind.LIBRARY_CODE, 3, ExecutionStatus.FAILED,
                List.of(Fixtures.test("test_a", TestStatus.PASSED, null), Fixtures.test("test_b", TestStatus.FAILED, "nearly")),
                Fixtures.file("calc.py", "CLOSEST\n")), 3, 3, 20);
        ExecutionResult crashed = candidate(Fixtures.result("r", 1, ArtifactKind.LIBRARY_CODE, 3, ExecutionStatus.ERROR,
                List.of(), Fixtures.file("calc.py", "CRASH\n")), 2, 3, 30);

        Step one = lifecycle.onResult(null, worst);
        Step two = lifecycle.onResult(one.state(), closest);
        Step three = lifecycle.onResult(two.state(), crashed);

        assertThat(one.fixRequest()).isNull();
        assertThat(two.fixRequest()).isNull();
        FixRequest fix = three.fixRequest();
        assertThat(fix.getAttempt()).isEqualTo(2);
        assertThat(fix.getCandidatesTried()).isEqualTo(3);
        assertThat(fix.getPreviousFiles()).extracting(f -> f.getContent()).containsExactly("CLOSEST\n");
        assertThat(fix.getFailedTests()).extracting(t -> t.getName()).containsExactly("test_b");
        assertThat(fix.getFeedback()).startsWith("All 3 candidates of attempt 1 were rejected. The feedback and previous files "
                + "below are from candidate 3, the closest to passing.").contains("- test_b (FAILED): nearly");
        assertThat(fix.getTokensSpent()).isEqualTo(60);
        assertThat(three.audit()).extracting(AuditEvent::getType).containsExactly(AuditEventType.EXECUTED, AuditEventType.VERDICT,
                AuditEventType.FIX_REQUESTED);
        assertThat(three.audit().getLast().getDetail()).isEqualTo("attempt 2 of 3 requested, fed by candidate 3");
        assertThat(lifecycle.onResult(three.state(), candidate(passed("r", 1, ArtifactKind.UNIT_TEST), 3, 3, 1)).isIgnored())
                .as("a late result of the finished attempt").isTrue();
    }

    @Test
    void whenEveryCandidateOfTheLastAttemptFailsTheRequestFailsNamingTheClosest() {
        RequestState afterOne = fixRequestedAfter(2);
        Step a = lifecycle.onResult(afterOne, candidate(failed("r", 3, 3, "close"), 1, 2, 5));
        Step b = lifecycle.onResult(a.state(), candidate(Fixtures.result("r", 3, ArtifactKind.LIBRARY_CODE, 3,
                ExecutionStatus.ERROR, List.of()), 2, 2, 5));

        assertThat(a.outcome()).isNull();
        assertThat(b.outcome().getStatus()).isEqualTo(OutcomeStatus.FAILED);
        assertThat(b.outcome().getReason()).startsWith("no passing attempt in 3 of 3 attempt(s) of 2 candidates each; "
                + "closest of the last: candidate 1, ");
        assertThat(b.state().phase()).isEqualTo(RequestState.Phase.CLOSED);
    }

    @Test
    void aStateWaitingForMoreCandidatesSurvivesItsJsonSerde() {
        RequestState midway = lifecycle.onResult(null, candidate(failed("r", 1, 3, "x"), 2, 3, 10)).state();
        JsonSerde<RequestState> serde = new JsonSerde<>(RequestState.class);

        RequestState read = serde.deserializer().deserialize("t", serde.serializer().serialize("t", midway));

        assertThat(read).isEqualTo(midway);
        assertThat(read.closest().candidate()).isEqualTo(2);
        assertThat(read.closest().failedTests()).extracting(StoredTest::name).containsExactly("test_add");
    }

    /** The state after attempt {@code attempt}, one candidate, failed and a fix was requested. */
    private RequestState fixRequestedAfter(int attempt) {
        return lifecycle.onResult(null, failed("r", attempt, attempt + 1, "failed")).state();
    }

    @Test
    void aTamperedExecutionRejectsTheRequestAtOnceWithNoFurtherAttempt() {
        ExecutionResult tampered = Fixtures.result("r", 1, ArtifactKind.LIBRARY_CODE, 3, ExecutionStatus.TAMPERED,
                List.of(Fixtures.test("test_add", TestStatus.PASSED, null)));
        tampered.setDetail("tampering with verification: report-channel: the run's nonce appeared in the program output outside a record");
        Step step = lifecycle.onResult(null, tampered);
        assertThat(step.verdict().getTampered()).isTrue();
        assertThat(step.verdict().getPassed()).isFalse();
        assertThat(step.fixRequest()).as("no second chance").isNull();
        assertThat(step.approval()).isNull();
        assertThat(step.outcome().getStatus()).isEqualTo(OutcomeStatus.REJECTED);
        assertThat(step.outcome().getDecidedBy()).isEqualTo(RequestLifecycle.INTEGRITY_REJECTER);
        assertThat(step.outcome().getReason()).startsWith("rejected for tampering with verification (attempt 1): report-channel");
        assertThat(step.outcome().getFiles()).isEmpty();
        assertThat(step.state().phase()).isEqualTo(RequestState.Phase.CLOSED);
        assertThat(step.audit()).extracting(AuditEvent::getType).containsExactly(AuditEventType.EXECUTED, AuditEventType.VERDICT,
                AuditEventType.DECIDED, AuditEventType.COMPLETED);
    }

    @Test
    void aTamperedCandidateEndsTheRequestEvenWhileOthersOfTheAttemptAreStillOut() {
        ExecutionResult tampered = candidate(Fixtures.result("r", 1, ArtifactKind.LIBRARY_CODE, 3, ExecutionStatus.TAMPERED,
                List.of()), 2, 3, 10);
        Step step = lifecycle.onResult(null, tampered);
        assertThat(step.outcome().getStatus()).isEqualTo(OutcomeStatus.REJECTED);
        assertThat(step.outcome().getCandidate()).isEqualTo(2);
        Step late = lifecycle.onResult(step.state(), candidate(passed("r", 1, ArtifactKind.LIBRARY_CODE), 1, 3, 10));
        assertThat(late.isIgnored()).as("a passing sibling cannot redeem it").isTrue();
    }
}
