package dev.assay.assembler;

import static dev.assay.assembler.Requests.file;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.assay.avro.SourceFile;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The map and its ranking on small repositories in three languages, built here. */
class RepositoryMapTest {
    private final RepositoryMaps maps = new RepositoryMaps(new Bm25Scorer(), 4, 100);

    static final List<SourceFile> PYTHON = List.of(
            file("shop/cart.py", "from shop.pricing import price_of\n\nclass Cart:\n    def total(self):\n"
                    + "        return sum(price_of(i) for i in self.items)\n"),
            file("shop/pricing.py", "from shop.money import Money\n\ndef price_of(item) -> Money:\n    return Money(item.cents)\n"),
            file("shop/money.py", "class Money:\n    def __init__(self, cents):\n        self.cents = cents\n"),
            file("shop/banner.py", "def banner():\n    return 'hello'\n"),
            file("tests/test_cart.py", "from shop.cart import Cart\n\ndef test_total():\n    assert Cart().total() == 0\n"));

    static final List<SourceFile> JAVASCRIPT = List.of(
            file("lib/runner.js", "const utils = require('./utils');\nclass Runner extends Base {\n  run(fn) {\n    return utils.slow(fn);\n  }\n}\n"
                    + "module.exports = Runner;\n"),
            file("lib/utils.js", "exports.slow = function slow(fn) {\n  return fn;\n};\nconst LIMIT = 3;\n"),
            file("lib/base.js", "class Base {}\nmodule.exports = Base;\n"),
            file("test/runner.spec.js", "const Runner = require('../lib/runner');\ndescribe('Runner', () => {\n"
                    + "  it('runs', () => new Runner().run());\n});\n"));

    static final List<SourceFile> JAVA = List.of(
            file("src/main/java/com/acme/Gson.java", "package com.acme;\n\nimport com.acme.internal.Excluder;\n\n"
                    + "/** The facade. */\npublic final class Gson {\n  private final Excluder excluder = null;\n\n"
                    + "  public <T> T fromJson(String json, Class<T> type) {\n    return null;\n  }\n}\n"),
            file("src/main/java/com/acme/internal/Excluder.java",
                    "package com.acme.internal;\n\npublic interface Excluder {\n  boolean excludes(Class<?> c);\n}\n"),
            file("src/main/java/com/acme/JsonWriter.java", "package com.acme;\n\npublic class JsonWriter {\n  void flush() {}\n}\n"),
            file("src/test/java/com/acme/GsonTest.java",
                    "package com.acme;\n\nclass GsonTest {\n  void parses() {\n    new Gson().fromJson(\"1\", Integer.class);\n  }\n}\n"));

    @Test
    void readsPythonDefinitionsReferencesAndImportsWithTreeSitter() {
        RepositoryMap map = maps.of(PYTHON);
        FileSymbols cart = map.symbols(id(map, "shop/cart.py"));

        assertThat(map.parsedFiles()).isEqualTo(PYTHON.size());
        assertThat(cart.definitions()).extracting(FileSymbols.Definition::name, FileSymbols.Definition::kind, FileSymbols.Definition::depth)
                .containsExactly(tuple("Cart", FileSymbols.Kind.TYPE, 0),
                        tuple("total", FileSymbols.Kind.FUNCTION, 1));
        assertThat(cart.references()).containsEntry("price_of", 2);
        assertThat(cart.imports()).contains("shop.pricing.price_of", "shop.pricing");
        assertThat(map.symbols(id(map, "shop/pricing.py")).typeReferences()).contains("Money");
        assertThat(map.outline(id(map, "shop/cart.py"))).hasValueSatisfying(o -> assertThat(o)
                .contains("class Cart:\n    def total(self):\n").doesNotContain("sum("));
    }

    @Test
    void readsJavaScriptDefinitionsAndRequires() {
        RepositoryMap map = maps.of(JAVASCRIPT);
        FileSymbols runner = map.symbols(id(map, "lib/runner.js"));

        assertThat(runner.definedTypes()).containsExactly("Runner");
        assertThat(runner.definitions()).anySatisfy(d -> {
            assertThat(d.name()).isEqualTo("run");
            assertThat(d.depth()).isEqualTo(1);
            assertThat(d.signature()).isEqualTo("run(fn)");
        });
        assertThat(runner.imports()).containsExactly("./utils");
        assertThat(runner.typeReferences()).contains("Base");
        assertThat(map.symbols(id(map, "lib/utils.js")).definedNames()).containsExactlyInAnyOrder("slow", "LIMIT");
    }

    @Test
    void readsJavaWithJavaParserAndOutlinesSignaturesOnly() {
        RepositoryMap map = maps.of(JAVA);

        assertThat(map.outline(id(map, "src/main/java/com/acme/Gson.java"))).hasValueSatisfying(o -> assertThat(o).isEqualTo(
                "// outline only: signatures, bodies elided to fit the token budget\n"
                        + "public final class Gson\n    private final Excluder excluder;\n"
                        + "    public <T> T fromJson(String json, Class<T> type) { … }\n"));
        assertThat(map.symbols(id(map, "src/main/java/com/acme/internal/Excluder.java")).definitions())
                .extracting(FileSymbols.Definition::signature).containsExactly("public interface Excluder", "boolean excludes(Class<?> c);");
    }

    @Test
    void linksTestsToTheCodeTheyUseAndTypesToTheCodeUsingThem() {
        RepositoryMap py = maps.of(PYTHON);
        assertThat(py.testsOf(Set.of(id(py, "shop/cart.py")))).containsOnlyKeys(id(py, "tests/test_cart.py"));
        assertThat(py.testsOf(Set.of(id(py, "shop/banner.py")))).isEmpty();
        assertThat(py.typesUsedBy(Set.of(id(py, "shop/pricing.py")))).containsOnlyKeys(id(py, "shop/money.py"));

        RepositoryMap js = maps.of(JAVASCRIPT);
        assertThat(js.testsOf(Set.of(id(js, "lib/runner.js")))).containsOnlyKeys(id(js, "test/runner.spec.js"));
        assertThat(js.typesUsedBy(Set.of(id(js, "lib/runner.js")))).containsOnlyKeys(id(js, "lib/base.js"));

        RepositoryMap java = maps.of(JAVA);
        assertThat(java.testsOf(Set.of(id(java, "src/main/java/com/acme/Gson.java"))))
                .containsOnlyKeys(id(java, "src/test/java/com/acme/GsonTest.java"));
        assertThat(java.typesUsedBy(Set.of(id(java, "src/main/java/com/acme/Gson.java"))))
                .containsOnlyKeys(id(java, "src/main/java/com/acme/internal/Excluder.java"));
    }

    @Test
    void ranksTheDefinitionOfAnIdentifierTheTaskNamesFirstAndItsCallersAboveUnrelatedCode() {
        RepositoryMap map = maps.of(PYTHON);

        double[] rank = map.rank("Make `price_of` round to whole cents", Set.of());

        assertThat(best(map, rank)).isEqualTo("shop/pricing.py");
        assertThat(rank[id(map, "shop/cart.py")]).as("a caller, reached through the graph").isGreaterThan(rank[id(map, "shop/banner.py")]);
        assertThat(rank[id(map, "shop/money.py")]).as("a type it uses").isGreaterThan(rank[id(map, "shop/banner.py")]);
    }

    @Test
    void ranksTheClassACapitalisedWordNames() {
        RepositoryMap map = maps.of(JAVA);

        assertThat(best(map, map.rank("Gson should not fail on an empty document", Set.of()))).isEqualTo("src/main/java/com/acme/Gson.java");
    }

    @Test
    void seedsFilesContainingAQuotedMessageVerbatim() {
        List<SourceFile> files = List.of(file("a.py", "def check(x):\n    raise ValueError('amount must be positive')\n"),
                file("b.py", "def amount(x):\n    return x\n"));
        RepositoryMap map = maps.of(files);

        assertThat(best(map, map.rank("Fix \"amount must be positive\" raised for zero", Set.of()))).isEqualTo("a.py");
    }

    @Test
    void aFileTheParserCannotTakeIsRankedLexicallyAndTheRestStillParsed() {
        String oversized = "x = 1\n".repeat(TreeSitterSymbols.MAX_PARSE_BYTES / 6 + 1) + "def refund():\n    pass\n";
        String deeplyNested = "class Deep {\n  int x = " + "(".repeat(20_000) + "1" + ")".repeat(20_000) + ";\n}\n";
        List<SourceFile> files = List.of(file("big.py", oversized), file("Deep.java", deeplyNested),
                file("broken.js", "function ( {{{ \u0000 ]]]"), file("ok.py", "def charge():\n    pass\n"));

        RepositoryMap map = maps.of(files);

        assertThat(map.parsedFiles()).as("ok.py and the error-tolerant broken.js").isEqualTo(2);
        assertThat(map.symbols(id(map, "big.py")).isEmpty()).isTrue();
        assertThat(map.symbols(id(map, "ok.py")).definedNames()).containsExactly("charge");
        assertThat(best(map, map.rank("refund the payment", Set.of()))).isEqualTo("big.py");
    }

    @Test
    void keepsOneMapPerSnapshotAndBuildsANewOneWhenAFileChanges() {
        RepositoryMap first = maps.of(PYTHON);

        assertThat(maps.of(List.copyOf(PYTHON))).isSameAs(first);
        List<SourceFile> changed = IntStream.range(0, PYTHON.size())
                .mapToObj(i -> i == 0 ? file("shop/cart.py", PYTHON.get(0).getContent() + "\n# changed\n") : PYTHON.get(i)).toList();
        assertThat(maps.of(changed)).isNotSameAs(first);
    }

    static int id(RepositoryMap map, String path) {
        return map.id(path).orElseThrow();
    }

    private static String best(RepositoryMap map, double[] rank) {
        return IntStream.range(0, map.size()).boxed().max(Comparator.comparingDouble(i -> rank[i])).map(i -> map.file(i).getPath()).orElseThrow();
    }
}
