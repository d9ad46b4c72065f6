package dev.assay.verifier.gate;

import static dev.assay.verifier.Fixtures.file;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assay.avro.ApprovalRequest;
import dev.assay.avro.ArtifactKind;
import dev.assay.avro.ExecutionPolicy;
import dev.assay.avro.ExecutionResult;
import dev.assay.avro.Finding;
import dev.assay.avro.GateDecision;
import dev.assay.avro.KindSignal;
import dev.assay.avro.RiskLevel;
import dev.assay.avro.Severity;
import dev.assay.avro.SourceFile;
import dev.assay.avro.Verdict;
import dev.assay.verifier.Fixtures;
import dev.assay.verifier.checks.ImportAllowlist;
import dev.assay.verifier.checks.VerdictEngine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RiskGateTest {
    private final RiskGate gate = new RiskGate(GatePolicy.defaults(), Clock.systemUTC());
    private final VerdictEngine engine = VerdictEngine.withDefaultChecks(ImportAllowlist.defaults(), Clock.systemUTC());

    @ParameterizedTest
    @CsvSource({
        "UNIT_TEST, LOW, AUTO_APPROVE",
        "LIBRARY_CODE, LOW, AUTO_APPROVE",
        "DATA_TRANSFORMATION, LOW, AUTO_APPROVE",
        "API_ENDPOINT, MEDIUM, HUMAN_REVIEW",
        "DB_QUERY, MEDIUM, HUMAN_REVIEW",
        "INFRASTRUCTURE, HIGH, HUMAN_REVIEW",
        "MIGRATION, CRITICAL, MANUAL_ONLY",
    })
    void artifactKindSetsTheBaseLevel(ArtifactKind kind, RiskLevel level, GateDecision decision) {
        RiskAssessment a = assess(Fixtures.passed("r", 1, kind));
        assertThat(a.level()).isEqualTo(level);
        assertThat(a.decision()).isEqualTo(decision);
        assertThat(a.policyVersion()).isEqualTo(GatePolicy.defaults().version());
        assertThat(a.reasons()).first().asString().startsWith("artifact kind " + kind);
    }

    /** The gate's own path rules: a file no executor signal classified still sets the kind. */
    @ParameterizedTest
    @CsvSource({
        "db/migrations/V2__add_index.sql, MIGRATION, migrations",
        "Dockerfile, INFRASTRUCTURE, dockerfile",
        "svc/Dockerfile, INFRASTRUCTURE, dockerfile",
        ".github/workflows/ci.yml, INFRASTRUCTURE, ci",
        "infra/main.tf, INFRASTRUCTURE, terraform",
        "deploy/k8s/service.yaml, INFRASTRUCTURE, kubernetes",
        "scripts/run.sh, INFRASTRUCTURE, shell",
    })
    void sensitivePathsAreOfTheirKindWhateverTheLabel(String path, ArtifactKind kind, String rule) {
        RiskAssessment a = assess(Fixtures.passed("r", 1, ArtifactKind.LIBRARY_CODE, file(path, "x\n")));
        assertThat(a.effectiveKind()).isEqualTo(kind);
        assertThat(a.level()).isEqualTo(GatePolicy.defaults().kind(kind).level());
        assertThat(a.reasons()).contains("declared LIBRARY_CODE, but " + path + " is " + kind + ": gate path rule " + rule);
        assertThat(a.kindSignals()).singleElement().satisfies(s -> assertThat(s.getPath()).isEqualTo(path));
    }

    @Test
    void aKindCountsOnceHoweverManyFilesAndRulesSayIt() {
        ExecutionResult honest = Fixtures.passed("r", 1, ArtifactKind.INFRASTRUCTURE, file("Dockerfile", "FROM scratch\n"),
                file("deploy/k8s/app.yaml", "apiVersion: v1\nkind: Service\n"));
        honest.setKindSignals(List.of(new KindSignal(ArtifactKind.INFRASTRUCTURE, "Dockerfile", null, "a container image definition", null)));
        RiskAssessment a = assess(honest);
        assertThat(a.level()).isEqualTo(RiskLevel.HIGH);
        assertThat(a.decision()).isEqualTo(GateDecision.HUMAN_REVIEW);
        assertThat(a.kindSignals()).extracting(KindSignal::getPath).containsExactly("Dockerfile", "deploy/k8s/app.yaml");
    }

    @Test
    void pathRulesWithoutAKindStillRaiseTheFloor() {
        RiskAssessment a = assess(Fixtures.passed("r", 1, ArtifactKind.LIBRARY_CODE, file("config/.env", "A=1\n")));
        assertThat(a.level()).isEqualTo(RiskLevel.HIGH);
        assertThat(a.effectiveKind()).isEqualTo(ArtifactKind.LIBRARY_CODE);
        assertThat(a.reasons()).anySatisfy(r -> assertThat(r).startsWith("touches credentials (config/.env)"));
    }

    @Test
    void kubernetesManifestIsRecognisedByContentAnywhere() {
        RiskAssessment manifest = assess(Fixtures.passed("r", 1, ArtifactKind.LIBRARY_CODE,
                file("conf/app.yaml", "apiVersion: apps/v1\nkind: Deployment\n")));
        RiskAssessment plainYaml = assess(Fixtures.passed("r", 1, ArtifactKind.LIBRARY_CODE,
                file("conf/app.yaml", "name: x\n")));
        assertThat(manifest.level()).isEqualTo(RiskLevel.HIGH);
        assertThat(plainYaml.level()).isEqualTo(RiskLevel.LOW);
    }

    @Test
    void findingsAttemptsAndDiffSizeAddScoreUntilTheLevelRises() {
        ExecutionResult quiet = Fixtures.passed("r", 1, ArtifactKind.DATA_TRANSFORMATION);
        List<String> big = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            big.add("x" + i + " = " + i);
        }
        ExecutionResult noisy = Fixtures.passed("r", 3, ArtifactKind.DATA_TRANSFORMATION,
                file("transform.py", String.join("\n", big)));
        Verdict noisyVerdict = engine.judge(noisy);
        noisyVerdict.setFindings(List.of(finding(Severity.MEDIUM), finding(Severity.MEDIUM), finding(Severity.LOW)));

        RiskAssessment low = gate.assess(quiet, engine.judge(quiet));
        RiskAssessment raised = gate.assess(noisy, noisyVerdict);

        assertThat(low.level()).isEqualTo(RiskLevel.LOW);
        // 20 (kind) + 23 (findings) + 10 (attempt 3) + 15 (300 lines) = 68
        assertThat(raised.score()).isEqualTo(68);
        assertThat(raised.level()).isEqualTo(RiskLevel.HIGH);
        assertThat(raised.reasons()).anyMatch(r -> r.startsWith("passed on attempt 3"))
                .anyMatch(r -> r.startsWith("300 changed line(s)")).anyMatch(r -> r.startsWith("score 68 reaches HIGH"));
    }

    @Test
    void unchangedLinesOfAnExistingFileDoNotCount() {
        SourceFile original = file("calc.py", "a = 1\nb = 2\nc = 3\n");
        var request = Fixtures.request("r", dev.assay.avro.Language.PYTHON, ArtifactKind.LIBRARY_CODE, 3);
        request.setFiles(List.of(original));
        assertThat(RiskGate.changedLines(request, List.of(file("calc.py", "a = 1\nb = 20\nc = 3\nd = 4\n")))).isEqualTo(2);
    }

    @Test
    void aDryRunIsNeverAutoApprovedWhateverThePolicySays() throws Exception {
        ExecutionResult r = Fixtures.passed("r", 1, ArtifactKind.INFRASTRUCTURE);
        r.setPolicy(ExecutionPolicy.DRY_RUN);
        assertThat(assess(r).reasons()).contains("never auto-approved: only dry-run (execution policy DRY_RUN): nothing it would do was tried")
                .as("compile checks are not test evidence, sealed or in process").noneMatch(reason -> reason.contains("sealed")
                        || reason.contains("IN_PROCESS"));
        Properties lenient = defaults();
        lenient.setProperty("decision.HIGH", "AUTO_APPROVE");
        RiskGate permissive = new RiskGate(GatePolicy.of(lenient), Clock.systemUTC());
        assertThat(permissive.assess(r, engine.judge(r)).decision()).isEqualTo(GateDecision.HUMAN_REVIEW);
    }

    @Test
    void whatTheFilesAreOutranksWhatTheRequestSays() {
        ExecutionResult r = Fixtures.passed("r", 1, ArtifactKind.UNIT_TEST);
        r.setKindSignals(List.of(new KindSignal(ArtifactKind.API_ENDPOINT, "calc.py", 3, "Flask route @app.get('/add')", null),
                new KindSignal(ArtifactKind.LIBRARY_CODE, "util.py", null, "plain code", null)));
        RiskAssessment a = assess(r);
        assertThat(a.effectiveKind()).isEqualTo(ArtifactKind.API_ENDPOINT);
        assertThat(a.level()).isEqualTo(RiskLevel.MEDIUM);
        assertThat(a.decision()).isEqualTo(GateDecision.HUMAN_REVIEW);
        assertThat(a.reasons()).first().asString().startsWith("artifact kind API_ENDPOINT (declared UNIT_TEST): at least MEDIUM");
        assertThat(a.reasons()).contains("declared UNIT_TEST, but calc.py:3 is API_ENDPOINT: Flask route @app.get('/add')");
        ApprovalRequest approval = gate.approvalRequest(r, engine.judge(r), a);
        assertThat(approval.getDeclaredKind()).isEqualTo(ArtifactKind.UNIT_TEST);
        assertThat(approval.getEffectiveKind()).isEqualTo(ArtifactKind.API_ENDPOINT);
        assertThat(approval.getKindSignals()).hasSize(2);
    }

    @Test
    void aRiskierDeclarationIsNeverLoweredByWhatIsFound() {
        ExecutionResult r = Fixtures.passed("r", 1, ArtifactKind.INFRASTRUCTURE);
        r.setKindSignals(List.of(new KindSignal(ArtifactKind.DB_QUERY, "q.sql", 1, "1 SQL statement(s): SELECT", "SELECT 1")));
        assertThat(assess(r).effectiveKind()).isEqualTo(ArtifactKind.INFRASTRUCTURE);
        assertThat(assess(r).level()).isEqualTo(RiskLevel.HIGH);
    }

    @Test
    void promptInjectionFlagsInTheContextRaiseTheRisk() {
        ExecutionResult r = Fixtures.passed("r", 1, ArtifactKind.UNIT_TEST);
        r.getGeneration().getContext().setInjectionFlags(List.of(Finding.newBuilder().setCheck("prompt-injection")
                .setSeverity(Severity.HIGH).setMessage("approval manipulation").setPath("README.md").setLine(4).build()));
        RiskAssessment a = assess(r);
        assertThat(a.level()).isEqualTo(RiskLevel.MEDIUM);
        assertThat(a.decision()).isEqualTo(GateDecision.HUMAN_REVIEW);
        assertThat(a.reasons()).anySatisfy(reason -> assertThat(reason)
                .isEqualTo("1 prompt-injection flag(s) in the context (README.md:4): at least MEDIUM, +15"));
    }

    @Test
    void aMigrationReachesAPersonAsManualOnlyWithItsStaticReview() {
        ExecutionResult r = Fixtures.result("r", 1, ArtifactKind.LIBRARY_CODE, 3, dev.assay.avro.ExecutionStatus.NOT_RUN, List.of(),
                file("db/V2__drop_legacy.sql", "DROP TABLE legacy;\n"));
        r.setPolicy(ExecutionPolicy.NEVER);
        r.setKindSignals(List.of(new KindSignal(ArtifactKind.MIGRATION, "db/V2__drop_legacy.sql", null, "a Flyway migration", null)));
        r.setFindings(List.of(Finding.newBuilder().setCheck("migration/destructive").setSeverity(Severity.MEDIUM)
                .setMessage("DROP TABLE legacy deletes it").setPath("db/V2__drop_legacy.sql").setLine(1).build()));
        Verdict verdict = engine.judge(r);
        assertThat(verdict.getPassed()).as(verdict.getSummary()).isTrue();
        assertThat(verdict.getSummary()).isEqualTo("for review, never executed (execution policy NEVER): 1 migration finding(s)");
        RiskAssessment a = gate.assess(r, verdict);
        assertThat(a.level()).isEqualTo(RiskLevel.CRITICAL);
        assertThat(a.decision()).isEqualTo(GateDecision.MANUAL_ONLY);
        assertThat(a.reasons()).contains("never auto-approved: never executed (execution policy NEVER): a person applies it by hand",
                "2 distinct people must approve (CRITICAL)");
        assertThat(a.approvers()).isEqualTo(2);
        assertThat(a.reasons()).as("nothing ran, so nothing was sealed").noneMatch(reason -> reason.contains("sealed"));
        assertThat(gate.approvalRequest(r, verdict, a).getApproversRequired()).isEqualTo(2);
    }

    @Test
    void aWinningCandidateIsNamedWithoutChangingTheScore() {
        RiskAssessment single = assess(Fixtures.passed("r", 1, ArtifactKind.LIBRARY_CODE));
        RiskAssessment chosen = assess(Fixtures.candidate(Fixtures.passed("r", 1, ArtifactKind.LIBRARY_CODE), 3, 4, 10));

        assertThat(chosen.reasons()).contains("candidate 3 of 4 generated for attempt 1, the first to pass");
        assertThat(single.reasons()).noneMatch(reason -> reason.startsWith("candidate"));
        assertThat(chosen.score()).isEqualTo(single.score());
        assertThat(gate.approvalRequest(Fixtures.candidate(Fixtures.passed("r", 1, ArtifactKind.LIBRARY_CODE), 3, 4, 10),
                engine.judge(Fixtures.passed("r", 1, ArtifactKind.LIBRARY_CODE)), chosen).getCandidate()).isEqualTo(3);
    }

    @Test
    void approvalRequestCarriesTheEvidence() {
        ExecutionResult r = Fixtures.passed("r", 2, ArtifactKind.API_ENDPOINT);
        Verdict v = engine.judge(r);
        RiskAssessment a = gate.assess(r, v);
        ApprovalRequest req = gate.approvalRequest(r, v, a);
        assertThat(req.getRequestId()).isEqualTo("r");
        assertThat(req.getAttempt()).isEqualTo(2);
        assertThat(req.getRiskLevel()).isEqualTo(a.level());
        assertThat(req.getRiskScore()).isEqualTo(a.score());
        assertThat(req.getDecision()).isEqualTo(GateDecision.HUMAN_REVIEW);
        assertThat(req.getReasons()).isEqualTo(a.reasons());
        assertThat(req.getTask()).isEqualTo("write add(a, b)");
        assertThat(req.getFiles()).isEqualTo(r.getGeneration().getFiles());
        assertThat(req.getTests()).isEqualTo(r.getTests());
        assertThat(req.getPolicyVersion()).isEqualTo(a.policyVersion());
    }

    @Test
    void policyFileOverridesTheBuiltInOne(@TempDir Path dir) throws IOException {
        Properties p = defaults();
        p.setProperty("version", "strict-7");
        p.setProperty("decision.LOW", "HUMAN_REVIEW");
        Path file = dir.resolve("policy.properties");
        try (var out = Files.newBufferedWriter(file)) {
            p.store(out, null);
        }
        RiskGate strict = new RiskGate(GatePolicy.load(Optional.of(file)), Clock.systemUTC());
        RiskAssessment a = strict.assess(Fixtures.passed("r", 1, ArtifactKind.UNIT_TEST),
                engine.judge(Fixtures.passed("r", 1, ArtifactKind.UNIT_TEST)));
        assertThat(a.decision()).isEqualTo(GateDecision.HUMAN_REVIEW);
        assertThat(a.policyVersion()).isEqualTo("strict-7");
    }

    @Test
    void invalidPoliciesAreRefusedAtLoad() throws IOException {
        Properties noVersion = defaults();
        noVersion.remove("version");
        Properties badDecision = defaults();
        badDecision.setProperty("decision.HIGH", "YOLO");
        Properties unordered = defaults();
        unordered.setProperty("threshold.HIGH", "10");
        Properties missingKind = defaults();
        missingKind.remove("kind.MIGRATION.level");

        assertThatThrownBy(() -> GatePolicy.of(noVersion)).hasMessageContaining("missing version");
        assertThatThrownBy(() -> GatePolicy.of(badDecision)).hasMessageContaining("decision.HIGH");
        assertThatThrownBy(() -> GatePolicy.of(unordered)).hasMessageContaining("threshold.HIGH");
        Properties kindAndLevel = defaults();
        kindAndLevel.setProperty("path.dockerfile.level", "LOW");
        Properties unknownKind = defaults();
        unknownKind.setProperty("path.shell.kind", "SCRIPT");

        assertThatThrownBy(() -> GatePolicy.of(missingKind)).hasMessageContaining("kind.MIGRATION.level");
        assertThatThrownBy(() -> GatePolicy.of(kindAndLevel)).hasMessageContaining("path.dockerfile has a kind");
        assertThatThrownBy(() -> GatePolicy.of(unknownKind)).hasMessageContaining("path.shell.kind");
        Properties noApprover = defaults();
        noApprover.setProperty("approvers.HIGH", "0");
        assertThatThrownBy(() -> GatePolicy.of(noApprover)).hasMessageContaining("approvers.HIGH must be at least 1");
        assertThat(GatePolicy.of(defaults()).approvers(RiskLevel.HIGH)).isEqualTo(1);
    }

    private RiskAssessment assess(ExecutionResult r) {
        return gate.assess(r, engine.judge(r));
    }

    private static Finding finding(Severity severity) {
        return Finding.newBuilder().setCheck("c").setSeverity(severity).setMessage("m").setPath(null).setLine(null).build();
    }

    private static Properties defaults() throws IOException {
        Properties p = new Properties();
        try (InputStream in = RiskGateTest.class.getClassLoader().getResourceAsStream(GatePolicy.RESOURCE)) {
            p.load(in);
        }
        return p;
    }

    @Test
    void inProcessRequestTestsAreWeakerEvidenceThanSealedOnes() {
        RiskAssessment sealed = assess(Fixtures.passed("r", 1, ArtifactKind.LIBRARY_CODE));
        assertThat(sealed.reasons()).anySatisfy(r -> assertThat(r).startsWith("all 1 passing request test(s) sealed"));
        ExecutionResult inProcess = Fixtures.result("r", 1, ArtifactKind.LIBRARY_CODE, 3, dev.assay.avro.ExecutionStatus.PASSED,
                List.of(Fixtures.test("test_a", dev.assay.avro.TestStatus.PASSED, null),
                        Fixtures.test("test_b", dev.assay.avro.TestStatus.PASSED, null, dev.assay.avro.TestOrigin.REQUEST,
                                dev.assay.avro.Evidence.IN_PROCESS)));
        RiskAssessment weaker = assess(inProcess);
        assertThat(weaker.score()).isEqualTo(sealed.score() + GatePolicy.defaults().inProcessScore());
        assertThat(weaker.reasons()).anySatisfy(r -> assertThat(r).startsWith("1 of 2 passing request test(s) checked inside the sandbox"));
    }

    @Test
    void withoutTestsOfTheRequestsOwnNothingIsAutoApproved() {
        ExecutionResult onlyGenerated = Fixtures.result("r", 1, ArtifactKind.UNIT_TEST, 3, dev.assay.avro.ExecutionStatus.PASSED,
                List.of(Fixtures.test("test_mine", dev.assay.avro.TestStatus.PASSED, null, dev.assay.avro.TestOrigin.GENERATED,
                        dev.assay.avro.Evidence.IN_PROCESS)));
        RiskAssessment a = assess(onlyGenerated);
        assertThat(a.level()).isEqualTo(RiskLevel.LOW);
        assertThat(a.decision()).isEqualTo(GateDecision.HUMAN_REVIEW);
        assertThat(a.reasons()).anySatisfy(r -> assertThat(r).startsWith("never auto-approved: the request has no tests of its own"));
    }

    @Test
    void anEditOfTheRequestsTestsIsNeverAutoApprovedAndTheReviewerSeesTheDiff() {
        ExecutionResult result = Fixtures.passed("r", 1, ArtifactKind.UNIT_TEST, file("calc.py", Fixtures.CALC),
                file("test_calc.py", "def test_add():\n    assert add(1, 2) in (3, 4)\n"));
        result.getGeneration().getContext().getRequest().setFiles(List.of(
                file("test_calc.py", "def test_add():\n    assert add(1, 2) == 3\n")));
        result.setFindings(List.of(Finding.newBuilder().setCheck("test-edit").setSeverity(Severity.MEDIUM)
                .setMessage("the generated change edits the request's test test_calc.py").setPath("test_calc.py").setLine(null).build()));
        Verdict verdict = engine.judge(result);
        assertThat(verdict.getPassed()).isTrue();
        RiskAssessment a = gate.assess(result, verdict);
        assertThat(a.decision()).isEqualTo(GateDecision.HUMAN_REVIEW);
        assertThat(a.reasons()).anySatisfy(r -> assertThat(r).startsWith("never auto-approved: edits the request's test(s) test_calc.py"));
        ApprovalRequest approval = gate.approvalRequest(result, verdict, a);
        assertThat(approval.getTestEdits()).singleElement().satisfies(edit -> {
            assertThat(edit.getPath()).isEqualTo("test_calc.py");
            assertThat(edit.getDiff()).contains("--- a/test_calc.py", "+++ b/test_calc.py",
                    "-    assert add(1, 2) == 3", "+    assert add(1, 2) in (3, 4)");
        });
    }
}
