package dev.assay.executor.humaneval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.assay.avro.Language;
import dev.assay.avro.SourceFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class HumanEvalDatasetTest {
    static final Path DATA = HumanEvalDataset.directory(Path.of(System.getProperty("assay.project.root", "..")));

    @Test
    void laysPythonOutAsATrustedTestFileImportingTheSolutionModuleAndTheOfficialCheckProgram() throws Exception {
        assumeTrue(Files.isDirectory(DATA), "HumanEval data not at " + DATA);
        HumanEvalProblem first = HumanEvalDataset.load(DATA, Language.PYTHON, 1).getFirst();

        assertThat(first.taskId()).isEqualTo("HumanEval/0");
        assertThat(first.requestId()).isEqualTo("he-python-0");
        assertThat(first.solutionFiles()).extracting(SourceFile::getPath).containsExactly("he_0.py");
        assertThat(first.brokenFiles()).extracting(SourceFile::getPath).containsExactly("he_0.py");
        assertThat(first.brokenFiles().getFirst().getContent()).endsWith("    return None\n");
        assertThat(first.requestFiles()).extracting(SourceFile::getPath).containsExactly("test_he_0.py");
        assertThat(first.requestFiles().getFirst().getContent()).contains("from he_0 import *", "check(has_close_elements)");
        assertThat(first.testName()).isEqualTo("test_he_0.py::test_humaneval");
        assertThat(first.reference().source()).endsWith("\ncheck(has_close_elements)\n");
    }

    @Test
    void laysJavaOutAsAMainMethodTestBesideTheSolutionClass() throws Exception {
        assumeTrue(Files.isDirectory(DATA), "HumanEval data not at " + DATA);
        HumanEvalProblem java = HumanEvalDataset.load(DATA, Language.JAVA, 1).getFirst();
        assertThat(java.testName()).isEqualTo("he0.Main#main");
        assertThat(java.requestFiles()).singleElement().satisfies(f -> {
            assertThat(f.getPath()).isEqualTo("he0/Main.java");
            assertThat(f.getContent()).startsWith("package he0;\nimport java.util.*;").contains("public class Main").doesNotContain("class Solution");
        });
        assertThat(java.solutionFiles()).singleElement().satisfies(f -> {
            assertThat(f.getPath()).isEqualTo("he0/Solution.java");
            assertThat(f.getContent()).startsWith("package he0;\n").contains("class Solution").doesNotContain("class Main");
        });
    }

    @Test
    void laysJavaScriptOutAsANodeTestFileRequiringTheExportedSolution() throws Exception {
        assumeTrue(Files.isDirectory(DATA), "HumanEval data not at " + DATA);
        assertThat(HumanEvalDataset.load(DATA, Language.PYTHON, 1000)).hasSize(164);
        HumanEvalProblem js = HumanEvalDataset.load(DATA, Language.JAVASCRIPT, 33).getLast();
        assertThat(js.testName()).isEqualTo("he_32.test.js::JavaScript/32");
        assertThat(js.solutionFiles().getFirst().getContent()).endsWith("\nmodule.exports = { poly, findZero };\n");
        assertThat(js.requestFiles().getFirst().getContent()).contains("const { poly, findZero } = require('./he_32.js');",
                "console.assert = (condition");
        assertThat(js.reference().source()).startsWith(HumanEvalDataset.STRICT_CONSOLE_ASSERT);
    }
}
