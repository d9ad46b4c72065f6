package dev.assay.verifier.gate;

import dev.assay.avro.ApprovalRequest;
import dev.assay.avro.ArtifactKind;
import dev.assay.avro.AssayRequest;
import dev.assay.avro.ExecutionPolicy;
import dev.assay.avro.ExecutionResult;
import dev.assay.avro.Finding;
import dev.assay.avro.RiskLevel;
import dev.assay.avro.Severity;
import dev.assay.avro.SourceFile;
import dev.assay.avro.Verdict;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides how much trust a passing attempt needs. The level is the highest of: the artifact kind's floor, the floor
 * of every path rule the files touch, and the level the score reaches; the score adds the kind's base, path rules,
 * non-blocking findings (capped), attempts beyond the first and the size of the change. The policy maps the level to
 * AUTO_APPROVE, HUMAN_REVIEW or MANUAL_ONLY. Nothing in the generated code or the request can lower the result:
 * authorization is decided here, outside the model (OWASP LLM06).
 */
public final class RiskGate {
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

        ArtifactKind kind = request.getArtifactKind();
        GatePolicy.KindRule kindRule = policy.kind(kind);
        RiskLevel floor = kindRule.level();
        int score = kindRule.score();
        reasons.add("artifact kind " + kind + ": at least " + kindRule.level() + ", +" + kindRule.score());

        for (GatePolicy.PathRule rule : policy.paths()) {
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
        if (result.getPolicy() == ExecutionPolicy.DRY_RUN || result.getPolicy() == ExecutionPolicy.NEVER) {
            reasons.add("the executor ran it as " + result.getPolicy() + " only");
        }
        return new RiskAssessment(level, score, policy.decision(level), reasons, policy.version());
    }

    public ApprovalRequest approvalRequest(ExecutionResult result, Verdict verdict, RiskAssessment assessment) {
        return ApprovalRequest.newBuilder()
                .setRequestId(result.getRequestId())
                .setAttempt(result.getAttempt())
                .setCandidate(result.getGeneration().getCandidate())
                .setRiskLevel(assessment.level())
                .setRiskScore(assessment.score())
                .setDecision(assessment.decision())
                .setReasons(assessment.reasons())
                .setTask(result.getGeneration().getContext().getRequest().getTask())
                .setFiles(result.getGeneration().getFiles())
                .setTests(result.getTests())
                .setFindings(verdict.getFindings())
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
