package dev.assay.generator;

import static dev.assay.generator.Fixtures.file;
import static dev.assay.generator.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.avro.ArtifactKind;
import dev.assay.avro.SourceFile;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CompletionParserTest {
    private final CompletionParser parser = new CompletionParser(10_000, 5);
    private final WritePolicy slugOnly = WritePolicy.forRequest(request().build());
    private final WritePolicy anyNewFile = WritePolicy.forRequest(request().setTargetPaths(List.of()).build());

    private CompletionParser.Result.Parsed parsed(CompletionParser.Result result) {
        assertThat(result).isInstanceOf(CompletionParser.Result.Parsed.class);
        return (CompletionParser.Result.Parsed) result;
    }

    private String failure(CompletionParser.Result result) {
        assertThat(result).isInstanceOf(CompletionParser.Result.Failed.class);
        return ((CompletionParser.Result.Failed) result).reason();
    }

    @Test
    void extractsFilesFromPathAndFileAttributesIgnoringUnnamedBlocks() {
        String answer = """
                Here is the code.

                ```python path=slug.py
                import re

                def slugify(text):
                    return re.sub(r"\\W+", "-", text.lower()).strip("-")
                ```

                Example use:
                ```
                slugify("A b")
                ```

                ~~~ file="util/strings.py"
                X = 1
                ~~~
                """;
        CompletionParser.Result result = parser.parse(answer, anyNewFile);

        assertThat(parsed(result).files()).extracting(SourceFile::getPath).containsExactly("slug.py", "util/strings.py");
        assertThat(parsed(result).files().get(0).getContent()).startsWith("import re\n\ndef slugify(text):").endsWith(".strip(\"-\")\n");
        assertThat(parsed(result).files().get(1).getContent()).isEqualTo("X = 1\n");
    }

    @Test
    void longerFencesMayContainShorterOnes() {
        String answer = "````markdown path=README.md\n# Use\n```python\nslugify('x')\n```\n````\n";
        assertThat(parsed(parser.parse(answer, anyNewFile)).files()).singleElement()
                .satisfies(f -> assertThat(f.getContent()).isEqualTo("# Use\n```python\nslugify('x')\n```\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   \n\n"})
    void failsOnAnEmptyAnswer(String answer) {
        assertThat(failure(parser.parse(answer, slugOnly))).isEqualTo("the model returned an empty answer");
    }

    @Test
    void failsWithoutFileBlocks() {
        assertThat(failure(parser.parse("I cannot help with that.", slugOnly)))
                .isEqualTo("the answer contains no code block with a path= attribute");
        assertThat(failure(parser.parse("```python\nprint(1)\n```\n", slugOnly)))
                .isEqualTo("the answer contains no code block with a path= attribute");
    }

    @Test
    void failsOnATruncatedBlock() {
        assertThat(failure(parser.parse("```python path=slug.py\ndef slugify(text):\n    return te", slugOnly)))
                .isEqualTo("the answer ends inside an unterminated code block for 'slug.py' (output truncated?)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc/passwd", "../slug.py", "a/../../b.py", "C:/x.py", "a\\b.py"})
    void failsOnUnsafePaths(String path) {
        assertThat(failure(parser.parse("```python path=" + path + "\nx = 1\n```\n", anyNewFile)))
                .startsWith("unsafe path '" + path + "': ");
    }

    @Test
    void failsOnDuplicatePaths() {
        String answer = "```python path=slug.py\nA = 1\n```\n```python path=slug.py\nA = 2\n```\n";
        assertThat(failure(parser.parse(answer, slugOnly))).isEqualTo("path 'slug.py' is written twice");
    }

    @Test
    void failsOnOverlongAnswersAndTooManyFiles() {
        assertThat(failure(new CompletionParser(50, 5).parse("```python path=slug.py\n" + "x".repeat(60) + "\n```\n", slugOnly)))
                .isEqualTo("the answer has 88 characters, more than the cap of 50");
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            many.append("```python path=m").append(i).append(".py\nx = 1\n```\n");
        }
        assertThat(failure(parser.parse(many.toString(), anyNewFile))).isEqualTo("the answer writes more than 5 files");
    }

    @Test
    void neverLetsTheModelReplaceTheRequestsTests() {
        String answer = "```python path=slug.py\nX = 1\n```\n```python path=test_slug.py\ndef test_basic(): pass\n```\n";
        assertThat(failure(parser.parse(answer, slugOnly))).contains("'test_slug.py' is one of the request's tests and may not be replaced");
        assertThat(failure(parser.parse(answer, anyNewFile))).contains("'test_slug.py' is one of the request's tests");
    }

    @Test
    void aTestTargetMayBeWrittenWhenTheRequestAsksForTests() {
        WritePolicy writeTests = WritePolicy.forRequest(request().setArtifactKind(ArtifactKind.UNIT_TEST)
                .setTargetPaths(List.of("test_slug.py")).build());
        assertThat(parsed(parser.parse("```python path=test_slug.py\ndef test_more(): pass\n```\n", writeTests)).files()).hasSize(1);
    }

    @Test
    void withTargetsOnlyTargetsAndAllOfThemMayBeWritten() {
        assertThat(failure(parser.parse("```python path=helper.py\nX = 1\n```\n", slugOnly)))
                .isEqualTo("'helper.py' is not one of the target paths [slug.py]; target paths not written: [slug.py]");
    }

    @Test
    void withoutTargetsExistingFilesMayNotBeOverwritten() {
        WritePolicy policy = WritePolicy.forRequest(request().setTargetPaths(List.of())
                .setFiles(List.of(file("util.py", "X = 1\n"))).build());
        assertThat(failure(parser.parse("```python path=util.py\nX = 2\n```\n", policy)))
                .isEqualTo("'util.py' would overwrite a file of the request (no target paths were given)");
    }
}
