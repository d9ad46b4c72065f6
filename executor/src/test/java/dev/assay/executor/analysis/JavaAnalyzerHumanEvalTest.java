package dev.assay.executor.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.assay.avro.Language;
import dev.assay.avro.SourceFile;
import dev.assay.executor.analysis.Analysis.Evidence;
import dev.assay.executor.analysis.Analysis.Kind;
import dev.assay.executor.analysis.Analysis.Severity;
import dev.assay.executor.humaneval.HumanEvalDataset;
import dev.assay.executor.humaneval.HumanEvalProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * All 164 HumanEval-X Java problems, laid out as the project uses them ({@link HumanEvalDataset}): one trusted
 * main-method unit each, and no CRITICAL or HIGH finding and no kind signal on any canonical solution.
 */
class JavaAnalyzerHumanEvalTest {

    @Test
    void everyProblemHasItsMainUnitAndNoCanonicalSolutionIsFlaggedOrSignalled() throws Exception {
        Path data = HumanEvalDataset.directory(Path.of(System.getProperty("assay.project.root", "..")));
        assumeTrue(Files.isRegularFile(HumanEvalDataset.file(data, Language.JAVA)), "HumanEval-X benchmark not present at " + data);
        List<HumanEvalProblem> problems = HumanEvalDataset.load(data, Language.JAVA, Integer.MAX_VALUE);
        assertThat(problems).hasSize(164);
        JavaAnalyzer analyzer = new JavaAnalyzer();
        List<String> flagged = new ArrayList<>();
        List<String> signalled = new ArrayList<>();
        for (HumanEvalProblem p : problems) {
            String pkg = "he" + p.number();
            Analysis a = analyzer.analyze(files(p.requestFiles()), files(p.solutionFiles()), List.of(pkg + "/Solution.java"));
            assertThat(a.errors()).as(pkg).isEmpty();
            assertThat(a.tests()).as(pkg).singleElement().satisfies(t -> {
                assertThat(t.function()).isEqualTo(p.testName());
                assertThat(t.file()).isEqualTo(pkg + "/Main.java");
                assertThat(t.kind()).isEqualTo(Kind.EXACT);
                assertThat(t.evidence()).isEqualTo(Evidence.IN_PROCESS);
                assertThat(t.skipInSource()).isFalse();
            });
            a.findings().stream().filter(f -> f.severity() != Severity.MEDIUM).forEach(f -> flagged.add(pkg + ": " + f));
            a.signals().forEach(s -> signalled.add(pkg + ": " + s));
            // the test program too, read as if it were generated: a main method that prints is no endpoint or query
            analyzer.analyze(Map.of(), files(p.requestFiles()), List.of()).signals().forEach(s -> signalled.add(pkg + " (test): " + s));
        }
        assertThat(flagged).isEmpty();
        assertThat(signalled).isEmpty();
    }

    private static Map<String, String> files(List<SourceFile> files) {
        return files.stream().collect(Collectors.toMap(SourceFile::getPath, SourceFile::getContent));
    }
}
