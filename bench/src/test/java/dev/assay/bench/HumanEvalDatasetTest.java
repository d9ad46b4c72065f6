package dev.assay.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.assay.avro.Language;
import dev.assay.avro.SourceFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HumanEvalDatasetTest {
    /** {@code ../shared} beside the checkout; the project root is the module's folder when built with {@code -f}. */
    static final Path DATA = java.util.stream.Stream.of("../shared/benchmarks/humaneval-x", "../../shared/benchmarks/humaneval-x")
            .map(p -> Path.of(System.getProperty("assay.project.root", ".")).toAbsolutePath().resolve(p).normalize())
            .filter(Files::isDirectory).findFirst().orElse(Path.of("../shared/benchmarks/humaneval-x"));

    @TempDir
    Path scratch;

    @Test
    void laysPythonOutAsSolutionModuleAndTestRequestFileAndTheOfficialCheckProgram() throws Exception {
        assumeTrue(Files.isDirectory(DATA), "HumanEval data not at " + DATA);
        HumanEvalProblem first = HumanEvalDataset.load(DATA, Language.PYTHON, 1).getFirst();

        assertThat(first.taskId()).isEqualTo("HumanEval/0");
        assertThat(first.requestId()).isEqualTo("he-python-0");
        assertThat(first.solutionFiles()).extracting(SourceFile::getPath).containsExactly("he_0.py");
        assertThat(first.requestFiles()).extracting(SourceFile::getPath).containsExactly("test_he_0.py");
        assertThat(first.requestFiles().getFirst().getContent()).contains("from he_0 import *", "check(has_close_elements)");
        assertThat(first.testName()).isEqualTo("test_he_0.py::test_humaneval");
        assertThat(first.reference().source()).endsWith("\ncheck(has_close_elements)\n");
    }

    @Test
    void loadsAllThreeLanguagesWithTheirTestNames() throws Exception {
        assumeTrue(Files.isDirectory(DATA), "HumanEval data not at " + DATA);
        assertThat(HumanEvalDataset.load(DATA, Language.PYTHON, 1000)).hasSize(164);
        HumanEvalProblem java = HumanEvalDataset.load(DATA, Language.JAVA, 1).getFirst();
        assertThat(java.testName()).isEqualTo("he0.Main.main");
        assertThat(java.solutionFiles().getFirst().getContent()).startsWith("package he0;\n");
        HumanEvalProblem js = HumanEvalDataset.load(DATA, Language.JAVASCRIPT, 1).getFirst();
        assertThat(js.testName()).isEqualTo("he_0.test.js::JavaScript/0");
        assertThat(js.reference().source()).startsWith(HumanEvalDataset.STRICT_CONSOLE_ASSERT);
    }

    @Test
    void referencePassesCanonicalSolutionsAndFailsABrokenOne() throws Exception {
        assumeTrue(Files.isDirectory(DATA), "HumanEval data not at " + DATA);
        Path python = Path.of("/usr/bin/python3");
        assumeTrue(Files.isExecutable(python), "no /usr/bin/python3");
        List<HumanEvalProblem> problems = HumanEvalDataset.load(DATA, Language.PYTHON, 2);
        HumanEvalProblem good = problems.get(1);
        HumanEvalProblem broken = new HumanEvalProblem(good.taskId(), good.language(), good.requestFiles(), good.solutionFiles(),
                good.testName(), new HumanEvalProblem.Reference("program.py",
                        good.reference().source().replace(good.solutionFiles().getFirst().getContent(), "def separate_paren_groups(s):\n    return []\n")));
        ReferenceRunner runner = new ReferenceRunner(python, Path.of("/usr/lib/jvm/temurin-25-jdk-amd64"), Path.of("/usr/bin/node"),
                Duration.ofSeconds(30), 2, scratch);

        List<ReferenceRunner.Result> results = runner.runAll(List.of(problems.get(0), good, broken));

        assertThat(results).extracting(ReferenceRunner.Result::passed).containsExactly(true, true, false);
        assertThat(results.get(2).detail()).contains("AssertionError");
    }
}
