package dev.assay.executor.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.assay.executor.analysis.Analysis.Evidence;
import dev.assay.executor.analysis.Analysis.Expectation;
import dev.assay.executor.analysis.Analysis.TrustedTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Sealed assertions: shapes, constant evaluation, the in-place rewrite and evidence (harness/PROTOCOL.md "Sealing"). */
class JavaAnalyzerSealingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PATH = "com/acme/CalcTest.java";
    private final JavaAnalyzer analyzer = new JavaAnalyzer();

    private Analysis analyze(String test) {
        return analyzer.analyze(Map.of(PATH, test), Map.of("com/acme/Calc.java", "package com.acme; public class Calc { }"), List.of());
    }

    /** A JUnit 5 test class with static-wildcard-imported assertions around {@code body}. */
    private static String jupiter(String body) {
        return """
                package com.acme;

                import static org.junit.jupiter.api.Assertions.*;
                import java.util.*;
                import org.junit.jupiter.api.*;

                class CalcTest {
                    Calc s = new Calc();

                    @Test void t() {
                %s
                    }
                }
                """.formatted(body.indent(8).stripTrailing());
    }

    /** The expected value without the boxed-type hints of its numbers (checked on their own below). */
    private static JsonNode plain(JsonNode value) {
        JsonNode copy = value.deepCopy();
        strip(copy);
        return copy;
    }

    private static void strip(JsonNode node) {
        if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode object) {
            object.remove("java");
        }
        node.forEach(JavaAnalyzerSealingTest::strip);
    }

    @Test
    void numbersCarryTheirBoxedTypeForComparisonsInsideCollections() {
        assertThat(sealed("assertEquals(List.of(1L, 2), s.values());").expected().toString())
                .isEqualTo("{\"t\":\"list\",\"v\":[{\"t\":\"int\",\"v\":\"1\",\"java\":\"Long\"},{\"t\":\"int\",\"v\":\"2\",\"java\":\"Integer\"}]}");
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Expectation only(Analysis a) {
        assertThat(a.expectations()).as("expectations of %s", a).hasSize(1);
        return a.expectations().values().iterator().next();
    }

    private Expectation sealed(String assertion) {
        return only(analyze(jupiter(assertion)));
    }

    private void notSealed(String body) {
        Analysis a = analyze(jupiter(body));
        assertThat(a.expectations()).as(body).isEmpty();
        assertThat(a.tests()).singleElement().satisfies(t -> assertThat(t.evidence()).isEqualTo(Evidence.IN_PROCESS));
    }

    @Test
    void assertEqualsWithAConstantBecomesAProbeOnTheSameLine() {
        Analysis a = analyze(jupiter("assertEquals(3, s.add(1, 2));"));
        Expectation e = only(a);
        assertThat(e.kind()).isEqualTo("java.equals");
        assertThat(plain(e.expected())).isEqualTo(json("{\"t\":\"int\",\"v\":\"3\"}"));
        assertThat(e.tolerance()).isNull();
        assertThat(e.path()).isEqualTo(PATH);
        assertThat(e.line()).isEqualTo(11);
        assertThat(e.source()).isEqualTo("assertEquals(3, s.add(1, 2));");
        int id = a.expectations().keySet().iterator().next();
        assertThat(id).isEqualTo(1);
        String rewritten = a.rewrittenFiles().get(PATH);
        assertThat(rewritten.lines().toList().get(10)).isEqualTo("        dev.assay.harness.Probe.record(1, s.add(1, 2));");
        assertThat(a.tests()).singleElement().satisfies(t -> {
            assertThat(t.evidence()).isEqualTo(Evidence.SEALED);
            assertThat(t.probes()).containsExactly(1);
        });
    }

    @Test
    void everyShapeHasItsKind() {
        assertThat(sealed("assertEquals(2.5, s.half(5), 1e-9);")).satisfies(e -> {
            assertThat(e.kind()).isEqualTo("java.delta");
            assertThat(plain(e.expected())).isEqualTo(json("{\"t\":\"float\",\"v\":\"2.5\"}"));
            assertThat(e.tolerance()).isEqualTo(json("{\"abs\":1e-9}"));
        });
        assertThat(sealed("assertEquals(2.5, s.half(5), 0.01, \"half\");").tolerance()).isEqualTo(json("{\"abs\":0.01}"));
        assertThat(sealed("assertEquals(3, s.add(1, 2), \"sum\");").kind()).isEqualTo("java.equals");
        assertThat(sealed("assertEquals(3, s.add(1, 2), () -> \"sum\");").kind()).isEqualTo("java.equals");
        assertThat(sealed("assertNotEquals(0, s.add(1, 2));").kind()).isEqualTo("java.notEquals");
        assertThat(sealed("assertTrue(s.positive(1));")).satisfies(e -> {
            assertThat(e.kind()).isEqualTo("java.true");
            assertThat(e.expected()).isNull();
        });
        assertThat(sealed("assertFalse(s.positive(-1), \"negative\");").kind()).isEqualTo("java.false");
        assertThat(sealed("assertNull(s.find(\"x\"));").kind()).isEqualTo("java.null");
        assertThat(sealed("assertNotNull(s.find(\"y\"));").kind()).isEqualTo("java.notNull");
        assertThat(sealed("assertArrayEquals(new int[] {1, 2}, s.pair());")).satisfies(e -> {
            assertThat(e.kind()).isEqualTo("java.arrayEquals");
            assertThat(plain(e.expected())).isEqualTo(json("{\"t\":\"array\",\"v\":[{\"t\":\"int\",\"v\":\"1\"},{\"t\":\"int\",\"v\":\"2\"}]}"));
        });
        assertThat(sealed("assertArrayEquals(new double[] {1, 2}, s.halves(), 1e-6);").tolerance()).isEqualTo(json("{\"abs\":1e-6}"));
        // The constant on the right (the arguments swapped) still seals.
        assertThat(plain(sealed("assertEquals(s.add(1, 2), 3);").expected())).isEqualTo(json("{\"t\":\"int\",\"v\":\"3\"}"));
    }

    @Test
    void importStylesAllCount() {
        String qualified = """
                package com.acme;
                import org.junit.jupiter.api.Assertions;
                class CalcTest {
                    @org.junit.jupiter.api.Test void t() {
                        Assertions.assertEquals(1, new Calc().one());
                        org.junit.jupiter.api.Assertions.assertTrue(new Calc().yes());
                    }
                }
                """;
        assertThat(analyze(qualified).expectations()).hasSize(2);
        String single = """
                package com.acme;
                import static org.junit.jupiter.api.Assertions.assertEquals;
                class CalcTest {
                    @org.junit.jupiter.api.Test void t() { assertEquals("a", new Calc().letter()); }
                }
                """;
        assertThat(plain(only(analyze(single)).expected())).isEqualTo(json("{\"t\":\"str\",\"v\":\"a\"}"));
        String junit4 = """
                package com.acme;
                import static org.junit.Assert.*;
                import org.junit.Test;
                public class CalcTest {
                    @Test public void t() {
                        assertEquals("sum", 3, new Calc().add(1, 2));
                        assertEquals(0.5, new Calc().half(1), 1e-9);
                        assertEquals("half", 0.5, new Calc().half(1), 1e-9);
                        assertTrue("yes", new Calc().yes());
                        org.junit.Assert.assertNull(new Calc().none());
                    }
                }
                """;
        Analysis a = analyze(junit4);
        assertThat(a.expectations().values()).extracting(Expectation::kind)
                .containsExactlyInAnyOrder("java.equals", "java.delta", "java.delta", "java.true", "java.null");
        assertThat(a.tests()).singleElement().satisfies(t -> assertThat(t.evidence()).isEqualTo(Evidence.SEALED));
        // JUnit 4's assertEquals(double, double) without a delta always fails in-process: sealing it would change that.
        Analysis noDelta = analyze(junit4.replace("assertEquals(0.5, new Calc().half(1), 1e-9);", "assertEquals(0.5, new Calc().half(1));"));
        assertThat(noDelta.expectations()).hasSize(4);
        assertThat(noDelta.tests()).singleElement().satisfies(t -> assertThat(t.evidence()).isEqualTo(Evidence.IN_PROCESS));
    }

    @Test
    void constantExpressionsAreEvaluatedLikeJava() {
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("'x'", "{\"t\":\"char\",\"v\":\"x\"}");
        cases.put("'\\n'", "{\"t\":\"char\",\"v\":\"\\n\"}");
        cases.put("10_000_000_000L", "{\"t\":\"int\",\"v\":\"10000000000\"}");
        cases.put("0xFF", "{\"t\":\"int\",\"v\":\"255\"}");
        cases.put("0xFFFFFFFF", "{\"t\":\"int\",\"v\":\"-1\"}");
        cases.put("0b1010", "{\"t\":\"int\",\"v\":\"10\"}");
        cases.put("017", "{\"t\":\"int\",\"v\":\"15\"}");
        cases.put("-2147483648", "{\"t\":\"int\",\"v\":\"-2147483648\"}");
        cases.put("-9223372036854775808L", "{\"t\":\"int\",\"v\":\"-9223372036854775808\"}");
        cases.put("Integer.MAX_VALUE + 1", "{\"t\":\"int\",\"v\":\"-2147483648\"}");
        cases.put("1.5f", "{\"t\":\"float\",\"v\":\"1.5\"}");
        cases.put("0.1f", "{\"t\":\"float\",\"v\":\"" + (double) 0.1f + "\"}");
        cases.put("1e3", "{\"t\":\"float\",\"v\":\"1000.0\"}");
        cases.put("2d", "{\"t\":\"float\",\"v\":\"2.0\"}");
        cases.put("-0.0", "{\"t\":\"float\",\"v\":\"-0.0\"}");
        cases.put("Double.NaN", "{\"t\":\"float\",\"v\":\"nan\"}");
        cases.put("1.0 / 0", "{\"t\":\"float\",\"v\":\"inf\"}");
        cases.put("Math.PI", "{\"t\":\"float\",\"v\":\"" + Math.PI + "\"}");
        cases.put("7 / 2", "{\"t\":\"int\",\"v\":\"3\"}");
        cases.put("'a' + 1", "{\"t\":\"int\",\"v\":\"98\"}");
        cases.put("(char) ('a' + 1)", "{\"t\":\"char\",\"v\":\"b\"}");
        cases.put("(long) 3.9", "{\"t\":\"int\",\"v\":\"3\"}");
        cases.put("\"a\" + 1 + 'b' + 1.5f + true + null", "{\"t\":\"str\",\"v\":\"a1b1.5truenull\"}");
        cases.put("1 + 2 + \"x\"", "{\"t\":\"str\",\"v\":\"3x\"}");
        cases.put("\"\"\"\n    one\n      two\n    \"\"\"", "{\"t\":\"str\",\"v\":\"one\\n  two\\n\"}");
        cases.put("\"tab\\there\"", "{\"t\":\"str\",\"v\":\"tab\\there\"}");
        cases.put("null", "{\"t\":\"null\"}");
        cases.put("true ? 1 : 2", "{\"t\":\"int\",\"v\":\"1\"}");
        cases.put("List.of(1, 2)", "{\"t\":\"list\",\"v\":[{\"t\":\"int\",\"v\":\"1\"},{\"t\":\"int\",\"v\":\"2\"}]}");
        cases.put("Arrays.asList(\"a\", null)", "{\"t\":\"list\",\"v\":[{\"t\":\"str\",\"v\":\"a\"},{\"t\":\"null\"}]}");
        cases.put("Set.of(1)", "{\"t\":\"set\",\"v\":[{\"t\":\"int\",\"v\":\"1\"}]}");
        cases.put("Map.of(\"a\", 1)", "{\"t\":\"map\",\"v\":[[{\"t\":\"str\",\"v\":\"a\"},{\"t\":\"int\",\"v\":\"1\"}]]}");
        cases.put("Map.ofEntries(Map.entry(1, List.of()))", "{\"t\":\"map\",\"v\":[[{\"t\":\"int\",\"v\":\"1\"},{\"t\":\"list\",\"v\":[]}]]}");
        cases.put("Collections.emptyList()", "{\"t\":\"list\",\"v\":[]}");
        cases.put("Collections.emptyMap()", "{\"t\":\"map\",\"v\":[]}");
        cases.put("java.util.Collections.emptySet()", "{\"t\":\"set\",\"v\":[]}");
        cases.put("List.of(List.of('a'), List.of())", "{\"t\":\"list\",\"v\":[{\"t\":\"list\",\"v\":[{\"t\":\"char\",\"v\":\"a\"}]},{\"t\":\"list\",\"v\":[]}]}");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Expectation e = sealed("assertEquals(" + c.getKey() + ", s.value());");
            assertThat(plain(e.expected())).as(c.getKey()).isEqualTo(json(c.getValue()));
        }
        assertThat(plain(sealed("assertArrayEquals(new long[] {1, 'a'}, s.longs());").expected()))
                .isEqualTo(json("{\"t\":\"array\",\"v\":[{\"t\":\"int\",\"v\":\"1\"},{\"t\":\"int\",\"v\":\"97\"}]}"));
        assertThat(plain(sealed("assertArrayEquals(new double[] {1}, s.doubles());").expected()))
                .isEqualTo(json("{\"t\":\"array\",\"v\":[{\"t\":\"float\",\"v\":\"1.0\"}]}"));
        assertThat(plain(sealed("assertArrayEquals(new String[][] {{\"a\"}, {}}, s.grid());").expected()))
                .isEqualTo(json("{\"t\":\"array\",\"v\":[{\"t\":\"array\",\"v\":[{\"t\":\"str\",\"v\":\"a\"}]},{\"t\":\"array\",\"v\":[]}]}"));
    }

    @Test
    void namesBoundToConstantsCount() {
        Analysis a = analyze("""
                package com.acme;

                import static org.junit.jupiter.api.Assertions.*;
                import java.util.List;
                import org.junit.jupiter.api.*;

                class CalcTest {
                    static final int BASE = 40;
                    static final long ANSWER = BASE + 2;
                    static final String NAME = "calc-" + ANSWER;
                    static final List<String> NAMES = List.of(NAME);
                    static final double HALF = 1;

                    @Test void t() {
                        int local = 7;
                        var text = "v" + local;
                        assertEquals(ANSWER, new Calc().answer());
                        assertEquals(CalcTest.NAME, new Calc().name());
                        assertEquals(NAMES, new Calc().names());
                        assertEquals(local, new Calc().seven());
                        assertEquals(text, new Calc().text());
                        assertEquals(HALF, new Calc().half(), 1e-9);
                    }
                }
                """);
        assertThat(new java.util.TreeMap<>(a.expectations()).values()).extracting(e -> plain(e.expected()).toString()).containsExactly(
                "{\"t\":\"int\",\"v\":\"42\"}", "{\"t\":\"str\",\"v\":\"calc-42\"}", "{\"t\":\"list\",\"v\":[{\"t\":\"str\",\"v\":\"calc-42\"}]}",
                "{\"t\":\"int\",\"v\":\"7\"}", "{\"t\":\"str\",\"v\":\"v7\"}", "{\"t\":\"float\",\"v\":\"1.0\"}");
    }

    @Test
    void whatIsNotConstantStaysInProcess() {
        notSealed("assertEquals(s.add(1, 2), s.add(2, 1));");
        notSealed("assertEquals(Calc.THREE, s.add(1, 2));");
        notSealed("assertEquals(Integer.valueOf(3), s.add(1, 2));");
        notSealed("int x = 3;\nx++;\nassertEquals(x, s.add(1, 2));");
        notSealed("assertEquals(new int[] {1}, s.pair());");
        notSealed("assertEquals(List.of(new int[] {1}), s.pairs());");
        notSealed("assertEquals(Set.of(1, 1), s.set());");
        notSealed("assertEquals(List.of(1, null), s.list());");
        notSealed("assertEquals(1 / 0, s.value());");
        notSealed("assertTrue(() -> s.positive(1));");
        notSealed("String msg = s.name();\nassertEquals(3, s.add(1, 2), msg);");
        Analysis a = analyze("""
                package com.acme;
                import static org.junit.jupiter.api.Assertions.*;
                class CalcTest {
                    static int mutable = 3;
                    static final int[] ARRAY = {1};
                    @org.junit.jupiter.api.Test void t(int param) {
                        assertEquals(mutable, new Calc().three());
                        assertArrayEquals(ARRAY, new Calc().pair());
                        assertEquals(param, new Calc().three());
                    }
                }
                """);
        assertThat(a.expectations()).isEmpty();
    }

    @Test
    void onlyUnconditionalAssertionsAreSealedAndAnyOtherAssertionMakesItInProcess() {
        Analysis a = analyze("""
                package com.acme;

                import static org.junit.jupiter.api.Assertions.*;
                import org.junit.jupiter.api.*;

                class CalcTest {
                    Calc s = new Calc();

                    @Test void onlySealed() { assertEquals(3, s.add(1, 2)); { assertTrue(s.yes()); } }
                    @Test void conditional() {
                        assertEquals(3, s.add(1, 2));
                        if (s.yes()) { assertEquals(1, s.one()); }
                        for (int i = 0; i < 2; i++) { assertEquals(1, s.one()); }
                        try { assertEquals(1, s.one()); } catch (RuntimeException e) { }
                    }
                    @Test void throwsCheck() { assertEquals(3, s.add(1, 2)); assertThrows(ArithmeticException.class, () -> s.div(1, 0)); }
                    @Test void failCall() { assertEquals(3, s.add(1, 2)); if (!s.yes()) fail("no"); }
                    @Test void throwStatement() { assertEquals(3, s.add(1, 2)); if (!s.yes()) throw new AssertionError(); }
                    @Test void javaAssert() { assertEquals(3, s.add(1, 2)); assert s.yes(); }
                    @Test void unsealable() { assertEquals(3, s.add(1, 2)); assertEquals(s.one(), s.one()); }
                    @Test void afterReturn() { assertEquals(3, s.add(1, 2)); return; }
                    @Test void trivial() { assertTrue(true); assertEquals(1, 1); assertEquals(3, s.add(1, 2)); }
                    @Test void noneAtAll() { s.add(1, 2); }
                }
                """);
        Map<String, TrustedTest> units = new java.util.HashMap<>();
        a.tests().forEach(t -> units.put(t.function().substring(t.function().indexOf('#') + 1), t));
        assertThat(units.get("onlySealed").evidence()).isEqualTo(Evidence.SEALED);
        assertThat(units.get("onlySealed").probes()).hasSize(2);
        for (String inProcess : List.of("conditional", "throwsCheck", "failCall", "throwStatement", "javaAssert", "unsealable", "noneAtAll")) {
            assertThat(units.get(inProcess).evidence()).as(inProcess).isEqualTo(Evidence.IN_PROCESS);
        }
        assertThat(units.get("conditional").probes()).hasSize(1);
        assertThat(units.get("afterReturn").evidence()).isEqualTo(Evidence.SEALED);
        assertThat(units.get("trivial").evidence()).isEqualTo(Evidence.SEALED);
        assertThat(units.get("trivial").probes()).hasSize(1);
        String rewritten = a.rewrittenFiles().get(PATH);
        assertThat(rewritten).contains("if (s.yes()) { assertEquals(1, s.one()); }").contains("try { assertEquals(1, s.one()); }")
                .contains("assertEquals(s.one(), s.one());").contains("assertTrue(true); assertEquals(1, 1);");
    }

    @Test
    void sameClassHelpersAreFollowedLifecycleMethodsAreInProcess() {
        Analysis a = analyze("""
                package com.acme;

                import static org.junit.jupiter.api.Assertions.*;
                import org.junit.jupiter.api.*;

                class CalcTest {
                    Calc s = new Calc();

                    @Test void direct() { checkSum(); this.checkOne(); }
                    @Test void inLoop() { for (int i = 0; i < 3; i++) { checkOne(); } }
                    @Test void recursive() { again(3); }
                    void checkSum() { assertEquals(3, s.add(1, 2)); checkOne(); }
                    void checkOne() { assertEquals(1, s.one()); }
                    void again(int n) { assertEquals(1, s.one()); if (n > 0) again(n - 1); }
                    void assertEquals(int a, long b) { }

                    @Nested class Inner {
                        @Test void usesOuterHelper() { checkOne(); }
                    }
                }
                """);
        // assertEquals declared in the class shadows the static import: those are helper calls, not JUnit's.
        assertThat(a.expectations()).isEmpty();

        Analysis b = analyze("""
                package com.acme;

                import static org.junit.jupiter.api.Assertions.*;
                import org.junit.jupiter.api.*;

                class CalcTest {
                    Calc s = new Calc();

                    @Test void direct() { checkSum(); this.checkOne(); }
                    @Test void inLoop() { for (int i = 0; i < 3; i++) { checkOne(); } }
                    @Test void recursive() { again(3); }
                    void checkSum() { assertEquals(3, s.add(1, 2)); checkOne(); }
                    void checkOne() { assertEquals(1, s.one()); }
                    void again(int n) { assertEquals(1, s.one()); if (n > 0) again(n - 1); }

                    @Nested class Inner {
                        @Test void usesOuterHelper() { checkOne(); }
                    }
                }
                """);
        Map<String, TrustedTest> units = new java.util.HashMap<>();
        b.tests().forEach(t -> units.put(t.function(), t));
        assertThat(b.expectations()).hasSize(3);
        assertThat(units.get("com.acme.CalcTest#direct").probes()).containsExactlyInAnyOrder(1, 2);
        assertThat(units.get("com.acme.CalcTest#direct").evidence()).isEqualTo(Evidence.SEALED);
        assertThat(units.get("com.acme.CalcTest#inLoop").probes()).isEmpty();
        assertThat(units.get("com.acme.CalcTest#inLoop").evidence()).isEqualTo(Evidence.IN_PROCESS);
        assertThat(units.get("com.acme.CalcTest#recursive").probes()).containsExactly(3);
        assertThat(units.get("com.acme.CalcTest$Inner#usesOuterHelper").probes()).containsExactly(2);

        Analysis c = analyze("""
                package com.acme;
                import static org.junit.jupiter.api.Assertions.*;
                import org.junit.jupiter.api.*;
                class CalcTest {
                    @AfterEach void after() { assertEquals(0, new Calc().leaks()); }
                    @Test void t() { assertEquals(3, new Calc().add(1, 2)); }
                }
                """);
        assertThat(c.tests()).singleElement().satisfies(t -> {
            assertThat(t.evidence()).isEqualTo(Evidence.IN_PROCESS);
            assertThat(t.probes()).hasSize(1);
        });
        assertThat(c.rewrittenFiles().get(PATH)).contains("@AfterEach void after() { assertEquals(0, new Calc().leaks()); }");
    }

    @Test
    void identicalAssertionsAreDistinctProbes() {
        Analysis a = analyze(jupiter("assertEquals(1, s.next());\nassertEquals(1, s.next());"));
        assertThat(a.tests()).singleElement().satisfies(t -> assertThat(t.probes()).containsExactly(1, 2));
        assertThat(a.rewrittenFiles().get(PATH)).contains("record(1, s.next());").contains("record(2, s.next());");
    }

    @Test
    void lifecycleMethodsOfRequestSuperclassesCountToo() {
        Analysis a = analyzer.analyze(Map.of(
                "BaseTest.java", """
                        import static org.junit.Assert.*;
                        public abstract class BaseTest {
                            @org.junit.After public void after() { assertEquals(0, Calc.leaks()); }
                        }
                        """,
                "CalcTest.java", """
                        import static org.junit.Assert.*;
                        public class CalcTest extends BaseTest {
                            @org.junit.Test public void t() { assertEquals(3, new Calc().add(1, 2)); }
                        }
                        """), Map.of(), List.of());
        assertThat(a.tests()).singleElement().satisfies(t -> {
            assertThat(t.function()).isEqualTo("CalcTest#t");
            assertThat(t.probes()).hasSize(1);
            assertThat(t.evidence()).isEqualTo(Evidence.IN_PROCESS);
        });
    }

    @Test
    void multiLineAssertionsKeepEveryLineNumber() {
        String source = jupiter("""
                assertEquals(
                    List.of(1,
                            2),
                    s.list(1,
                           2),
                    "message on its own line"
                );
                assertTrue(s.yes());""");
        Analysis a = analyze(source);
        String rewritten = a.rewrittenFiles().get(PATH);
        List<String> before = source.lines().toList();
        List<String> after = rewritten.lines().toList();
        assertThat(after).hasSameSizeAs(before);
        assertThat(rewritten.split("\n", -1)).hasSameSizeAs(source.split("\n", -1));
        // The actual expression stays on the lines it was written on; everything after is untouched.
        assertThat(after.get(10)).isEqualTo("        dev.assay.harness.Probe.record(1, ");
        assertThat(after.get(13)).isEqualTo("            s.list(1,");
        assertThat(after.get(14)).isEqualTo("                   2)");
        assertThat(after.get(17)).isEqualTo("        dev.assay.harness.Probe.record(2, s.yes());");
        assertThat(after.subList(18, after.size())).isEqualTo(before.subList(18, before.size()));
    }

    @Test
    void windowsLineEndingsAndTabsMapOntoTheText() {
        String source = jupiter("\tassertEquals(3,\n\t\ts.add(1, 2));\n\tassertTrue(s.yes());").replace("\n", "\r\n");
        Analysis a = analyze(source);
        String rewritten = a.rewrittenFiles().get(PATH);
        assertThat(rewritten).contains("\tdev.assay.harness.Probe.record(1, \r\n        \t\ts.add(1, 2));\r\n")
                .contains("\tdev.assay.harness.Probe.record(2, s.yes());");
        assertThat(rewritten.lines().count()).isEqualTo(source.lines().count());
    }

    @Test
    void probeIdsFollowFileAndSourceOrder() {
        Analysis a = analyzer.analyze(Map.of(
                "b/BTest.java", "package b; import static org.junit.jupiter.api.Assertions.*; class BTest { @org.junit.jupiter.api.Test void t() { assertEquals(1, X.one()); assertEquals(2, X.two()); } }",
                "a/ATest.java", "package a; import static org.junit.jupiter.api.Assertions.*; class ATest { @org.junit.jupiter.api.Test void t() { assertEquals(1, X.one()); } }"),
                Map.of(), List.of());
        assertThat(a.expectations().get(1).path()).isEqualTo("a/ATest.java");
        assertThat(a.expectations().get(2).path()).isEqualTo("b/BTest.java");
        assertThat(a.expectations().get(3).source()).isEqualTo("assertEquals(2, X.two());");
    }

    @Test
    void aWorkspaceTypeShadowingAJdkNameIsNotConstant() {
        Analysis a = analyzer.analyze(Map.of(PATH, jupiter("assertEquals(List.of(1), s.list());\nassertEquals(Integer.MAX_VALUE, s.max());")),
                Map.of("com/acme/List.java", "package com.acme; public class List { public static Object of(int x) { return null; } }",
                        "com/acme/Integer.java", "package com.acme; public class Integer { public static final int MAX_VALUE = 0; }"),
                List.of());
        assertThat(a.expectations()).isEmpty();
    }
}
