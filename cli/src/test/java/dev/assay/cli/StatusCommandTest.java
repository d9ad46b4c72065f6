package dev.assay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assay.avro.ApprovalRequest;
import dev.assay.avro.AuditEvent;
import dev.assay.avro.AuditEventType;
import dev.assay.avro.Evidence;
import dev.assay.avro.GateDecision;
import dev.assay.avro.Outcome;
import dev.assay.avro.OutcomeStatus;
import dev.assay.avro.RiskLevel;
import dev.assay.avro.SourceFile;
import dev.assay.avro.TestCaseResult;
import dev.assay.avro.TestEdit;
import dev.assay.avro.TestOrigin;
import dev.assay.avro.TestStatus;
import dev.assay.console.RequestView;
import dev.assay.verifier.RequestLifecycle;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code assay status} and {@code assay approvals} print, from views built without Kafka. */
class StatusCommandTest {
    static final String NL = System.lineSeparator();

    static TestCaseResult test(String name, TestOrigin origin, Evidence evidence) {
        return TestCaseResult.newBuilder().setName(name).setStatus(TestStatus.PASSED).setMessage(null).setDurationMs(2)
                .setOrigin(origin).setEvidence(evidence).build();
    }

    static ApprovalRequest.Builder gated(String id, RiskLevel risk, GateDecision decision) {
        return ApprovalRequest.newBuilder().setRequestId(id).setAttempt(1).setCandidate(1).setRiskLevel(risk).setRiskScore(10)
                .setDecision(decision).setReasons(List.of("artifact kind FUNCTION: LOW (+10)")).setTask("Write slugify(text)")
                .setFiles(List.of(new SourceFile("slugify.py", "def slugify(t): ...")))
                .setTests(List.of(test("test_lowercases", TestOrigin.REQUEST, Evidence.SEALED),
                        test("test_spaces_become_dashes", TestOrigin.REQUEST, Evidence.SEALED),
                        test("test_strips_punctuation", TestOrigin.REQUEST, Evidence.SEALED),
                        test("test_model_empty", TestOrigin.GENERATED, Evidence.IN_PROCESS),
                        test("test_model_unicode", TestOrigin.GENERATED, Evidence.SEALED)))
                .setFindings(List.of()).setPolicyVersion("v1").setGatedAt(Instant.ofEpochMilli(1_000));
    }

    static AuditEvent event(String id, AuditEventType type, int attempt) {
        return AuditEvent.newBuilder().setRequestId(id).setType(type).setService("verifier").setAttempt(attempt).setDetail("")
                .setOccurredAt(Instant.ofEpochMilli(2_000)).setPreviousHash(null).setHash(null).build();
    }

    static RequestView approvedSealed() {
        return RequestView.empty("ex-slugify").with(event("ex-slugify", AuditEventType.EXECUTED, 1))
                .with(event("ex-slugify", AuditEventType.VERDICT, 1)).with(event("ex-slugify", AuditEventType.GATED, 1))
                .with(gated("ex-slugify", RiskLevel.LOW, GateDecision.AUTO_APPROVE).build())
                .with(Outcome.newBuilder().setRequestId("ex-slugify").setStatus(OutcomeStatus.APPROVED).setAttempts(1)
                        .setReason("low risk: auto-approved").setRiskLevel(RiskLevel.LOW).setDecidedBy(RequestLifecycle.AUTO_APPROVER)
                        .setFiles(List.of()).setCandidate(1).setTokensSpent(0).setCompletedAt(Instant.ofEpochMilli(3_000)).build())
                .with(event("ex-slugify", AuditEventType.COMPLETED, 1));
    }

    static RequestView tampered() {
        return RequestView.empty("ex-rigged").with(event("ex-rigged", AuditEventType.EXECUTED, 2))
                .with(event("ex-rigged", AuditEventType.VERDICT, 2))
                .with(Outcome.newBuilder().setRequestId("ex-rigged").setStatus(OutcomeStatus.REJECTED).setAttempts(2)
                        .setReason("rejected for tampering with verification (attempt 2 candidate 3): "
                                + "conftest.py replaces pytest's assertion rewriter (check tampering/pytest-hook)")
                        .setRiskLevel(RiskLevel.CRITICAL).setDecidedBy(RequestLifecycle.INTEGRITY_REJECTER).setFiles(List.of())
                        .setCandidate(3).setTokensSpent(4_210).setCompletedAt(Instant.ofEpochMilli(3_000)).build());
    }

    static RequestView pendingWithTestEdits() {
        return RequestView.empty("ex-orders").with(event("ex-orders", AuditEventType.GATED, 1))
                .with(gated("ex-orders", RiskLevel.MEDIUM, GateDecision.MANUAL_ONLY)
                        .setTests(List.of(test("test_lists_orders", TestOrigin.REQUEST, Evidence.SEALED),
                                test("test_rejects_bad_page", TestOrigin.REQUEST, Evidence.IN_PROCESS)))
                        .setTestEdits(List.of(new TestEdit("tests/test_orders.py", "@@ -1 +1 @@\n-assert a == 1\n+assert True\n")))
                        .setReasons(List.of("edits the request's tests: MANUAL_ONLY")).build());
    }

    @Test
    void approvedSealedRequestShowsItsEvidence() {
        RequestView view = approvedSealed();

        String text = StatusCommand.text(view, StatusCommand.summary(view));

        assertThat(text).isEqualTo(String.join(NL,
                "Request  ex-slugify",
                "Stage    COMPLETED (attempt 1)",
                "Tests    5 passed: 3 of the request's (3 sealed, 0 in-process), 2 generated",
                "Outcome  APPROVED after 1 attempt(s) (candidate 1), risk LOW, by gate:auto-approve, 0 model tokens",
                "Reason   low risk: auto-approved",
                "History  EXECUTED#1 → VERDICT#1 → GATED#1 → COMPLETED#1") + NL);
    }

    @Test
    void tamperedRequestSaysWhatWasFoundBeforeTheOutcome() {
        RequestView view = tampered();

        String text = StatusCommand.text(view, StatusCommand.summary(view));

        assertThat(text).isEqualTo(String.join(NL,
                "Request  ex-rigged",
                "Stage    COMPLETED (attempt 2)",
                "Integrity TAMPERED — conftest.py replaces pytest's assertion rewriter (check tampering/pytest-hook)",
                "Outcome  REJECTED after 2 attempt(s) (candidate 3), risk CRITICAL, by gate:integrity, 4210 model tokens",
                "Reason   rejected for tampering with verification (attempt 2 candidate 3): conftest.py replaces pytest's "
                        + "assertion rewriter (check tampering/pytest-hook)",
                "History  EXECUTED#2 → VERDICT#2") + NL);
        assertThat(text).as("it never reached the gate").doesNotContain("Tests ");
    }

    @Test
    void pendingRequestListsItsTestEdits() {
        RequestView view = pendingWithTestEdits();

        String text = StatusCommand.text(view, StatusCommand.summary(view));

        assertThat(text).contains(NL + "Tests    2 passed: 2 of the request's (1 sealed, 1 in-process), 0 generated" + NL
                + "         Test edits: tests/test_orders.py (generated changes to the request's own tests; never auto-approved)" + NL
                + "Outcome  none yet" + NL);
        assertThat(text.indexOf("Waiting  for a reviewer")).isLessThan(text.indexOf("Tests    "));
    }

    @Test
    void jsonCarriesTheEvidenceCountsEditsAndTampering() throws Exception {
        JsonNode approved = CliCommand.JSON.readTree(CliCommand.JSON.writeValueAsString(StatusCommand.summary(approvedSealed())));
        JsonNode tampered = CliCommand.JSON.readTree(CliCommand.JSON.writeValueAsString(StatusCommand.summary(tampered())));
        JsonNode edited = CliCommand.JSON.readTree(CliCommand.JSON.writeValueAsString(StatusCommand.summary(pendingWithTestEdits())));

        assertThat(approved.path("tests").toString())
                .isEqualTo("{\"passed\":5,\"request\":3,\"sealed\":3,\"inProcess\":0,\"generated\":2,\"total\":5}");
        assertThat(approved.path("testEdits").isArray()).isTrue();
        assertThat(approved.path("testEdits")).isEmpty();
        assertThat(approved.path("tampered").asBoolean(true)).isFalse();

        assertThat(tampered.path("tampered").asBoolean()).isTrue();
        assertThat(tampered.has("tests")).as("never gated").isFalse();
        assertThat(tampered.path("outcome").path("decidedBy").asText()).isEqualTo("gate:integrity");

        assertThat(edited.path("testEdits").toString()).isEqualTo("[\"tests/test_orders.py\"]");
        assertThat(edited.path("tests").path("inProcess").asInt()).isEqualTo(1);
        assertThat(edited.path("tampered").asBoolean(true)).isFalse();
    }

    @Test
    void approvalsShowTheEvidenceBriefly() {
        String text = ApprovalsCommand.text(List.of(pendingWithTestEdits()));

        assertThat(text).isEqualTo(String.join(NL,
                "ex-orders  MEDIUM (score 10)  MANUAL_ONLY  attempt 1  gated 1970-01-01T00:00:01Z",
                "    task: Write slugify(text)",
                "    tests: 2 passed: 2 of the request's (1 sealed, 1 in-process), 0 generated",
                "    test edits: tests/test_orders.py",
                "    - edits the request's tests: MANUAL_ONLY") + NL);
        assertThat(ApprovalsCommand.text(List.of())).isEqualTo("No pending approvals." + NL);
    }
}
