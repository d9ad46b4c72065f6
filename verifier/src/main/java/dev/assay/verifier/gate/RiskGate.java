package dev.assay.verifier.gate;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import dev.assay.avro.ApprovalRequest;
import dev.assay.avro.ArtifactKind;
import dev.assay.avro.AssayRequest;
import dev.assay.avro.ExecutionPolicy;
import dev.assay.avro.Evidence;
import dev.assay.avro.ExecutionResult;
import dev.assay.avro.Finding;
import dev.assay.avro.GateDecision;
import dev.assay.avro.KindSignal;
import dev.assay.avro.RiskLevel;
import dev.assay.avro.Severity;
import dev.assay.avro.SourceFile;
import dev.assay.avro.TestCaseResult;
import dev.assay.avro.TestEdit;
import dev.assay.avro.TestOrigin;
import dev.assay.avro.TestStatus;
import dev.assay.avro.Verdict;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Decides how much trust a passing attempt needs. The level is the highest of: the artifact kind's floor, the floor
 * of every path rule the files touch, and the level the score reaches; the score adds the kind's base, path rules,
 * non-blocking findings (capped), request tests checked inside the sandbox rather than sealed, attempts beyond the first
 * and the size of the change. The policy maps the level to AUTO_APPROVE, HUMAN_REVIEW or MANUAL_ONLY — except that a
 * change is never auto-approved when the request brought no tests of its own (the only evidence would be the model's
 * own tests) or when it edits the request's tests (the reviewer sees the diff). Nothing in the generated code or the
 * request can lower the result: authorization is decided here, outside the model (OWASP LLM06).
 */
public final class RiskGate {
    /** The executor's finding for a generated edit of one of the request's tests. */
    static final String TEST_EDIT = "test-edit";
    private final GatePolicy policy;
    private final Clock clock;

    public RiskGate(GatePolicy policy, Clock clock) {
        this.policy = policy;
        this.clock = clock;
    }

    public GatePolicy policy() {
        return policy;
    }

    public RiskAssessment assess(ExecutionResult result, Verdict verdict) {
        AssayRequest request = result.getGeneration().getContext().getRequest();
        List<SourceFile> files = result.getGeneration().getFiles();
        List<String> reasons = new ArrayList<>();

        ArtifactKind declared = request.getArtifactKind();
        List<KindSignal> signals = kindSignals(result);
        ArtifactKind kind = effectiveKind(declared, signals);
        GatePolicy.KindRule kindRule = policy.kind(kind);
        RiskLevel floor = kindRule.level();
        int score = kindRule.score();
        reasons.add("artifact kind " + kind + (kind == declared ? "" : " (declared " + declared + ")") + ": at least "
                + kindRule.level() + ", +" + kindRule.score());
        for (KindSignal signal : signals) {
            if (signal.getKind() != declared && riskier(signal.getKind(), declared)) {
                reasons.add("declared " + declared + ", but " + where(signal) + " is " + signal.getKind() + ": " + signal.getReason());
            }
        }

        List<Finding> injections = result.getGeneration().getContext().getInjectionFlags();
        if (!injections.isEmpty()) {
            floor = max(floor, policy.injectionLevel());
            score += policy.injectionScore();
            reasons.add(injections.size() + " prompt-injection flag(s) in the context (" + injections.stream().limit(3)
                    .map(f -> f.getPath() + (f.getLine() == null ? "" : ":" + f.getLine())).collect(Collectors.joining(", "))
                    + (injections.size() > 3 ? ", …" : "") + "): at least " + policy.injectionLevel() + ", +" + policy.injectionScore());
        }

        for (GatePolicy.PathRule rule : policy.paths()) {
            if (rule.kind() != null) {
                continue;
            }
            List<String> hits = files.stream().filter(f -> rule.matches(f.getPath(), f.getContent()))
                    .map(SourceFile::getPath).toList();
            if (!hits.isEmpty()) {
                floor = max(floor, rule.level());
                score += rule.score();
                reasons.add("touches " + rule.name() + " (" + String.join(", ", hits) + "): at least " + rule.level()
                        + ", +" + rule.score());
            }
        }

        int findingScore = 0;
        Map<Severity, Integer> counts = new HashMap<>();
        for (Finding f : verdict.getFindings()) {
            findingScore += policy.findingScore(f.getSeverity());
            counts.merge(f.getSeverity(), 1, Integer::sum);
        }
        findingScore = Math.min(findingScore, policy.findingMax());
        if (findingScore > 0) {
            score += findingScore;
            reasons.add("non-blocking findings " + counts + ": +" + findingScore);
        }

        List<String> neverAutomatic = new ArrayList<>();
        if (result.getPolicy() == ExecutionPolicy.NEVER) {
            neverAutomatic.add("never executed (execution policy NEVER): a person applies it by hand");
        } else if (result.getPolicy() == ExecutionPolicy.DRY_RUN) {
            neverAutomatic.add("only dry-run (execution policy DRY_RUN): nothing it would do was tried");
        }
        List<TestCaseResult> requestTests = result.getTests().stream().filter(t -> t.getOrigin() == TestOrigin.REQUEST).toList();
        long inProcess = requestTests.stream().filter(t -> t.getStatus() == TestStatus.PASSED && t.getEvidence() != Evidence.SEALED).count();
        long sealed = requestTests.stream().filter(t -> t.getStatus() == TestStatus.PASSED && t.getEvidence() == Evidence.SEALED).count();
        // Only a full run has test evidence: a dry run's results are compile checks, and NEVER runs nothing.
        boolean testsRan = result.getPolicy() == ExecutionPolicy.FULL;
        if (testsRan && result.getRequiredTests() == 0) {
            neverAutomatic.add("the request has no tests of its own: the only evidence is the generated code's own tests");
        } else if (testsRan && inProcess > 0) {
            score += policy.inProcessScore();
            reasons.add(inProcess + " of " + (inProcess + sealed) + " passing request test(s) checked inside the sandbox (IN_PROCESS),"
                    + " where the code under test could interfere: +" + policy.inProcessScore());
        } else if (testsRan && sealed > 0) {
            reasons.add("all " + sealed + " passing request test(s) sealed: every assertion compared outside the sandbox");
        }
        List<String> edits = testEdits(verdict);
        if (!edits.isEmpty()) {
            neverAutomatic.add("edits the request's test(s) " + String.join(", ", edits)
                    + ": the request's version ran; the edit is for a person to judge");
        }

        int extraAttempts = Math.max(0, result.getAttempt() - 1);
        if (extraAttempts > 0 && policy.attemptScore() > 0) {
            score += extraAttempts * policy.attemptScore();
            reasons.add("passed on attempt " + result.getAttempt() + ": +" + extraAttempts * policy.attemptScore());
        }

        int candidates = result.getGeneration().getCandidates();
        if (candidates > 1) {
            // No score: what was tried is told to the reviewer; the tests and checks judged this candidate alone.
            reasons.add("candidate " + result.getGeneration().getCandidate() + " of " + candidates
                    + " generated for attempt " + result.getAttempt() + ", the first to pass");
        }

        int changed = changedLines(request, files);
        int diffScore = policy.diffScore(changed);
        if (diffScore > 0) {
            score += diffScore;
            reasons.add(changed + " changed line(s): +" + diffScore);
        }

        RiskLevel byScore = policy.levelForScore(score);
        if (byScore.ordinal() > floor.ordinal()) {
            reasons.add("score " + score + " reaches " + byScore + " (threshold " + policy.threshold(byScore) + ")");
        }
        RiskLevel level = max(floor, byScore);
        GateDecision decision = policy.decision(level);
        for (String why : neverAutomatic) {
            reasons.add("never auto-approved: " + why);
        }
        if (decision == GateDecision.AUTO_APPROVE && !neverAutomatic.isEmpty()) {
            decision = GateDecision.HUMAN_REVIEW;
        }
        int approvers = policy.approvers(level);
        if (decision != GateDecision.AUTO_APPROVE && approvers > 1) {
            reasons.add(approvers + " distinct people must approve (" + level + ")");
        }
        return new RiskAssessment(level, score, decision, reasons, policy.version(), kind, signals, approvers);
    }

    /**
     * The executor's kind signals, plus the policy's path rules that name a kind for files no signal of that kind
     * covers: the gate keeps its own reading of the paths, so a file classified by nothing upstream still counts.
     */
    private List<KindSignal> kindSignals(ExecutionResult result) {
        List<KindSignal> signals = new ArrayList<>(result.getKindSignals());
        for (GatePolicy.PathRule rule : policy.paths()) {
            if (rule.kind() == null) {
                continue;
            }
            for (SourceFile file : result.getGeneration().getFiles()) {
                boolean known = signals.stream().anyMatch(s -> s.getKind() == rule.kind() && file.getPath().equals(s.getPath()));
                if (!known && rule.matches(file.getPath(), file.getContent())) {
                    signals.add(new KindSignal(rule.kind(), file.getPath(), null, "gate path rule " + rule.name(), null));
                }
            }
        }
        return signals;
    }

    /** The riskiest of the declared kind and every kind found: by the policy's floor, then its score. */
    ArtifactKind effectiveKind(ArtifactKind declared, List<KindSignal> signals) {
        ArtifactKind kind = declared;
        for (KindSignal signal : signals) {
            if (riskier(signal.getKind(), kind)) {
                kind = signal.getKind();
            }
        }
        return kind;
    }

    private boolean riskier(ArtifactKind a, ArtifactKind b) {
        GatePolicy.KindRule ra = policy.kind(a);
        GatePolicy.KindRule rb = policy.kind(b);
        return ra.level().ordinal() > rb.level().ordinal() || ra.level() == rb.level() && ra.score() > rb.score();
    }

    private static String where(KindSignal signal) {
        return signal.getPath() == null ? "the code" : signal.getPath() + (signal.getLine() == null ? "" : ":" + signal.getLine());
    }

    /** Paths of the request's tests the generated change edits (the executor reports each as a finding). */
    private static List<String> testEdits(Verdict verdict) {
        return verdict.getFindings().stream().filter(f -> TEST_EDIT.equals(f.getCheck()) && f.getPath() != null)
                .map(Finding::getPath).distinct().toList();
    }

    /** Each edit of a request test as a unified diff from the request's version to the generated one. */
    static List<TestEdit> testEditDiffs(ExecutionResult result, Verdict verdict) {
        Map<String, String> original = new HashMap<>();
        result.getGeneration().getContext().getRequest().getFiles().forEach(f -> original.put(f.getPath(), f.getContent()));
        Map<String, String> edited = new HashMap<>();
        result.getGeneration().getFiles().forEach(f -> edited.put(f.getPath(), f.getContent()));
        List<TestEdit> diffs = new ArrayList<>();
        for (String path : testEdits(verdict)) {
            List<String> before = original.getOrDefault(path, "").lines().toList();
            List<String> after = edited.getOrDefault(path, "").lines().toList();
            List<String> unified = UnifiedDiffUtils.generateUnifiedDiff("a/" + path, "b/" + path, before, DiffUtils.diff(before, after), 3);
            diffs.add(new TestEdit(path, String.join("\n", unified) + "\n"));
        }
        return diffs;
    }

    public ApprovalRequest approvalRequest(ExecutionResult result, Verdict verdict, RiskAssessment assessment) {
        return ApprovalRequest.newBuilder()
                .setRequestId(result.getRequestId())
                .setAttempt(result.getAttempt())
                .setCandidate(result.getGeneration().getCandidate())
                .setRiskLevel(assessment.level())
                .setRiskScore(assessment.score())
                .setDecision(assessment.decision())
                .setApproversRequired(assessment.approvers())
                .setReasons(assessment.reasons())
                .setTask(result.getGeneration().getContext().getRequest().getTask())
                .setFiles(result.getGeneration().getFiles())
                .setTests(result.getTests())
                .setFindings(verdict.getFindings())
                .setDeclaredKind(result.getGeneration().getContext().getRequest().getArtifactKind())
                .setEffectiveKind(assessment.effectiveKind())
                .setKindSignals(assessment.kindSignals())
                .setTestEdits(testEditDiffs(result, verdict))
                .setPolicyVersion(assessment.policyVersion())
                .setGatedAt(clock.instant())
                .build();
    }

    /**
     * Lines of the generated files not present in the request's own version of the same path (a multiset line
     * diff: cheap, order-insensitive, good enough to tell a one-line fix from a rewrite).
     */
    static int changedLines(AssayRequest request, List<SourceFile> files) {
        Map<String, String> originals = new HashMap<>();
        request.getFiles().forEach(f -> originals.put(f.getPath(), f.getContent()));
        int changed = 0;
        for (SourceFile file : files) {
            Map<String, Integer> before = new HashMap<>();
            String original = originals.get(file.getPath());
            if (original != null) {
                for (String line : original.split("\n", -1)) {
                    before.merge(line, 1, Integer::sum);
                }
            }
            for (String line : file.getContent().split("\n", -1)) {
                Integer n = before.get(line);
                if (n != null && n > 0) {
                    before.put(line, n - 1);
                } else if (!line.isBlank()) {
                    changed++;
                }
            }
        }
        return changed;
    }

    private static RiskLevel max(RiskLevel a, RiskLevel b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }
}
