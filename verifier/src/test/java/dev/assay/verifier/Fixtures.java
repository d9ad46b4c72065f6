package dev.assay.verifier;

import dev.assay.avro.ApprovalDecision;
import dev.assay.avro.ArtifactKind;
import dev.assay.avro.AssayRequest;
import dev.assay.avro.AssembledContext;
import dev.assay.avro.Evidence;
import dev.assay.avro.ExecutionPolicy;
import dev.assay.avro.ExecutionResult;
import dev.assay.avro.ExecutionStatus;
import dev.assay.avro.Generation;
import dev.assay.avro.GenerationStatus;
import dev.assay.avro.Language;
import dev.assay.avro.SourceFile;
import dev.assay.avro.TestCaseResult;
import dev.assay.avro.TestOrigin;
import dev.assay.avro.TestStatus;
import dev.assay.avro.Violation;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Builders of pipeline records for the verifier's tests. */
public final class Fixtures {
    public static final String CALC = "def add(a, b):\n    return a + b\n";

    private Fixtures() {
    }

    public static AssayRequest request(String id, Language language, ArtifactKind kind, int maxAttempts) {
        return AssayRequest.newBuilder().setRequestId(id).setTenant("t").setTask("write add(a, b)").setLanguage(language)
                .setArtifactKind(kind).setTargetPaths(List.of("calc.py")).setFiles(List.of()).setRepository(null)
                .setMaxAttempts(maxAttempts).setTokenBudget(8000).setMetadata(Map.of()).setSubmittedAt(Instant.EPOCH).build();
    }

    public static ExecutionResult passed(String id, int attempt, ArtifactKind kind, SourceFile... files) {
        return result(id, attempt, kind, 3, ExecutionStatus.PASSED, List.of(test("test_add", TestStatus.PASSED, null)), files);
    }

    public static ExecutionResult failed(String id, int attempt, int maxAttempts, String message) {
        return result(id, attempt, ArtifactKind.LIBRARY_CODE, maxAttempts, ExecutionStatus.FAILED,
                List.of(test("test_ok", TestStatus.PASSED, null), test("test_add", TestStatus.FAILED, message)),
                file("calc.py", CALC));
    }

    public static ExecutionResult result(String id, int attempt, ArtifactKind kind, int maxAttempts, ExecutionStatus status,
            List<TestCaseResult> tests, SourceFile... files) {
        return result(request(id, Language.PYTHON, kind, maxAttempts), attempt, status, tests, files);
    }

    public static ExecutionResult result(AssayRequest request, int attempt, ExecutionStatus status,
            List<TestCaseResult> tests, SourceFile... files) {
        String id = request.getRequestId();
        AssembledContext context = AssembledContext.newBuilder().setRequestId(id).setRequest(request).setFiles(List.of())
                .setOmittedPaths(List.of()).setTotalTokens(10).setRedactions(List.of()).setAssembledAt(Instant.EPOCH).build();
        Generation generation = Generation.newBuilder().setRequestId(id).setAttempt(attempt).setContext(context)
                .setStatus(GenerationStatus.OK).setFailureReason(null)
                .setFiles(files.length == 0 ? List.of(file("calc.py", CALC)) : List.of(files))
                .setProvider("scripted").setModel("none").setScripted(true).setTemplateVersion("1").setTokensIn(1)
                .setTokensOut(1).setLatencyMs(1).setGeneratedAt(Instant.EPOCH).build();
        return ExecutionResult.newBuilder().setRequestId(id).setAttempt(attempt).setGeneration(generation)
                .setBackend("test").setPolicy(ExecutionPolicy.FULL).setStatus(status).setViolation(Violation.NONE)
                .setExitCode(status == ExecutionStatus.PASSED ? 0 : 1).setTests(tests)
                .setStdout("collected 2 items\n").setStderr(status == ExecutionStatus.PASSED ? "" : "Traceback: AssertionError\n")
                .setOutputTruncated(false).setDurationMs(10).setDetail(null)
                .setRequiredTests((int) tests.stream().filter(t -> t.getOrigin() == TestOrigin.REQUEST).count())
                .setExecutedAt(Instant.EPOCH).build();
    }

    /** The same result as candidate {@code candidate} of {@code candidates}, whose model call spent {@code tokens}. */
    public static ExecutionResult candidate(ExecutionResult result, int candidate, int candidates, int tokens) {
        result.getGeneration().setCandidate(candidate);
        result.getGeneration().setCandidates(candidates);
        result.getGeneration().setTokensIn(tokens);
        result.getGeneration().setTokensOut(0);
        return result;
    }

    /** One of the request's own tests, sealed. */
    public static TestCaseResult test(String name, TestStatus status, String message) {
        return test(name, status, message, TestOrigin.REQUEST, Evidence.SEALED);
    }

    public static TestCaseResult test(String name, TestStatus status, String message, TestOrigin origin, Evidence evidence) {
        return TestCaseResult.newBuilder().setName(name).setStatus(status).setMessage(message).setDurationMs(1)
                .setOrigin(origin).setEvidence(evidence).build();
    }

    public static SourceFile file(String path, String content) {
        return new SourceFile(path, content);
    }

    public static ApprovalDecision decision(String id, boolean approved, String reviewer, String reason) {
        return ApprovalDecision.newBuilder().setRequestId(id).setApproved(approved).setReviewer(reviewer).setReason(reason)
                .setDecidedAt(Instant.EPOCH).build();
    }
}
