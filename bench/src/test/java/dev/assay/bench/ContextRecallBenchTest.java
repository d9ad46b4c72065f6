package dev.assay.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.assembler.AssemblerConfig;
import dev.assay.assembler.ContextSelector;
import dev.assay.assembler.RepositoryLimits;
import dev.assay.assembler.TokenCounter;
import dev.assay.avro.ContextFile;
import dev.assay.avro.InclusionReason;
import dev.assay.avro.Language;
import dev.assay.avro.SourceFile;
import dev.assay.runtime.AssayConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The context-recall bench's scoring on a tiny synthetic repository and task set. */
class ContextRecallBenchTest {

    @Test
    void scoresRecallAsGoldFilesSelectedWholeOrAsOutline() {
        ContextRecallBench.Task task = new ContextRecallBench.Task("o/r", Language.PYTHON, "abc", "t", List.of("a.py", "b.py", "c.py"));
        List<ContextFile> files = List.of(contextFile("a.py", false), contextFile("b.py", true), contextFile("tests/test_a.py", false));

        ContextRecallBench.Selected s = ContextRecallBench.score(task, 8000, files, 700, 1.5);

        assertThat(s.recall()).isEqualTo(2.0 / 3);
        assertThat(s.allGold()).isFalse();
        assertThat(s.goldWhole()).isEqualTo(1);
    }

    @Test
    void referenceRanksByTheReadmesBm25AndSplitsIdentifiers() {
        var pool = List.of(source("pkg/cookies.py", "def parse_cookie(header):\n    cookie = header or empty\n    return cookie\n"),
                source("pkg/other.py", "def run():\n    pass\n"), source("pkg/sessions.py", "from pkg.cookies import parse_cookie\n"));

        assertThat(ContextRecallReference.topK("Fix parseCookie for empty cookie headers", pool, 2))
                .containsExactly("pkg/cookies.py", "pkg/sessions.py");
        assertThat(ContextRecallReference.tokens("parseCookie x_y 42 the HTTPServer"))
                .containsExactly("parsecookie", "parse", "cookie", "httpserver", "http", "server");
    }

    @Test
    void runsTasksOnTheTreeAtTheirBaseAndReportsEveryBudget(@TempDir Path dir) throws Exception {
        Path repo = dir.resolve("acme/shop");
        String base;
        try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
            write(repo, "shop/pricing.py", "from shop.money import Money\n\ndef price_of(item) -> Money:\n    return Money(item.cents)\n");
            write(repo, "shop/money.py", "class Money:\n    def __init__(self, cents):\n        self.cents = cents\n");
            write(repo, "shop/banner.py", "def banner():\n    return 'hello'\n");
            write(repo, "tests/test_pricing.py", "from shop.pricing import price_of\n\ndef test_price():\n    assert price_of(1)\n");
            git.add().addFilepattern(".").call();
            base = git.commit().setMessage("base").setSign(false).setAuthor("a", "a@example.com").call().getName();
            write(repo, "shop/pricing.py", "def price_of(item):\n    return round(item.cents)\n");
            write(repo, "shop/answer_only_later.py", "x = 1\n");
            git.add().addFilepattern(".").call();
            git.commit().setMessage("Round `price_of` to whole cents").setSign(false).setAuthor("a", "a@example.com").call();

            Path tasks = dir.resolve("tasks.jsonl");
            Files.writeString(tasks, "{\"repo\": \"acme/shop\", \"language\": \"PYTHON\", \"commit\": \"ignored\", \"base\": \"" + base
                    + "\", \"task\": \"Round `price_of` to whole cents\", \"gold_files\": [\"shop/pricing.py\", \"shop/money.py\"], "
                    + "\"test_files\": [\"tests/test_pricing.py\"], \"subject\": \"Round\"}\n");
            ContextRecallBench.Task task = ContextRecallBench.load(tasks).getFirst();
            assertThat(task.gold()).containsExactly("shop/pricing.py", "shop/money.py");
            assertThat(task.multiFile()).isTrue();

            AssayConfig defaults = AssayConfig.of(Map.of());
            ContextRecallBench bench = new ContextRecallBench(
                    new ContextSelector(TokenCounter.cl100k(), AssemblerConfig.from(defaults).relevanceScorer()),
                    RepositoryLimits.from(defaults), List.of(300, 8000));
            ContextRecallBench.TaskRun run = bench.run(git.getRepository(), task);

            assertThat(run.filesRead()).as("the tree at base, not the later commit").isEqualTo(4);
            assertThat(run.selections()).extracting(ContextRecallBench.Selected::budget).containsExactly(300, 8000);
            assertThat(run.selections().get(1).recall()).isEqualTo(1.0);
            assertThat(run.selections().get(0).tokens()).isLessThanOrEqualTo(300);
            assertThat(run.reference().goldInTopK()).isEqualTo(2);

            ByteArrayOutputStream text = new ByteArrayOutputStream();
            ContextRecallBench.report(new PrintStream(text, true, StandardCharsets.UTF_8), List.of(run), List.of(300, 8000));
            assertThat(text.toString(StandardCharsets.UTF_8))
                    .contains("| acme/shop | 8k | 1 | 1.000 | 1.000 | 1.000 (1) |")
                    .contains("acme/shop: 4 files read per tree");
        }
    }

    private static ContextFile contextFile(String path, boolean outline) {
        return ContextFile.newBuilder().setPath(path).setContent("").setReason(InclusionReason.RELEVANT).setScore(0).setTokens(1)
                .setOutlineOnly(outline).build();
    }

    private static SourceFile source(String path, String content) {
        return SourceFile.newBuilder().setPath(path).setContent(content).build();
    }

    private static void write(Path root, String path, String content) throws Exception {
        Files.createDirectories(root.resolve(path).getParent());
        Files.writeString(root.resolve(path), content);
    }
}
