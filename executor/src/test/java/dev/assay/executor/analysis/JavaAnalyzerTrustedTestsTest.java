package dev.assay.executor.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.executor.analysis.Analysis.Evidence;
import dev.assay.executor.analysis.Analysis.Kind;
import dev.assay.executor.analysis.Analysis.TrustedTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which request tests are trusted units, with which ids (harness/PROTOCOL.md "Which tests are trusted", "Test ids"). */
class JavaAnalyzerTrustedTestsTest {
    private final JavaAnalyzer analyzer = new JavaAnalyzer();

    private Analysis analyze(Map<String, String> request) {
        return analyzer.analyze(request, Map.of(), List.of());
    }

    private static TrustedTest unit(Analysis a, String function) {
        return a.tests().stream().filter(t -> t.function().equals(function)).findFirst()
                .orElseThrow(() -> new AssertionError("no unit " + function + " in " + a.tests()));
    }

    @Test
    void jupiterTestsNestedClassesAndInvocationTemplatesAreUnits() {
        Analysis a = analyze(Map.of("src/test/java/com/acme/FooTest.java", """
                package com.acme;

                import org.junit.jupiter.api.*;
                import org.junit.jupiter.params.ParameterizedTest;
                import org.junit.jupiter.params.provider.ValueSource;

                class FooTest {
                    @Test void adds() { }
                    @org.junit.jupiter.api.Test void qualified() { }
                    @ParameterizedTest @ValueSource(ints = {1, 2}) void param(int x) { }
                    @RepeatedTest(3) void repeated() { }
                    @TestFactory java.util.List<DynamicTest> factory() { return java.util.List.of(); }
                    void notATest() { }

                    @Nested class Inner {
                        @Test void deep() { }
                        @Nested class Deeper { @Test void deeper() { } }
                    }
                    static class StaticNested { @Test void st() { } }
                    class PlainInner { @Test void ignoredByJupiter() { } }
                }
                """));
        assertThat(a.tests()).extracting(TrustedTest::function).containsExactlyInAnyOrder(
                "com.acme.FooTest#adds", "com.acme.FooTest#qualified", "com.acme.FooTest#param", "com.acme.FooTest#repeated",
                "com.acme.FooTest#factory", "com.acme.FooTest$Inner#deep", "com.acme.FooTest$Inner$Deeper#deeper",
                "com.acme.FooTest$StaticNested#st");
        TrustedTest adds = unit(a, "com.acme.FooTest#adds");
        assertThat(adds.file()).isEqualTo("src/test/java/com/acme/FooTest.java");
        assertThat(adds.kind()).isEqualTo(Kind.EXACT);
        assertThat(adds.line()).isEqualTo(8);
        assertThat(adds.skipInSource()).isFalse();
        assertThat(a.errors()).isEmpty();
    }

    @Test
    void junit4TestsAndInheritedTestsAreUnitsAbstractClassesAreNot() {
        Analysis a = analyze(Map.of(
                "BaseTest.java", """
                        import org.junit.Test;
                        public abstract class BaseTest {
                            @Test public void inherited() { }
                        }
                        """,
                "LegacyTest.java", """
                        import org.junit.Test;
                        public class LegacyTest extends BaseTest {
                            @Test public void legacy() { }
                        }
                        """));
        assertThat(a.tests()).extracting(TrustedTest::function).containsExactlyInAnyOrder("LegacyTest#legacy", "LegacyTest#inherited");
    }

    @Test
    void mainMethodTestClassesAreUnits() {
        Analysis a = analyze(Map.of(
                "he0/Main.java", "package he0;\npublic class Main {\n    public static void main(String[] args) { }\n}\n",
                "t/CalcTest.java", "package t; public class CalcTest { public static void main(String... args) { } }",
                "t/TestCalc.java", "package t; public class TestCalc { public static void main(java.lang.String[] args) { } }",
                "t/CalcTests.java", "package t; public class CalcTests { public static void main(String[] args) { } }",
                "t/Program.java", "package t; public class Program { public static void main(String[] args) { } }",
                "t/NotStaticTest.java", "package t; public class NotStaticTest { public void main(String[] args) { } }",
                "t/BothTest.java", "package t; public class BothTest { public static void main(String[] a) { } @org.junit.jupiter.api.Test void j() { } }",
                "Main.java", "public class Main { public static void main(String[] args) { } }"));
        assertThat(a.tests()).extracting(TrustedTest::function).containsExactlyInAnyOrder("he0.Main#main", "t.CalcTest#main",
                "t.TestCalc#main", "t.CalcTests#main", "t.BothTest#j", "Main#main");
        assertThat(unit(a, "he0.Main#main").line()).isEqualTo(3);
    }

    @Test
    void aFileThatDoesNotParseIsAnErrorAndAFileUnit() {
        Analysis a = analyze(Map.of("com/acme/BrokenTest.java", "package com.acme;\nclass BrokenTest { @Test void t( { }\n",
                "notes.txt", "@Test void t()"));
        assertThat(a.errors()).singleElement().asString().startsWith("com/acme/BrokenTest.java: syntax error");
        assertThat(a.tests()).singleElement().satisfies(t -> {
            assertThat(t.kind()).isEqualTo(Kind.FILE);
            assertThat(t.function()).isEqualTo("com/acme/BrokenTest.java");
            assertThat(t.file()).isEqualTo("com/acme/BrokenTest.java");
            assertThat(t.evidence()).isEqualTo(Evidence.IN_PROCESS);
        });
    }

    @Test
    void pathologicalNestingIsAnErrorNotACrash() {
        String deep = "(".repeat(20_000) + "1" + ")".repeat(20_000);
        Analysis a = analyze(Map.of("DeepTest.java", "class DeepTest { @org.junit.jupiter.api.Test void t() { int x = " + deep + "; } }"));
        assertThat(a.errors()).singleElement().asString().startsWith("DeepTest.java: ");
        assertThat(a.tests()).singleElement().satisfies(t -> assertThat(t.kind()).isEqualTo(Kind.FILE));

        Analysis generated = analyzer.analyze(Map.of(), Map.of("Deep.java", "class Deep { int x = " + deep + "; }"), List.of());
        assertThat(generated.findings()).singleElement().satisfies(f -> assertThat(f.severity()).isEqualTo(Analysis.Severity.HIGH));
    }

    @Test
    void skipsWrittenInTheSourceAreMarked() {
        Analysis a = analyze(Map.of("com/acme/SkipTest.java", """
                package com.acme;

                import static org.junit.jupiter.api.Assumptions.assumeTrue;
                import org.junit.jupiter.api.*;
                import org.junit.jupiter.api.condition.EnabledOnOs;
                import org.junit.jupiter.api.condition.OS;

                class SkipTest {
                    @Test @Disabled void disabled() { }
                    @Test @EnabledOnOs(OS.LINUX) void linuxOnly() { }
                    @Test void assumes() { assumeTrue(System.getenv("CI") != null); }
                    @Test void qualifiedAssumption() { Assumptions.assumeFalse(false); }
                    @Test void plain() { }
                    @Test void callsAssumingHelper() { helper(); }
                    void helper() { Assumptions.assumingThat(true, () -> { }); }

                    @Disabled("later") @Nested class Off { @Test void t() { } }
                }
                """,
                "com/acme/LegacyTest.java", """
                        package com.acme;
                        import org.junit.*;
                        public class LegacyTest {
                            @Before public void setUp() { Assume.assumeTrue(true); }
                            @Test public void t() { }
                            @Test @Ignore public void ignored() { }
                        }
                        """));
        assertThat(a.tests()).filteredOn(TrustedTest::skipInSource).extracting(TrustedTest::function).containsExactlyInAnyOrder(
                "com.acme.SkipTest#disabled", "com.acme.SkipTest#linuxOnly", "com.acme.SkipTest#assumes",
                "com.acme.SkipTest#qualifiedAssumption", "com.acme.SkipTest#callsAssumingHelper", "com.acme.SkipTest$Off#t",
                "com.acme.LegacyTest#t", "com.acme.LegacyTest#ignored");
        assertThat(unit(a, "com.acme.SkipTest#plain").skipInSource()).isFalse();
    }

    @Test
    void humanEvalStyleMainTestsAreInProcess() {
        Analysis a = analyze(Map.of("he0/Main.java", """
                package he0;
                import java.util.*;

                public class Main {
                    public static void main(String[] args) {
                        Solution s = new Solution();
                        List<Boolean> correct = Arrays.asList(s.f(1) == 1, s.f(2) == 2);
                        if (correct.contains(false)) {
                            throw new AssertionError();
                        }
                    }
                }
                """));
        assertThat(a.tests()).singleElement().satisfies(t -> {
            assertThat(t.function()).isEqualTo("he0.Main#main");
            assertThat(t.evidence()).isEqualTo(Evidence.IN_PROCESS);
            assertThat(t.probes()).isEmpty();
        });
        assertThat(a.rewrittenFiles()).isEmpty();
    }
}
