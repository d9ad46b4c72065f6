package dev.assay.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.avro.ApprovalRequest;
import dev.assay.avro.AuditEventType;
import dev.assay.avro.Evidence;
import dev.assay.avro.GateDecision;
import dev.assay.avro.OutcomeStatus;
import dev.assay.avro.RiskLevel;
import dev.assay.avro.TestEdit;
import dev.assay.avro.TestOrigin;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The request page's evidence: test origins and evidence levels, edits of the request's tests, tampering. */
class PagesTest {
    private static final String HOSTILE_DIFF = """
            --- a/test_greet.py
            +++ b/test_greet.py
            @@ -1,3 +1,3 @@
             from greet import greet
            -assert greet('a') == 'hi a'  # <script>alert(3)</script>
            +assert True  # </code></pre><b>y</b>
            --- not a file header inside a hunk
            """;

    private static String page(RequestView view) {
        return Pages.request("alice", "csrf-token", view, AuditCheck.check(view.auditEvents()), null);
    }

    private static RequestView gated(GateDecision decision, List<TestEdit> edits) {
        ApprovalRequest approval = ApprovalRequest.newBuilder(Records.approval("r1", RiskLevel.HIGH, decision))
                .setTests(List.of(Records.test("test_greet", TestOrigin.REQUEST, Evidence.SEALED),
                        Records.test("test_greet_unicode", TestOrigin.REQUEST, Evidence.IN_PROCESS),
                        Records.test("test_model_wrote_this", TestOrigin.GENERATED, Evidence.IN_PROCESS)))
                .setTestEdits(edits).build();
        return RequestView.empty("r1").with(Records.event("r1", AuditEventType.GATED, "verifier")).with(approval);
    }

    @Test
    void testsTableShowsOriginAndEvidenceWithWhatTheyMean() {
        String html = page(gated(GateDecision.HUMAN_REVIEW, List.of()));

        assertThat(html).contains("<th title=\"", ">Origin</th>", ">Evidence</th>")
                .contains("3 passed: 2 of the request&#39;s (1 sealed, 1 in-process), 1 generated")
                .contains("class=\"tag evidence-sealed\" title=\"Sealed: every assertion was compared outside the sandbox")
                .contains("class=\"tag evidence-in-process\" title=\"In-process: at least one assertion was checked inside the sandbox")
                .contains("class=\"tag origin-generated\"", ">generated</span>", ">request</span>")
                .doesNotContain("id=\"test-edits\"");
    }

    @Test
    void testEditsAreEscapedDiffsShownBeforeTheDecisionForm() {
        String html = page(gated(GateDecision.MANUAL_ONLY, List.of(new TestEdit("test_greet.py", HOSTILE_DIFF))));

        assertThat(html).doesNotContain("<script>", "<b>y</b>")
                .contains("<h2>Test edits</h2>", "<h3><code>test_greet.py</code></h3>")
                .contains("<span class=\"diff-file\">--- a/test_greet.py</span>", "<span class=\"diff-file\">+++ b/test_greet.py</span>")
                .contains("<span class=\"diff-hunk\">@@ -1,3 +1,3 @@</span>")
                .contains("<del class=\"diff-del\">-assert greet(&#39;a&#39;) == &#39;hi a&#39;  # &lt;script&gt;alert(3)&lt;/script&gt;</del>")
                .contains("<ins class=\"diff-add\">+assert True  # &lt;/code&gt;&lt;/pre&gt;&lt;b&gt;y&lt;/b&gt;</ins>")
                .contains("<del class=\"diff-del\">--- not a file header inside a hunk</del>")
                .contains("\n from greet import greet\n");
        assertThat(html.indexOf("id=\"test-edits\"")).isPositive().isLessThan(html.indexOf("id=\"decision-form\""));
    }

    @Test
    void integrityRejectionShowsABannerWithTheReason() {
        RequestView view = gated(GateDecision.HUMAN_REVIEW, List.of())
                .with(Records.tampered("r1", "test_greet.py: rebinds builtins.__import__ <img src=x onerror=alert(4)>"));

        String html = page(view);

        assertThat(html).contains("id=\"tampered\" role=\"alert\"", "Rejected: tampered with verification")
                .contains("rejected for tampering with verification (attempt 1): test_greet.py: rebinds builtins.__import__ "
                        + "&lt;img src=x onerror=alert(4)&gt;")
                .doesNotContain("<img src=x", "id=\"decision-form\"");
        assertThat(html.indexOf("id=\"tampered\"")).as("before everything else").isLessThan(html.indexOf("id=\"stage\""));
    }

    @Test
    void otherRejectionsHaveNoTamperBanner() {
        RequestView view = gated(GateDecision.HUMAN_REVIEW, List.of()).with(Records.outcome("r1", OutcomeStatus.REJECTED, "bob"));

        assertThat(page(view)).doesNotContain("id=\"tampered\"", "tampered with verification");
    }

    @Test
    void aViewFromBeforeOriginsShowsThemAsUnrecorded() {
        RequestView.Approval a = gated(GateDecision.HUMAN_REVIEW, List.of()).approval();
        RequestView old = new RequestView("r1", new RequestView.Approval(a.attempt(), a.candidate(), a.riskLevel(), a.riskScore(),
                a.decision(), a.reasons(), a.task(), a.files(),
                List.of(new dev.assay.verifier.StoredTest("test_greet", "PASSED", null, 3, null, null)), a.findings(), null,
                a.policyVersion(), a.gatedAtMillis()), null, List.of());

        assertThat(page(old)).contains("class=\"tag origin-unknown\"", "class=\"tag evidence-unknown\"", ">unrecorded</span>")
                .doesNotContain("id=\"test-edits\"");
    }
}
