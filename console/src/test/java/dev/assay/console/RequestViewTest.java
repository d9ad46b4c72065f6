package dev.assay.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.assay.avro.ApprovalRequest;
import dev.assay.avro.AuditEventType;
import dev.assay.avro.Evidence;
import dev.assay.avro.GateDecision;
import dev.assay.avro.OutcomeStatus;
import dev.assay.avro.RiskLevel;
import dev.assay.avro.TestEdit;
import dev.assay.avro.TestOrigin;
import dev.assay.verifier.JsonSerde;
import dev.assay.verifier.StoredTest;
import dev.assay.verifier.audit.AuditChain;
import java.nio.charset.StandardCharsets;
import java.util.List;
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

    @Test
    void keepsTestEvidenceAndTestEditsThroughTheStoreSerde() {
        ApprovalRequest gated = ApprovalRequest.newBuilder(Records.approval("r1", RiskLevel.HIGH, GateDecision.MANUAL_ONLY))
                .setTests(List.of(Records.test("test_a", TestOrigin.REQUEST, Evidence.SEALED),
                        Records.test("test_b", TestOrigin.REQUEST, Evidence.IN_PROCESS),
                        Records.test("test_own", TestOrigin.GENERATED, Evidence.IN_PROCESS)))
                .setTestEdits(List.of(new TestEdit("test_greet.py", "@@ -1 +1 @@\n-assert greet('a') == 'hi a'\n+assert True\n")))
                .build();
        RequestView view = RequestView.empty("r1").with(gated);
        JsonSerde<RequestView> serde = new JsonSerde<>(RequestView.class);

        byte[] stored = serde.serializer().serialize("t", view);
        RequestView back = serde.deserializer().deserialize("t", stored);

        assertThat(new String(stored, StandardCharsets.UTF_8)).as("derived values are not stored")
                .contains("\"testEdits\":[{\"path\":\"test_greet.py\"", "\"origin\":\"GENERATED\"")
                .doesNotContain("testCounts", "tampered", "pending");
        assertThat(back).isEqualTo(view);
        assertThat(back.approval().testEdits()).containsExactly(
                new RequestView.TestEdit("test_greet.py", "@@ -1 +1 @@\n-assert greet('a') == 'hi a'\n+assert True\n"));
        assertThat(back.approval().tests()).extracting(StoredTest::origin, StoredTest::evidence).containsExactly(
                tuple("REQUEST", "SEALED"), tuple("REQUEST", "IN_PROCESS"), tuple("GENERATED", "IN_PROCESS"));
        assertThat(back.approval().testCounts()).isEqualTo(new TestCounts(3, 3, 2, 1, 1, 1));
    }

    @Test
    void readsAViewStoredBeforeTestsHadAnOriginAndEditsWereRecorded() {
        // What the store held before TestCaseResult.origin/evidence and ApprovalRequest.testEdits existed.
        String stored = """
                {"requestId":"r-old","approval":{"attempt":2,"candidate":1,"riskLevel":"MEDIUM","riskScore":35,
                 "decision":"HUMAN_REVIEW","reasons":["artifact kind API_ENDPOINT: MEDIUM (+35)"],"task":"Write greet(name)",
                 "files":[{"path":"greet.py","content":"def greet(n): return 'hi ' + n"}],
                 "tests":[{"name":"test_greet","status":"PASSED","message":null,"durationMs":3}],
                 "findings":[{"check":"imports","severity":"LOW","message":"uses re","path":"greet.py","line":1}],
                 "policyVersion":"v1","gatedAtMillis":1000},
                 "outcome":{"status":"APPROVED","attempts":2,"reason":"because","riskLevel":"MEDIUM","decidedBy":"alice",
                 "completedAtMillis":5000,"candidate":1,"tokensSpent":120},
                 "audit":[{"requestId":"r-old","type":"GATED","service":"verifier","attempt":2,"detail":"gated",
                 "occurredAtMillis":2000,"previousHash":null,"hash":null}]}
                """;
        JsonSerde<RequestView> serde = new JsonSerde<>(RequestView.class);

        RequestView old = serde.deserializer().deserialize("t", stored.getBytes(StandardCharsets.UTF_8));

        assertThat(old.approval().testEdits()).isEmpty();
        assertThat(old.approval().tests()).singleElement().satisfies(t -> {
            assertThat(t.origin()).isNull();
            assertThat(t.evidence()).isNull();
        });
        assertThat(old.approval().testCounts().summary()).isEqualTo("1 passed: 0 of the request's (0 sealed, 0 in-process), "
                + "0 generated, 1 of unrecorded origin");
        assertThat(old.outcome().tampered()).isFalse();
        assertThat(old.stage()).isEqualTo(AuditEventType.COMPLETED);
        assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", old))).as("and writes it back").isEqualTo(old);
    }

    @Test
    void anIntegrityRejectionIsTamperedAndSaysWhatWasFound() {
        RequestView view = RequestView.empty("r1").with(Records.tampered("r1", "conftest.py patches the assertion rewriter"));

        assertThat(view.outcome().tampered()).isTrue();
        assertThat(view.outcome().tamperFinding()).isEqualTo("conftest.py patches the assertion rewriter");
        assertThat(RequestView.empty("r2").with(Records.outcome("r2", OutcomeStatus.REJECTED, "bob")).outcome().tampered())
                .as("a person's rejection is not tampering").isFalse();
    }
}
