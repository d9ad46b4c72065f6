package dev.assay.verifier.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.avro.AuditEvent;
import dev.assay.avro.AuditEventType;
import dev.assay.schemas.Topics;
import dev.assay.schemas.registry.InMemorySchemaRegistryClient;
import dev.assay.verifier.audit.AuditChainVerifier.ProblemKind;
import dev.assay.verifier.audit.AuditChainVerifier.Report;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditChainVerifierTest {
    private final AuditChainVerifier verifier = new AuditChainVerifier();

    @Test
    void intactChainsOfInterleavedRequestsVerify() {
        List<AuditEvent> a = chain("a", 4);
        List<AuditEvent> b = chain("b", 3);
        List<AuditEvent> mixed = List.of(a.get(0), b.get(0), a.get(1), a.get(2), b.get(1), b.get(2), a.get(3));

        Report report = verifier.verify(mixed, Map.of("a", a.get(3).getHash(), "b", b.get(2).getHash()));

        assertThat(report.valid()).isTrue();
        assertThat(report.requests()).isEqualTo(2);
        assertThat(report.events()).isEqualTo(7);
        assertThat(a.get(0).getPreviousHash()).isNull();
        assertThat(a.get(1).getPreviousHash()).isEqualTo(a.get(0).getHash());
    }

    @Test
    void detectsAModifiedEvent() {
        List<AuditEvent> events = chain("a", 3);
        events.get(1).setDetail("APPROVED by mallory");
        assertThat(kinds(verifier.verify(events))).containsExactly(ProblemKind.MODIFIED);
        assertThat(verifier.verify(events).problems().get(0).index()).isEqualTo(1);
    }

    @Test
    void detectsAModifiedEventWhoseHashWasRecomputed() {
        List<AuditEvent> events = chain("a", 3);
        AuditEvent forged = AuditChain.seal(AuditEvent.newBuilder(events.get(1)).setDetail("forged").build(),
                events.get(0).getHash());
        events.set(1, forged);
        Report report = verifier.verify(events);
        assertThat(kinds(report)).containsExactly(ProblemKind.MISSING_PREDECESSOR);
        assertThat(report.problems().get(0).index()).isEqualTo(2);
    }

    @Test
    void detectsADroppedEvent() {
        List<AuditEvent> events = chain("a", 4);
        events.remove(2);
        assertThat(kinds(verifier.verify(events))).containsExactly(ProblemKind.MISSING_PREDECESSOR);
    }

    @Test
    void detectsADroppedFirstEvent() {
        List<AuditEvent> events = chain("a", 3);
        events.remove(0);
        assertThat(kinds(verifier.verify(events))).containsExactly(ProblemKind.MISSING_PREDECESSOR);
    }

    @Test
    void detectsReorderedEvents() {
        List<AuditEvent> events = chain("a", 4);
        AuditEvent second = events.remove(1);
        events.add(2, second);
        assertThat(kinds(verifier.verify(events))).contains(ProblemKind.REORDERED);
    }

    @Test
    void detectsATruncatedTailOnlyAgainstTheExpectedHead() {
        List<AuditEvent> events = chain("a", 4);
        String head = events.get(3).getHash();
        events.remove(3);
        assertThat(verifier.verify(events).valid()).as("a shorter chain is self-consistent").isTrue();
        assertThat(kinds(verifier.verify(events, Map.of("a", head)))).containsExactly(ProblemKind.TRUNCATED);
    }

    @Test
    void detectsUnsealedAndRestartedChains() {
        List<AuditEvent> events = chain("a", 3);
        events.add(1, AuditEvent.newBuilder(events.get(0)).setHash(null).setPreviousHash(null).build());
        List<AuditEvent> restarted = chain("b", 2);
        restarted.add(AuditChain.seal(AuditEvent.newBuilder(restarted.get(0)).setDetail("again").build(), null));

        assertThat(kinds(verifier.verify(events))).contains(ProblemKind.UNSEALED);
        assertThat(kinds(verifier.verify(restarted))).containsExactly(ProblemKind.BROKEN_LINK);
    }

    @Test
    void hashCoversEveryFieldAndSurvivesTheWireFormat() {
        AuditEvent e = chain("a", 1).get(0);
        String hash = e.getHash();
        assertThat(hash).hasSize(64).matches("[0-9a-f]+");
        assertThat(AuditChain.hash(AuditEvent.newBuilder(e).setAttempt(2).build())).isNotEqualTo(hash);
        assertThat(AuditChain.hash(AuditEvent.newBuilder(e).setService("x").build())).isNotEqualTo(hash);
        assertThat(AuditChain.hash(AuditEvent.newBuilder(e).setType(AuditEventType.REJECTED).build())).isNotEqualTo(hash);
        assertThat(AuditChain.hash(AuditEvent.newBuilder(e).setOccurredAt(e.getOccurredAt().plusMillis(1)).build()))
                .isNotEqualTo(hash);
        assertThat(AuditChain.hash(AuditEvent.newBuilder(e).setPreviousHash("0".repeat(64)).build())).isNotEqualTo(hash);
        // Field boundaries are unambiguous: moving text from one field to the next changes the hash.
        assertThat(AuditChain.hash(AuditEvent.newBuilder(e).setService("verifierX").setDetail("").build()))
                .isNotEqualTo(AuditChain.hash(AuditEvent.newBuilder(e).setService("verifier").setDetail("X").build()));

        var serde = Topics.create("t.", new InMemorySchemaRegistryClient(), true).audit().valueSerde();
        AuditEvent back = serde.deserializer().deserialize("t.audit", serde.serializer().serialize("t.audit", e));
        assertThat(AuditChain.hash(back)).isEqualTo(hash);
    }

    static List<AuditEvent> chain(String requestId, int length) {
        List<AuditEvent> out = new ArrayList<>();
        String previous = null;
        AuditEventType[] types = AuditEventType.values();
        for (int i = 0; i < length; i++) {
            AuditEvent e = AuditEvent.newBuilder().setRequestId(requestId).setType(types[i % types.length])
                    .setService(i % 2 == 0 ? "assembler" : "verifier").setAttempt(i).setDetail("step " + i)
                    .setOccurredAt(Instant.parse("2026-11-23T10:00:00.123Z").plusSeconds(i))
                    .setPreviousHash(null).setHash(null).build();
            AuditEvent sealed = AuditChain.seal(e, previous);
            previous = sealed.getHash();
            out.add(sealed);
        }
        return out;
    }

    private static List<ProblemKind> kinds(Report report) {
        return report.problems().stream().map(AuditChainVerifier.Problem::kind).toList();
    }
}
