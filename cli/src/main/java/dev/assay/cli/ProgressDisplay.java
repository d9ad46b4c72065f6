package dev.assay.cli;

import dev.assay.avro.ApprovalRequest;
import dev.assay.avro.AuditEvent;
import dev.assay.avro.AuditEventType;
import dev.assay.avro.Outcome;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Shows one request's progress: on a terminal a single status line redrawn in place (stages, attempt, last detail,
 * elapsed time); otherwise — piped, in CI logs — one plain line per event, with no control characters.
 */
final class ProgressDisplay {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final String CLEAR_LINE = "\r\u001b[2K";
    /** The stages a request passes through, in order (the fix loop goes back to GENERATED). */
    static final List<AuditEventType> STAGES = List.of(AuditEventType.RECEIVED, AuditEventType.CONTEXT_ASSEMBLED,
            AuditEventType.GENERATED, AuditEventType.EXECUTED, AuditEventType.VERDICT, AuditEventType.GATED,
            AuditEventType.DECIDED, AuditEventType.COMPLETED);

    /** Short labels for the status line, one per stage. */
    private static final List<String> LABELS = List.of("received", "context", "generate", "execute", "verdict", "gate", "decide", "done");

    private final PrintWriter out;
    private final boolean terminal;
    private final int width;
    private final Clock clock;
    private final String requestId;
    private final Instant started;
    private int stage = -1;
    private int attempt;
    private String detail = "waiting for the first event";

    ProgressDisplay(PrintWriter out, boolean terminal, int width, Clock clock, String requestId) {
        this.out = out;
        this.terminal = terminal;
        this.width = Math.max(40, width);
        this.clock = clock;
        this.requestId = requestId;
        this.started = clock.instant();
    }

    void audit(AuditEvent e) {
        attempt = Math.max(attempt, e.getAttempt());
        int index = STAGES.indexOf(e.getType());
        if (e.getType() == AuditEventType.FIX_REQUESTED) {
            index = STAGES.indexOf(AuditEventType.CONTEXT_ASSEMBLED);
        }
        if (index >= 0) {
            stage = index;
        }
        detail = e.getType() + (e.getAttempt() > 0 ? " #" + e.getAttempt() : "") + " [" + e.getService() + "] " + e.getDetail();
        event(detail);
    }

    void approval(ApprovalRequest a) {
        if (a.getDecision() == dev.assay.avro.GateDecision.AUTO_APPROVE) {
            return;
        }
        detail = "waiting for a reviewer: risk " + a.getRiskLevel() + " (score " + a.getRiskScore() + "), " + a.getDecision()
                + "; reasons: " + String.join("; ", a.getReasons()) + " — assay approve|reject " + requestId;
        event(detail);
    }

    void deadLetter(String sourceTopic, String reason, String message) {
        event("DEAD-LETTER from " + sourceTopic + " (" + reason + "): " + message);
    }

    void outcome(Outcome o) {
        stage = STAGES.size();
        String line = "OUTCOME " + o.getStatus() + " after " + o.getAttempts() + " attempt(s), risk " + o.getRiskLevel()
                + (o.getDecidedBy() == null ? "" : ", by " + o.getDecidedBy()) + ": " + o.getReason();
        if (terminal) {
            out.print(CLEAR_LINE + fit(statusLine()));
            out.println();
            out.println(line);
        } else {
            out.println(now() + "  " + line);
        }
        out.flush();
    }

    void timedOut(Duration timeout) {
        if (terminal) {
            out.println();
        }
        out.println("no outcome for " + requestId + " within " + timeout + " (still running? assay status " + requestId + ")");
        out.flush();
    }

    /** Redraws the status line (elapsed time moves on); nothing when not on a terminal. */
    void tick() {
        if (terminal) {
            out.print(CLEAR_LINE + fit(statusLine()));
            out.flush();
        }
    }

    private void event(String text) {
        if (terminal) {
            tick();
        } else {
            out.println(now() + "  " + requestId + "  " + text);
            out.flush();
        }
    }

    /** e.g. {@code ex-roman  #2  ✓received ✓context ▸generate ·execute ·verdict ·gate ·decide ·done 12s  GENERATED #2 [generator] …}. */
    String statusLine() {
        StringBuilder line = new StringBuilder(requestId).append("  ");
        if (attempt > 0) {
            line.append('#').append(attempt).append("  ");
        }
        for (int i = 0; i < STAGES.size(); i++) {
            line.append(i < stage ? "✓" : i == stage ? "▸" : "·").append(LABELS.get(i)).append(' ');
        }
        line.append(Duration.between(started, clock.instant()).toSeconds()).append("s  ").append(detail.replaceAll("\\s+", " "));
        return line.toString();
    }

    private String fit(String line) {
        return line.length() <= width - 1 ? line : line.substring(0, width - 2) + "…";
    }

    private String now() {
        return CLOCK.format(clock.instant().atZone(ZoneId.systemDefault()));
    }
}
