package dev.assay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.avro.ApprovalRequest;
import dev.assay.avro.AuditEvent;
import dev.assay.avro.AuditEventType;
import dev.assay.avro.GateDecision;
import dev.assay.avro.Outcome;
import dev.assay.avro.OutcomeStatus;
import dev.assay.avro.RiskLevel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressDisplayTest {
    private final StringWriter text = new StringWriter();
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);

    private static AuditEvent event(AuditEventType type, int attempt, String service) {
        return AuditEvent.newBuilder().setRequestId("r1").setType(type).setService(service).setAttempt(attempt)
                .setDetail(type + " happened").setOccurredAt(Instant.EPOCH).build();
    }

    private static Outcome outcome() {
        return Outcome.newBuilder().setRequestId("r1").setStatus(OutcomeStatus.APPROVED).setAttempts(2).setReason("ok")
                .setRiskLevel(RiskLevel.LOW).setDecidedBy("gate:auto-approve").setFiles(List.of()).setCompletedAt(Instant.EPOCH).build();
    }

    @Test
    void pipedOutputIsOnePlainLinePerEvent() {
        ProgressDisplay display = new ProgressDisplay(new PrintWriter(text, true), false, 80, clock, "r1");
        display.audit(event(AuditEventType.RECEIVED, 0, "context-assembler"));
        display.tick();
        display.audit(event(AuditEventType.EXECUTED, 2, "executor"));
        display.outcome(outcome());

        assertThat(text.toString().lines()).hasSize(3).noneMatch(l -> l.contains("\u001b") || l.contains("\r"));
        assertThat(text.toString()).contains("r1  RECEIVED [context-assembler] RECEIVED happened", "r1  EXECUTED #2 [executor]",
                "OUTCOME APPROVED after 2 attempt(s), risk LOW, by gate:auto-approve: ok");
    }

    @Test
    void terminalRedrawsOneStatusLineWithTheStagesDone() {
        ProgressDisplay display = new ProgressDisplay(new PrintWriter(text, true), true, 400, clock, "r1");
        display.audit(event(AuditEventType.RECEIVED, 0, "context-assembler"));
        display.audit(event(AuditEventType.GENERATED, 1, "generator"));

        assertThat(text.toString()).startsWith("\r\u001b[2K").doesNotContain("\n");
        assertThat(display.statusLine()).contains("r1  #1  ✓received ✓context ▸generate ·execute ·verdict ·gate ·decide ·done 0s  GENERATED #1 [generator]");

        display.audit(event(AuditEventType.FIX_REQUESTED, 2, "verifier"));
        assertThat(display.statusLine()).as("the fix loop goes back to generation").contains("#2  ✓received ▸context ·generate");

        display.outcome(outcome());
        assertThat(display.statusLine()).as("every stage done").contains("✓decide ✓done");

        assertThat(text.toString()).endsWith("OUTCOME APPROVED after 2 attempt(s), risk LOW, by gate:auto-approve: ok" + System.lineSeparator());
    }

    @Test
    void terminalLineIsCutToTheWidth() {
        ProgressDisplay display = new ProgressDisplay(new PrintWriter(text, true), true, 50, clock, "r1");
        display.audit(event(AuditEventType.VERDICT, 1, "verifier"));
        String drawn = text.toString().substring("\r\u001b[2K".length());
        assertThat(drawn).hasSize(49).endsWith("…");
    }

    @Test
    void gatedRequestSaysWhoMustActAndHow() {
        ProgressDisplay display = new ProgressDisplay(new PrintWriter(text, true), false, 80, clock, "r1");
        display.approval(ApprovalRequest.newBuilder().setRequestId("r1").setAttempt(1).setRiskLevel(RiskLevel.HIGH).setRiskScore(65)
                .setDecision(GateDecision.HUMAN_REVIEW).setReasons(List.of("kind INFRASTRUCTURE")).build());
        display.approval(ApprovalRequest.newBuilder().setRequestId("r1").setAttempt(1).setRiskLevel(RiskLevel.LOW)
                .setDecision(GateDecision.AUTO_APPROVE).build());

        assertThat(text.toString().lines()).singleElement().asString()
                .contains("waiting for a reviewer: risk HIGH (score 65), HUMAN_REVIEW; reasons: kind INFRASTRUCTURE", "assay approve|reject r1");
    }
}
