package dev.assay.console;

import static org.owasp.encoder.Encode.forHtml;
import static org.owasp.encoder.Encode.forHtmlAttribute;
import static org.owasp.encoder.Encode.forUriComponent;

import dev.assay.verifier.StoredFile;
import dev.assay.verifier.StoredFinding;
import dev.assay.verifier.StoredTest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The console's HTML. Everything that comes from the pipeline — task text, generated code, test messages, reasons,
 * request ids — is untrusted (LLM05: generated code is untrusted input) and goes through the OWASP encoder for its
 * context; the page allows no scripts at all (see the Content-Security-Policy in {@link ConsoleServer}).
 */
final class Pages {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private static final String SEALED_HELP = "Sealed: every assertion was compared outside the sandbox, out of reach of the code under test.";
    private static final String IN_PROCESS_HELP = "In-process: at least one assertion was checked inside the sandbox, where the code under test "
            + "could interfere with it.";
    private static final String ORIGIN_REQUEST_HELP = "One of the request's own tests (trusted).";
    private static final String ORIGIN_GENERATED_HELP = "A test the model wrote; it never counts for one of the request's tests.";
    private static final String ORIGIN_HELP = "request: one of the request's own tests (trusted); generated: a test the model wrote, "
            + "never counted for a request test.";
    private static final String EVIDENCE_HELP = "SEALED: every assertion compared outside the sandbox. IN_PROCESS: at least one "
            + "assertion checked inside the sandbox, where the code under test could interfere.";

    private Pages() {
    }

    static String login(String error) {
        return layout("Sign in", null, """
                <h1>Assay approval console</h1>
                %s
                <form method="post" action="/login" class="login">
                  <label for="token">Access token</label>
                  <input id="token" name="token" type="password" autocomplete="current-password" required>
                  <button type="submit" id="sign-in">Sign in</button>
                </form>
                """.formatted(error == null ? "" : "<p class=\"error\">" + forHtml(error) + "</p>"));
    }

    static String index(String identity, String csrf, List<RequestView> pending, List<RequestView> closed) {
        StringBuilder body = new StringBuilder("<h1>Pending approvals</h1>");
        if (pending.isEmpty()) {
            body.append("<p class=\"empty\">Nothing is waiting for a decision.</p>");
        } else {
            body.append("<table class=\"list\" id=\"pending\"><thead><tr><th>Request</th><th>Risk</th><th>Gate</th>"
                    + "<th>Attempt</th><th>Task</th><th>Reasons</th></tr></thead><tbody>");
            for (RequestView v : pending) {
                RequestView.Approval a = v.approval();
                body.append("<tr><td>").append(link(v.requestId())).append("</td><td>").append(risk(a.riskLevel().name()))
                        .append(" <span class=\"score\">").append(a.riskScore()).append("</span></td><td>")
                        .append(forHtml(a.decision().name())).append("</td><td>").append(a.attempt()).append("</td><td>")
                        .append(forHtml(abbreviate(a.task(), 140))).append("</td><td>").append(list(a.reasons())).append("</td></tr>");
            }
            body.append("</tbody></table>");
        }
        body.append("<h2>Recently closed</h2>");
        if (closed.isEmpty()) {
            body.append("<p class=\"empty\">No closed requests yet.</p>");
        } else {
            body.append("<table class=\"list\" id=\"closed\"><thead><tr><th>Request</th><th>Outcome</th><th>Risk</th>"
                    + "<th>Decided by</th><th>Completed</th><th>Reason</th></tr></thead><tbody>");
            for (RequestView v : closed) {
                RequestView.Result o = v.outcome();
                body.append("<tr><td>").append(link(v.requestId())).append("</td><td>").append(status(o.status().name()))
                        .append("</td><td>").append(risk(o.riskLevel().name())).append("</td><td>")
                        .append(forHtml(o.decidedBy() == null ? "" : o.decidedBy())).append("</td><td>")
                        .append(time(o.completedAtMillis())).append("</td><td>").append(forHtml(abbreviate(o.reason(), 160)))
                        .append("</td></tr>");
            }
            body.append("</tbody></table>");
        }
        return layout("Approvals", identity, body.toString(), csrf);
    }

    static String request(String identity, String csrf, RequestView v, AuditCheck.Result audit, String notice) {
        StringBuilder body = new StringBuilder();
        body.append("<p><a href=\"/\">&larr; All requests</a></p>");
        body.append("<h1>Request <code>").append(forHtml(v.requestId())).append("</code></h1>");
        if (v.outcome() != null && v.outcome().tampered()) {
            // The one outcome a reviewer must not miss: the generated code attacked its own verification.
            body.append("<section class=\"tampered\" id=\"tampered\" role=\"alert\"><h2 class=\"error\">Rejected: tampered with verification</h2>")
                    .append("<p>").append(forHtml(v.outcome().reason())).append("</p></section>");
        }
        if (notice != null) {
            body.append("<p class=\"notice\" id=\"notice\">").append(forHtml(notice)).append("</p>");
        }
        body.append("<dl class=\"facts\"><dt>Stage</dt><dd id=\"stage\">").append(forHtml(v.stage().name()))
                .append("</dd><dt>Attempts</dt><dd>").append(v.attempts()).append("</dd>");
        if (v.outcome() != null) {
            RequestView.Result o = v.outcome();
            body.append("<dt>Outcome</dt><dd id=\"outcome\">").append(status(o.status().name())).append("</dd><dt>Decided by</dt><dd>")
                    .append(forHtml(o.decidedBy() == null ? "" : o.decidedBy())).append("</dd><dt>Reason</dt><dd>")
                    .append(forHtml(o.reason())).append("</dd><dt>Completed</dt><dd>").append(time(o.completedAtMillis())).append("</dd>");
        }
        body.append("</dl>");
        RequestView.Approval a = v.approval();
        if (a != null) {
            body.append("<section><h2>Risk</h2><p>").append(risk(a.riskLevel().name())).append(" score ").append(a.riskScore())
                    .append(", gate decision ").append(forHtml(a.decision().name())).append(" under policy ")
                    .append(forHtml(a.policyVersion())).append(", attempt ").append(a.attempt()).append(", candidate ").append(a.candidate()).append(", gated ")
                    .append(time(a.gatedAtMillis())).append("</p>").append(list(a.reasons())).append("</section>");
            body.append("<section><h2>Task</h2><p class=\"task\">").append(forHtml(a.task())).append("</p></section>");
            body.append("<section><h2>Generated files</h2>");
            for (StoredFile f : a.files()) {
                body.append("<h3><code>").append(forHtml(f.path())).append("</code></h3><pre class=\"code\"><code>")
                        .append(forHtml(f.content())).append("</code></pre>");
            }
            body.append("</section><section><h2>Tests</h2>");
            if (a.tests().isEmpty()) {
                body.append("<p class=\"empty\">No test results.</p>");
            } else {
                body.append("<p class=\"evidence-summary\" id=\"test-counts\">").append(forHtml(a.testCounts().summary())).append("</p>");
                body.append("<table class=\"list\" id=\"tests\"><thead><tr><th>Test</th>")
                        .append("<th title=\"").append(forHtmlAttribute(ORIGIN_HELP)).append("\">Origin</th>")
                        .append("<th title=\"").append(forHtmlAttribute(EVIDENCE_HELP)).append("\">Evidence</th>")
                        .append("<th>Status</th><th>ms</th><th>Message</th></tr></thead><tbody>");
                for (StoredTest t : a.tests()) {
                    body.append("<tr><td><code>").append(forHtml(t.name())).append("</code></td><td>").append(origin(t.origin()))
                            .append("</td><td>").append(evidence(t.evidence())).append("</td><td>").append(status(t.status()))
                            .append("</td><td>").append(t.durationMs()).append("</td><td>")
                            .append(forHtml(t.message() == null ? "" : t.message())).append("</td></tr>");
                }
                body.append("</tbody></table>");
            }
            body.append("</section><section><h2>Findings</h2>");
            if (a.findings().isEmpty()) {
                body.append("<p class=\"empty\">No findings.</p>");
            } else {
                body.append("<ul class=\"findings\">");
                for (StoredFinding f : a.findings()) {
                    body.append("<li>").append(risk(f.severity())).append(" <code>").append(forHtml(f.check())).append("</code> ")
                            .append(forHtml(f.message()));
                    if (f.path() != null) {
                        body.append(" <span class=\"where\">").append(forHtml(f.path()))
                                .append(f.line() == null ? "" : ":" + f.line()).append("</span>");
                    }
                    body.append("</li>");
                }
                body.append("</ul>");
            }
            body.append("</section>");
            if (!a.testEdits().isEmpty()) {
                body.append(testEdits(a.testEdits()));
            }
            // The form comes after the evidence: a reviewer reads the code, tests, findings and test edits before deciding.
            if (v.pending()) {
                body.append(decisionForm(v.requestId(), csrf));
            }
        }
        body.append("<section><h2>Audit chain</h2><p class=\"audit-").append(audit.status().name().toLowerCase(java.util.Locale.ROOT))
                .append("\" id=\"audit-status\">").append(forHtml(audit.summary())).append("</p>");
        body.append("<table class=\"list\" id=\"audit\"><thead><tr><th>#</th><th>Event</th><th>Service</th><th>Attempt</th>"
                + "<th>Time</th><th>Detail</th><th>Hash</th></tr></thead><tbody>");
        int i = 0;
        for (RequestView.AuditEntry e : v.audit()) {
            body.append("<tr><td>").append(i++).append("</td><td>").append(forHtml(e.type().name())).append("</td><td>")
                    .append(forHtml(e.service())).append("</td><td>").append(e.attempt()).append("</td><td>")
                    .append(time(e.occurredAtMillis())).append("</td><td>").append(forHtml(e.detail())).append("</td><td><code>")
                    .append(e.hash() == null ? "unchained" : forHtml(e.hash().substring(0, Math.min(12, e.hash().length()))))
                    .append("</code></td></tr>");
        }
        body.append("</tbody></table></section>");
        return layout("Request " + v.requestId(), identity, body.toString(), csrf);
    }

    /** Each edited request test as its unified diff: added lines in {@code <ins>}, removed lines in {@code <del>}. */
    private static String testEdits(List<RequestView.TestEdit> edits) {
        StringBuilder out = new StringBuilder("<section class=\"test-edits\" id=\"test-edits\"><h2>Test edits</h2>")
                .append("<p class=\"error\">The generated files change the request's own tests. An edited test no longer proves what ")
                .append("the request asked for, so this change is never auto-approved: read each diff before deciding.</p>");
        for (RequestView.TestEdit edit : edits) {
            out.append("<h3><code>").append(forHtml(edit.path())).append("</code></h3><pre class=\"code diff\"><code>");
            boolean inHunk = false;
            for (String line : (edit.diff() == null ? "" : edit.diff()).lines().toList()) {
                inHunk |= line.startsWith("@@");
                out.append(diffLine(line, inHunk)).append('\n');
            }
            out.append("</code></pre>");
        }
        return out.append("</section>").toString();
    }

    /** Before the first hunk, "---"/"+++" name the files; inside a hunk they are a removed or added line like any other. */
    private static String diffLine(String line, boolean inHunk) {
        if (!inHunk && (line.startsWith("+++") || line.startsWith("---"))) {
            return "<span class=\"diff-file\">" + forHtml(line) + "</span>";
        }
        if (line.startsWith("@@")) {
            return "<span class=\"diff-hunk\">" + forHtml(line) + "</span>";
        }
        if (line.startsWith("+")) {
            return "<ins class=\"diff-add\">" + forHtml(line) + "</ins>";
        }
        if (line.startsWith("-")) {
            return "<del class=\"diff-del\">" + forHtml(line) + "</del>";
        }
        return forHtml(line);
    }

    static String message(String title, String text) {
        return layout(title, null, "<h1>" + forHtml(title) + "</h1><p>" + forHtml(text) + "</p><p><a href=\"/\">Back</a></p>");
    }

    private static String decisionForm(String requestId, String csrf) {
        return """
                <section class="decide"><h2>Decision</h2>
                <form method="post" action="/requests/%s/decision" id="decision-form">
                  <input type="hidden" name="csrf" value="%s">
                  <label for="reason">Reason (required to reject)</label>
                  <textarea id="reason" name="reason" rows="3" maxlength="2000"></textarea>
                  <div class="buttons">
                    <button type="submit" name="decision" value="approve" id="approve" class="approve">Approve</button>
                    <button type="submit" name="decision" value="reject" id="reject" class="reject">Reject</button>
                  </div>
                </form></section>
                """.formatted(forUriComponent(requestId), forHtmlAttribute(csrf));
    }

    private static String layout(String title, String identity, String body) {
        return layout(title, identity, body, null);
    }

    private static String layout(String title, String identity, String body, String csrf) {
        String user = identity == null ? "" : """
                <span class="user">Signed in as <strong id="identity">%s</strong></span>
                <form method="post" action="/logout" class="logout"><input type="hidden" name="csrf" value="%s"><button type="submit">Sign out</button></form>
                """.formatted(forHtml(identity), forHtmlAttribute(csrf == null ? "" : csrf));
        return """
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <title>%s · Assay</title><link rel="stylesheet" href="/static/console.css"></head>
                <body><header><a href="/" class="brand">Assay</a> approval console %s</header><main>%s</main></body></html>
                """.formatted(forHtml(title), user, body);
    }

    private static String link(String requestId) {
        return "<a href=\"/requests/" + forHtmlAttribute(forUriComponent(requestId)) + "\">" + forHtml(requestId) + "</a>";
    }

    private static String risk(String level) {
        return "<span class=\"risk risk-" + forHtmlAttribute(level.toLowerCase(java.util.Locale.ROOT)) + "\">" + forHtml(level) + "</span>";
    }

    private static String origin(String origin) {
        return switch (origin == null ? "" : origin) {
            case TestCounts.REQUEST -> tag("origin-request", "request", ORIGIN_REQUEST_HELP);
            case TestCounts.GENERATED -> tag("origin-generated", "generated", ORIGIN_GENERATED_HELP);
            default -> tag("origin-unknown", origin == null ? "unrecorded" : origin, "No origin was recorded for this result.");
        };
    }

    private static String evidence(String evidence) {
        return switch (evidence == null ? "" : evidence) {
            case TestCounts.SEALED -> tag("evidence-sealed", "SEALED", SEALED_HELP);
            case TestCounts.IN_PROCESS -> tag("evidence-in-process", "IN_PROCESS", IN_PROCESS_HELP);
            default -> tag("evidence-unknown", evidence == null ? "unrecorded" : evidence, "No evidence level was recorded for this result.");
        };
    }

    private static String tag(String cssClass, String text, String help) {
        return "<span class=\"tag " + cssClass + "\" title=\"" + forHtmlAttribute(help) + "\">" + forHtml(text) + "</span>";
    }

    private static String status(String status) {
        return "<span class=\"status status-" + forHtmlAttribute(status.toLowerCase(java.util.Locale.ROOT)) + "\">" + forHtml(status) + "</span>";
    }

    private static String list(List<String> items) {
        if (items.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("<ul class=\"reasons\">");
        items.forEach(i -> out.append("<li>").append(forHtml(i)).append("</li>"));
        return out.append("</ul>").toString();
    }

    private static String time(long millis) {
        return millis <= 0 ? "" : TIME.format(Instant.ofEpochMilli(millis));
    }

    private static String abbreviate(String text, int max) {
        return text == null ? "" : text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
