package dev.assay.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.avro.AuditEventType;
import dev.assay.avro.GateDecision;
import dev.assay.avro.OutcomeStatus;
import dev.assay.avro.RiskLevel;
import dev.assay.verifier.JsonSerde;
import dev.assay.verifier.audit.AuditChain;
import org.junit.jupiter.api.Test;

class RequestViewTest {

    @Test
    void gatedRequestIsPendingUntilItsOutcomeArrives() {
        RequestView view = RequestView.empty("r1").with(Records.event("r1", AuditEventType.GATED, "verifier"))
                .with(Records.approval("r1", RiskLevel.MEDIUM, GateDecision.HUMAN_REVIEW));
        assertThat(view.pending()).isTrue();
        assertThat(view.stage()).isEqualTo(AuditEventType.GATED);

        RequestView closed = view.with(Records.outcome("r1", OutcomeStatus.APPROVED, "alice"))
                .with(Records.event("r1", AuditEventType.EXECUTED, "executor"));
        assertThat(closed.pending()).isFalse();
        assertThat(closed.outcome().decidedBy()).isEqualTo("alice");
        assertThat(closed.stage()).as("a late event does not reopen it").isEqualTo(AuditEventType.COMPLETED);
    }

    @Test
    void autoApprovedGateIsNeverPending() {
        RequestView view = RequestView.empty("r1").with(Records.approval("r1", RiskLevel.LOW, GateDecision.AUTO_APPROVE));
        assertThat(view.pending()).isFalse();
    }

    @Test
    void theFirstOutcomeStands() {
        RequestView view = RequestView.empty("r1").with(Records.outcome("r1", OutcomeStatus.REJECTED, "bob"))
                .with(Records.outcome("r1", OutcomeStatus.APPROVED, "mallory"));
        assertThat(view.outcome().status()).isEqualTo(OutcomeStatus.REJECTED);
        assertThat(view.outcome().decidedBy()).isEqualTo("bob");
    }

    @Test
    void survivesTheStoreSerdeWithTheAuditChainIntact() {
        var sealed = AuditChain.seal(Records.event("r1", AuditEventType.VERDICT, "verifier"), null);
        RequestView view = RequestView.empty("r1").with(Records.approval("r1", RiskLevel.HIGH, GateDecision.HUMAN_REVIEW))
                .with(sealed).with(Records.outcome("r1", OutcomeStatus.APPROVED, "alice"));
        JsonSerde<RequestView> serde = new JsonSerde<>(RequestView.class);

        RequestView back = serde.deserializer().deserialize("t", serde.serializer().serialize("t", view));

        assertThat(back).isEqualTo(view);
        assertThat(back.auditEvents()).containsExactly(sealed);
        assertThat(AuditChain.hash(back.auditEvents().getFirst())).isEqualTo(sealed.getHash());
    }
}
