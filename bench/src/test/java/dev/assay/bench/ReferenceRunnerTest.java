package dev.assay.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.assay.avro.Language;
import dev.assay.executor.humaneval.HumanEvalDataset;
import dev.assay.executor.humaneval.HumanEvalProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReferenceRunnerTest {
    static final Path DATA = HumanEvalDataset.directory(Path.of(System.getProperty("assay.project.root", "..")));

    @TempDir
    Path scratch;

    @Test
    void referencePassesCanonicalSolutionsAndFailsABrokenOne() throws Exception {
        assumeTrue(Files.isDirectory(DATA), "HumanEval data not at " + DATA);
        Path python = Path.of("/usr/bin/python3");
        assumeTrue(Files.isExecutable(python), "no /usr/bin/python3");
        List<HumanEvalProblem> problems = HumanEvalDataset.load(DATA, Language.PYTHON, 2);
        HumanEvalProblem good = problems.get(1);
        HumanEvalProblem broken = new HumanEvalProblem(good.taskId(), good.language(), good.requestFiles(), good.solutionFiles(),
                good.brokenFiles(), good.testName(), new HumanEvalProblem.Reference("program.py",
                        good.reference().source().replace(good.solutionFiles().getFirst().getContent(), "def separate_paren_groups(s):\n    return []\n")));
        ReferenceRunner runner = new ReferenceRunner(python, Path.of("/usr/lib/jvm/temurin-25-jdk-amd64"), Path.of("/usr/bin/node"),
                Duration.ofSeconds(30), 2, scratch);

        List<ReferenceRunner.Result> results = runner.runAll(List.of(problems.get(0), good, broken));

        assertThat(results).extracting(ReferenceRunner.Result::passed).containsExactly(true, true, false);
        assertThat(results.get(2).detail()).contains("AssertionError");
    }
}
