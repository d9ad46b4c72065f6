package dev.assay.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.avro.AuditEvent;
import dev.assay.avro.AuditEventType;
import dev.assay.verifier.audit.AuditChain;
import dev.assay.verifier.audit.AuditChainVerifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditCheckTest {

    private static List<AuditEvent> sealedChain(AuditEventType... types) {
        List<AuditEvent> chain = new ArrayList<>();
        String head = null;
        for (AuditEventType type : types) {
            AuditEvent e = AuditChain.seal(Records.event("r1", type, "verifier"), head);
            head = e.getHash();
            chain.add(e);
        }
        return chain;
    }

    @Test
    void fullySealedIntactChainIsVerified() {
        AuditCheck.Result result = AuditCheck.check(sealedChain(AuditEventType.RECEIVED, AuditEventType.VERDICT, AuditEventType.COMPLETED));
        assertThat(result.status()).isEqualTo(AuditCheck.Status.VERIFIED);
        assertThat(result.summary()).isEqualTo("chain verified: all 3 events sealed and linked");
    }

    @Test
    void unsealedEventsOfOtherServicesAreReportedOutsideTheChain() {
        List<AuditEvent> events = new ArrayList<>();
        events.add(Records.event("r1", AuditEventType.RECEIVED, "context-assembler"));
        events.add(Records.event("r1", AuditEventType.GENERATED, "generator"));
        events.addAll(sealedChain(AuditEventType.VERDICT, AuditEventType.COMPLETED));

        AuditCheck.Result result = AuditCheck.check(events);

        assertThat(result.status()).isEqualTo(AuditCheck.Status.PARTIAL);
        assertThat(result.sealed()).isEqualTo(2);
        assertThat(result.unsealedServices()).containsExactlyInAnyOrder("context-assembler", "generator");
        assertThat(result.summary()).contains("2 of 4 events", "context-assembler, generator");
    }

    @Test
    void noHashesAtAllIsUnchainedNotVerified() {
        AuditCheck.Result result = AuditCheck.check(List.of(Records.event("r1", AuditEventType.RECEIVED, "context-assembler")));
        assertThat(result.status()).isEqualTo(AuditCheck.Status.UNCHAINED);
        assertThat(result.summary()).startsWith("unchained");
    }

    @Test
    void changedEventBreaksTheChain() {
        List<AuditEvent> chain = sealedChain(AuditEventType.VERDICT, AuditEventType.GATED, AuditEventType.COMPLETED);
        chain.get(1).setDetail("risk LOW (was MEDIUM)");

        AuditCheck.Result result = AuditCheck.check(chain);

        assertThat(result.status()).isEqualTo(AuditCheck.Status.BROKEN);
        assertThat(result.problems()).extracting(AuditChainVerifier.Problem::kind).contains(AuditChainVerifier.ProblemKind.MODIFIED);
    }

    @Test
    void sealedEventStrippedOfItsHashBreaksTheChain() {
        List<AuditEvent> chain = sealedChain(AuditEventType.VERDICT, AuditEventType.GATED, AuditEventType.COMPLETED);
        chain.get(1).setHash(null);

        assertThat(AuditCheck.check(chain).status()).isEqualTo(AuditCheck.Status.BROKEN);
    }

    @Test
    void noEventsIsEmpty() {
        assertThat(AuditCheck.check(List.of()).status()).isEqualTo(AuditCheck.Status.EMPTY);
    }
}
