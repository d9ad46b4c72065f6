package dev.assay.verifier;

import static dev.assay.verifier.Fixtures.decision;
import static dev.assay.verifier.Fixtures.failed;
import static dev.assay.verifier.Fixtures.passed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.avro.ArtifactKind;
import dev.assay.avro.AuditEvent;
import dev.assay.avro.AuditEventType;
import dev.assay.avro.GateDecision;
import dev.assay.avro.OutcomeStatus;
import dev.assay.avro.RiskLevel;
import org.junit.jupiter.api.Test;

class RequestLifecycleTest {
    private final RequestLifecycle lifecycle = VerifierConfig.defaults().lifecycle();

    @Test
    void failedAttemptWithBudgetLeftAsksForAFix() {
        Step step = lifecycle.onResult(null, failed("r", 1, 3, "boom"));
        assertThat(step.fixRequest().getAttempt()).isEqualTo(2);
        assertThat(step.outcome()).isNull();
        assertThat(step.state()).isEqualTo(RequestState.fixing(1));
        assertThat(step.audit()).extracting(AuditEvent::getType).containsExactly(AuditEventType.EXECUTED, AuditEventType.VERDICT,
                AuditEventType.FIX_REQUESTED);
        assertThat(step.audit()).extracting(AuditEvent::getService).containsExactly("executor", "verifier", "verifier");
        assertThat(step.audit().getFirst().getDetail()).contains("status=FAILED", "tests=2");
    }

    @Test
    void lastFailedAttemptClosesTheRequest() {
        Step step = lifecycle.onResult(RequestState.fixing(1), failed("r", 2, 2, "boom"));
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
        assertThat(step.state().files()).extracting(RequestState.StoredFile::path).containsExactly("calc.py");
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
        RequestState closed = RequestState.fixing(3).closed(3);
        assertThat(lifecycle.onDecision(null, decision("r", true, "a", "")).rejection().reason()).isEqualTo(Step.UNKNOWN_REQUEST);
        assertThat(lifecycle.onDecision(closed, decision("r", true, "a", "")).rejection().reason()).isEqualTo(Step.ALREADY_CLOSED);
        assertThat(lifecycle.onDecision(RequestState.fixing(1), decision("r", true, "a", "")).rejection().reason())
                .isEqualTo(Step.NOT_AWAITING_DECISION);
    }

    @Test
    void approvedCriticalChangeIsMarkedForManualApplication() {
        RequestState waiting = lifecycle.onResult(null, passed("r", 1, ArtifactKind.MIGRATION)).state();
        assertThat(waiting.gateDecision()).isEqualTo(GateDecision.MANUAL_ONLY);
        assertThat(lifecycle.onDecision(waiting, decision("r", true, "dba", "checked the plan")).outcome().getReason())
                .isEqualTo("manual application only (gate MANUAL_ONLY): checked the plan");
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
        RequestState fixing = RequestState.fixing(2);
        RequestState waiting = lifecycle.onResult(null, passed("r", 1, ArtifactKind.API_ENDPOINT)).state();
        RequestState closed = RequestState.fixing(1).closed(1);

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
        assertThat(serde.deserializer().deserialize("t", "{\"lastAttempt\":2,\"phase\":\"FIXING\",\"future\":1}".getBytes()))
                .isEqualTo(RequestState.fixing(2));
    }
}
