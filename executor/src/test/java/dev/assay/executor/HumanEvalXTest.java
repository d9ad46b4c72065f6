package dev.assay.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.assay.avro.ArtifactKind;
import dev.assay.avro.Evidence;
import dev.assay.avro.ExecutionResult;
import dev.assay.avro.ExecutionStatus;
import dev.assay.avro.Language;
import dev.assay.avro.SourceFile;
import dev.assay.avro.TestCaseResult;
import dev.assay.avro.TestStatus;
import dev.assay.executor.humaneval.HumanEvalDataset;
import dev.assay.executor.humaneval.HumanEvalProblem;
import dev.assay.executor.sandbox.Sandbox;
import dev.assay.executor.sandbox.SandboxLimits;
import dev.assay.executor.sandbox.TestSandboxes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * HumanEval-X (../shared/benchmarks/humaneval-x) through the executor, laid out as requests: the problem's tests are
 * the request's own, the solution is the generated file. Every canonical solution must pass and a deliberately broken
 * one (the function returns its type's default value) must fail; the few canonical solutions that are wrong in the
 * dataset itself are listed and must fail too. Python and JavaScript checks are evaluated SEALED (compared outside the
 * sandbox) except the few listed whose expected values are computed at run time. Problems are batched many to a
 * workspace, one test per problem, so the per-problem statuses come from one sandbox run.
 *
 * <p>By default the first 10 problems per language run. The whole benchmark (164 per language):
 * {@code mvn -pl executor test -Dtest=HumanEvalXTest -Dassay.humaneval.full=true}.
 */
class HumanEvalXTest {
    private static final int FAST_SUBSET = 10;
    private static final int BATCH = 41;
    private static final SandboxLimits LIMITS = new SandboxLimits(Duration.ofSeconds(300), 240, 512L * 1024 * 1024, 64,
            256 * 1024, 64L * 1024 * 1024);

    /**
     * Checks that cannot be sealed, and why: their expected values are computed while the test runs (random inputs,
     * loops over generated cases, the candidate compared with itself), so they are asserted inside the sandbox.
     */
    static final Map<String, String> IN_PROCESS_CHECKS = Map.ofEntries(
            Map.entry("HumanEval/32", "poly(...) of random coefficients, in a loop"),
            Map.entry("HumanEval/33", "compared with sort_third(...), the solution's own function"),
            Map.entry("HumanEval/38", "random strings, in a loop"),
            Map.entry("HumanEval/44", "str(x) for each x of a loop"),
            Map.entry("HumanEval/50", "random strings, in a loop"),
            Map.entry("HumanEval/53", "x + y of random numbers, in a loop"),
            Map.entry("HumanEval/151", "odd_sum, a local computed by the test"),
            Map.entry("JavaScript/32", "random coefficients, in a loop"),
            Map.entry("JavaScript/38", "random strings, in a loop"),
            Map.entry("JavaScript/44", "i.toString() for each i of a loop"),
            Map.entry("JavaScript/50", "random strings, in a loop"),
            Map.entry("JavaScript/53", "random numbers, in a loop"));

    @TempDir
    Path scratch;

    @ParameterizedTest
    @EnumSource(value = Language.class, names = {"PYTHON", "JAVA", "JAVASCRIPT"})
    void canonicalSolutionsPassAndBrokenOnesFail(Language language) throws Exception {
        Path data = HumanEvalDataset.directory(Path.of(System.getProperty("assay.project.root", "..")));
        assumeTrue(Files.isReadable(HumanEvalDataset.file(data, language)) || TestSandboxes.toolsRequired(), "benchmark not found at " + data);
        Sandbox sandbox = TestSandboxes.any();
        List<HumanEvalProblem> problems = HumanEvalDataset.load(data, language,
                Boolean.getBoolean("assay.humaneval.full") ? Integer.MAX_VALUE : FAST_SUBSET);
        Executor executor = PolyglotContract.executor(sandbox, scratch, LIMITS);
        for (int from = 0; from < problems.size(); from += BATCH) {
            List<HumanEvalProblem> batch = problems.subList(from, Math.min(problems.size(), from + BATCH));
            Map<String, TestCaseResult> canonical = run(executor, language, batch, HumanEvalProblem::solutionFiles, true);
            assertThat(canonical).as("canonical solutions of %s", language).hasSize(batch.size()).allSatisfy((task, test) ->
                    assertThat(test.getStatus()).as(task + ": " + test.getMessage())
                            .isEqualTo(TestStatus.valueOf(HumanEvalDataset.KNOWN_WRONG_CANONICAL.getOrDefault(task, "PASSED"))));
            if (language != Language.JAVA) {
                assertThat(canonical).as("sealed checks of %s", language).allSatisfy((task, test) ->
                        assertThat(test.getEvidence()).as(task).isEqualTo(IN_PROCESS_CHECKS.containsKey(task) ? Evidence.IN_PROCESS : Evidence.SEALED));
            }
            Map<String, TestCaseResult> broken = run(executor, language, batch, HumanEvalProblem::brokenFiles, false);
            assertThat(broken).as("broken solutions of %s", language).hasSize(batch.size()).allSatisfy((task, test) ->
                    assertThat(test.getStatus()).as(task).isIn(TestStatus.FAILED, TestStatus.ERROR));
        }
    }

    private static Map<String, TestCaseResult> run(Executor executor, Language language, List<HumanEvalProblem> problems,
            Function<HumanEvalProblem, List<SourceFile>> answer, boolean canonical) throws Exception {
        List<SourceFile> tests = problems.stream().flatMap(p -> p.requestFiles().stream()).toList();
        List<SourceFile> solutions = problems.stream().flatMap(p -> answer.apply(p).stream()).toList();
        ExecutionResult r = executor.execute(Generations.generation(language, ArtifactKind.LIBRARY_CODE, tests, solutions));
        List<String> notPassed = r.getTests().stream().filter(t -> t.getStatus() != TestStatus.PASSED)
                .map(t -> t.getName() + " " + t.getStatus() + " " + t.getMessage()).toList();
        boolean expectPass = canonical && problems.stream().noneMatch(p -> HumanEvalDataset.KNOWN_WRONG_CANONICAL.containsKey(p.taskId()));
        assertThat(r.getStatus()).as("%s %s: %s %s", language, canonical ? "canonical" : "broken", r.getDetail(),
                        canonical ? notPassed + r.getStderr() + r.getStdout() : r.getStderr())
                .isEqualTo(expectPass ? ExecutionStatus.PASSED : ExecutionStatus.FAILED);
        assertThat(r.getFindings()).as("no tamper finding on canonical or plainly broken solutions").noneMatch(f -> f.getCheck().startsWith("tampering/"));
        Map<String, TestCaseResult> byTest = r.getTests().stream().collect(Collectors.toMap(TestCaseResult::getName, t -> t, (a, b) -> a));
        return problems.stream().filter(p -> byTest.containsKey(p.testName()))
                .collect(Collectors.toMap(HumanEvalProblem::taskId, p -> byTest.get(p.testName())));
    }
}
