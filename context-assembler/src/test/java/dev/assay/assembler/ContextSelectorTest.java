package dev.assay.assembler;

import static dev.assay.assembler.Requests.file;
import static dev.assay.assembler.Requests.valid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.assay.avro.AssayRequest;
import dev.assay.avro.ContextFile;
import dev.assay.avro.InclusionReason;
import dev.assay.avro.SourceFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ContextSelectorTest {
    private final TokenCounter tokens = TokenCounter.cl100k();
    private final ContextSelector selector = new ContextSelector(tokens, new TermOverlapScorer());

    private static final List<SourceFile> PROJECT = List.of(
            file("README.md", "A tiny text utilities package.\n"),
            file("util/dates.py", "def parse_date(s):\n    return s\n"),
            file("test_slug.py", "from slug import slugify\n\ndef test_basic():\n    assert slugify('A b') == 'a-b'\n"),
            file("test_dates.py", "from util.dates import parse_date\n\ndef test_parse():\n    assert parse_date('x') == 'x'\n"),
            file("slug.pyi", "def slugify(text: str) -> str: ...\n"),
            file("util/text.py", "def normalize_whitespace(text):\n    return ' '.join(text.split())\n"),
            file("slug.py", "def slugify(text):\n    raise NotImplementedError\n"));

    private AssayRequest request(String task, List<String> targets, int budget) {
        return valid().setTask(task).setTargetPaths(targets).setFiles(PROJECT).setTokenBudget(budget).build();
    }

    @Test
    void ordersNamedThenTestsThenTypesThenRelevant() {
        ContextSelector.Selection s = selector.select(
                request("Implement slugify using normalize whitespace helpers", List.of("slug.py"), 8000), PROJECT);

        assertThat(s.files()).extracting(ContextFile::getPath)
                .containsExactly("slug.py", "test_slug.py", "test_dates.py", "slug.pyi", "util/text.py", "README.md", "util/dates.py");
        assertThat(s.files()).extracting(ContextFile::getReason).containsExactly(InclusionReason.NAMED_BY_TASK,
                InclusionReason.EXISTING_TEST, InclusionReason.EXISTING_TEST, InclusionReason.TYPE_DEFINITION,
                InclusionReason.RELEVANT, InclusionReason.RELEVANT, InclusionReason.RELEVANT);
        assertThat(s.files().get(1).getScore()).as("test of the named code").isEqualTo(1.0);
        assertThat(s.files().get(4).getScore()).as("shares task terms").isGreaterThan(s.files().get(6).getScore());
        assertThat(s.omittedPaths()).isEmpty();
        assertThat(s.files()).noneMatch(ContextFile::getOutlineOnly);
    }

    @Test
    void filesMentionedInTheTaskTextAreNamedEvenWithoutTargets() {
        ContextSelector.Selection s = selector.select(request("Fix the bug in util/dates.py; see README.md.", List.of(), 8000), PROJECT);

        assertThat(s.files()).filteredOn(f -> f.getReason() == InclusionReason.NAMED_BY_TASK)
                .extracting(ContextFile::getPath).containsExactlyInAnyOrder("util/dates.py", "README.md");
    }

    @Test
    void aFileNameMustAppearAsAWholeWordToCountAsNamed() {
        assertThat(ContextSelector.namedPaths(request("Rewrite myslug.py", List.of(), 8000), PROJECT)).isEmpty();
        assertThat(ContextSelector.namedPaths(request("Rewrite slug.py.", List.of(), 8000), PROJECT)).containsExactly("slug.py");
    }

    @Test
    void reducesAFileToItsOutlineWhenOnlyThatFits() {
        String big = IntStream.range(0, 60).mapToObj(i -> "def helper_" + i + "(value):\n    total = value * " + i
                + "\n    for step in range(10):\n        total += step\n    return total\n").reduce("", String::concat);
        List<SourceFile> files = List.of(file("helpers.py", big));
        AssayRequest req = valid().setTask("Use helpers.py").setTargetPaths(List.of()).setFiles(files).setTokenBudget(900).build();

        ContextSelector.Selection s = selector.select(req, files);

        assertThat(s.files()).singleElement().satisfies(f -> {
            assertThat(f.getOutlineOnly()).isTrue();
            assertThat(f.getContent()).contains("def helper_0(value):", "def helper_59(value):").doesNotContain("total +=");
            assertThat(f.getTokens()).isEqualTo(tokens.count(f.getContent()) + tokens.count("helpers.py") + ContextSelector.FRAMING_TOKENS);
        });
        assertThat(s.totalTokens()).isLessThanOrEqualTo(900);
    }

    @Test
    void omitsFilesWithoutAnOutlineThatDoNotFitButKeepsSmallerOnes() {
        String prose = "lorem ipsum dolor sit amet ".repeat(400);
        List<SourceFile> files = List.of(file("a_notes.md", prose), file("b.py", "x = 1\n"));
        AssayRequest req = valid().setTask("Write c.py").setTargetPaths(List.of()).setFiles(files).setTokenBudget(300).build();

        ContextSelector.Selection s = selector.select(req, files);

        assertThat(s.omittedPaths()).containsExactly("a_notes.md");
        assertThat(s.files()).extracting(ContextFile::getPath).containsExactly("b.py");
    }

    @Test
    void takesRepositoryTestsThatUseTheNamedCodeAndRanksOtherTestsAfterCode() {
        List<SourceFile> repo = RepositoryMapTest.PYTHON;
        AssayRequest req = valid().setTask("Give shop/cart.py a discount").setTargetPaths(List.of()).setFiles(List.of())
                .setTokenBudget(8000).build();
        List<SourceFile> withOtherTest = new ArrayList<>(repo);
        withOtherTest.add(file("tests/test_banner.py", "from shop.banner import banner\n\ndef test_banner():\n    assert banner()\n"));

        ContextSelector.Selection s = selector.select(req, withOtherTest);

        assertThat(s.files()).extracting(ContextFile::getPath, ContextFile::getReason).startsWith(
                tuple("shop/cart.py", InclusionReason.NAMED_BY_TASK),
                tuple("tests/test_cart.py", InclusionReason.EXISTING_TEST));
        assertThat(s.files().getLast()).satisfies(f -> {
            assertThat(f.getPath()).isEqualTo("tests/test_banner.py");
            assertThat(f.getReason()).isEqualTo(InclusionReason.RELEVANT);
        });
    }

    @Test
    void findsTheTypesTheNamedCodeUsesThroughTheGraph() {
        AssayRequest req = valid().setTask("Make Gson.java skip excluded fields").setTargetPaths(List.of()).setFiles(List.of())
                .setTokenBudget(8000).build();

        ContextSelector.Selection s = selector.select(req, RepositoryMapTest.JAVA);

        assertThat(s.files()).filteredOn(f -> f.getReason() == InclusionReason.TYPE_DEFINITION).extracting(ContextFile::getPath)
                .containsExactly("src/main/java/com/acme/internal/Excluder.java");
        assertThat(s.files()).filteredOn(f -> f.getPath().endsWith("JsonWriter.java")).extracting(ContextFile::getReason)
                .containsExactly(InclusionReason.RELEVANT);
    }

    @Test
    void fillsHalfTheBudgetWithWholeFilesAndTheRestWithOutlinesBestFirst() {
        List<SourceFile> files = IntStream.range(0, 12).mapToObj(i -> file("pkg/mod" + i + ".py", IntStream.range(0, 30)
                .mapToObj(j -> "def refund_" + i + "_" + j + "(order):\n    total = order.amount * " + j + "\n    return total\n")
                .reduce("", String::concat))).toList();
        AssayRequest req = valid().setTask("Refund orders").setTargetPaths(List.of()).setFiles(List.of()).setTokenBudget(4000).build();

        ContextSelector.Selection s = selector.select(req, files);

        int whole = s.files().stream().filter(f -> !f.getOutlineOnly()).mapToInt(ContextFile::getTokens).sum();
        assertThat(whole).isLessThanOrEqualTo(2000 + s.files().stream().filter(f -> !f.getOutlineOnly()).mapToInt(ContextFile::getTokens).max().orElse(0));
        assertThat(s.files()).filteredOn(ContextFile::getOutlineOnly).isNotEmpty()
                .allSatisfy(f -> assertThat(f.getContent()).contains("def refund_").doesNotContain("total ="));
        assertThat(s.files().size()).as("outlines let more files in than whole files would").isGreaterThan(4);
        assertThat(s.totalTokens()).isLessThanOrEqualTo(4000);
    }

    @ParameterizedTest
    @ValueSource(ints = {256, 400, 700, 1200, 3000})
    void neverExceedsTheBudget(int budget) {
        Random random = new Random(budget);
        List<SourceFile> files = IntStream.range(0, 25).mapToObj(i -> file("mod" + i + ".py",
                IntStream.range(0, 1 + random.nextInt(40)).mapToObj(j -> "def f" + j + "(x):\n    return x + " + random.nextInt() + "\n")
                        .reduce("", String::concat))).toList();
        AssayRequest req = valid().setTask("Implement mod3 and mod7 functions").setTargetPaths(List.of("mod3.py"))
                .setFiles(files).setTokenBudget(budget).build();

        ContextSelector.Selection s = selector.select(req, files);

        int sum = s.files().stream().mapToInt(ContextFile::getTokens).sum();
        assertThat(s.totalTokens()).isEqualTo(sum + tokens.count(req.getTask())).isLessThanOrEqualTo(budget);
        assertThat(s.files().size() + s.omittedPaths().size()).isEqualTo(files.size());
        assertThat(s.files()).allSatisfy(f -> assertThat(f.getTokens())
                .isEqualTo(tokens.count(f.getContent()) + tokens.count(f.getPath()) + ContextSelector.FRAMING_TOKENS));
    }
}
