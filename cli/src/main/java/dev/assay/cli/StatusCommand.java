package dev.assay.cli;

import dev.assay.console.RequestView;
import dev.assay.console.TestCounts;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code assay status <id>}: where a request is now, from the audit, approval and outcome topics. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show a request's current stage, its history and its outcome (if any).", "Exit code 5 if no record of it exists."})
final class StatusCommand extends CliCommand {

    @Parameters(paramLabel = "REQUEST-ID")
    String requestId;

    @Override
    public Integer call() throws Exception {
        RequestView view = readViews(requestId, true).get(requestId);
        boolean submitted = view != null || submitted();
        if (!submitted) {
            err().println("assay: no request " + requestId + " on " + ctx().topics().requests().name() + " or the audit topic");
            err().flush();
            return ExitCodes.NOT_FOUND;
        }
        if (view == null) {
            view = RequestView.empty(requestId);
        }
        Map<String, Object> status = summary(view);
        if (ctx().json()) {
            printJson(status);
            return ExitCodes.OK;
        }
        out().print(text(view, status));
        out().flush();
        return ExitCodes.OK;
    }

    /** The human-readable status: one labelled line per fact, continuation lines indented under the label column. */
    static String text(RequestView view, Map<String, Object> status) {
        StringBuilder out = new StringBuilder();
        line(out, "Request  " + view.requestId());
        line(out, "Stage    " + status.get("stage") + (view.attempts() > 0 ? " (attempt " + view.attempts() + ")" : ""));
        RequestView.Approval a = view.approval();
        if (view.pending()) {
            line(out, "Waiting  for a reviewer: risk " + a.riskLevel() + " (score " + a.riskScore() + "), " + a.decision());
            a.reasons().forEach(r -> line(out, "           - " + r));
        }
        if (a != null) {
            line(out, "Tests    " + a.testCounts().summary());
            if (!a.testEdits().isEmpty()) {
                line(out, "         Test edits: " + a.testEdits().stream().map(RequestView.TestEdit::path).collect(Collectors.joining(", "))
                        + " (generated changes to the request's own tests; never auto-approved)");
            }
        }
        RequestView.Result o = view.outcome();
        if (o != null) {
            if (o.tampered()) {
                line(out, "Integrity TAMPERED — " + o.tamperFinding());
            }
            line(out, "Outcome  " + o.status() + " after " + o.attempts() + " attempt(s)"
                    + (o.candidate() > 0 ? " (candidate " + o.candidate() + ")" : "") + ", risk " + o.riskLevel()
                    + (o.decidedBy() == null ? "" : ", by " + o.decidedBy()) + ", " + o.tokensSpent() + " model tokens");
            line(out, "Reason   " + o.reason());
        } else {
            line(out, "Outcome  none yet");
        }
        line(out, "History  " + status.get("history"));
        return out.toString();
    }

    private static void line(StringBuilder out, String text) {
        out.append(text).append(System.lineSeparator());
    }

    static Map<String, Object> summary(RequestView view) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("requestId", view.requestId());
        status.put("stage", view.audit().isEmpty() && view.outcome() == null ? "SUBMITTED" : view.stage().name());
        status.put("attempts", view.attempts());
        status.put("pending", view.pending());
        if (view.approval() != null) {
            RequestView.Approval a = view.approval();
            status.put("risk", Map.of("level", a.riskLevel().name(), "score", a.riskScore(), "decision", a.decision().name(),
                    "reasons", a.reasons()));
            status.put("tests", tests(a.testCounts()));
            status.put("testEdits", a.testEdits().stream().map(RequestView.TestEdit::path).toList());
        }
        status.put("tampered", view.outcome() != null && view.outcome().tampered());
        if (view.outcome() != null) {
            RequestView.Result o = view.outcome();
            Map<String, Object> outcome = new LinkedHashMap<>();
            outcome.put("status", o.status().name());
            outcome.put("attempts", o.attempts());
            outcome.put("candidate", o.candidate());
            outcome.put("tokensSpent", o.tokensSpent());
            outcome.put("reason", o.reason());
            outcome.put("riskLevel", o.riskLevel().name());
            outcome.put("decidedBy", o.decidedBy());
            outcome.put("completedAt", Instant.ofEpochMilli(o.completedAtMillis()).toString());
            status.put("outcome", outcome);
        }
        status.put("history", view.audit().stream()
                .map(e -> e.type() + (e.attempt() > 0 ? "#" + e.attempt() : "")).collect(Collectors.joining(" → ")));
        return status;
    }

    /** The evidence counts as JSON fields: passed, request (of which sealed and inProcess), generated, and the total. */
    static Map<String, Object> tests(TestCounts counts) {
        Map<String, Object> tests = new LinkedHashMap<>();
        tests.put("passed", counts.passed());
        tests.put("request", counts.request());
        tests.put("sealed", counts.sealed());
        tests.put("inProcess", counts.inProcess());
        tests.put("generated", counts.generated());
        tests.put("total", counts.total());
        return tests;
    }

    /** True when the request is on the requests topic (submitted, not yet picked up). */
    private boolean submitted() {
        boolean[] found = {false};
        try (TopicReader reader = new TopicReader(ctx().kafkaProps(), List.of(ctx().topics().requests().name()), requestId)) {
            reader.readToEnd(record -> found[0] = true, READ_TIMEOUT);
        }
        return found[0];
    }
}
