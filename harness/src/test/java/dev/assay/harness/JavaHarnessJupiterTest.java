package dev.assay.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JUnit features request tests use, run by the harness in a JVM of its own: one workspace, one run. */
class JavaHarnessJupiterTest {
    private static final String CALC = """
            package com.acme;

            public class Calc {
                public int add(int a, int b) { return a + b; }
                public int div(int a, int b) { return a / b; }
            }
            """;
    private static final String FEATURES = """
            package com.acme;

            import static org.junit.jupiter.api.Assertions.*;
            import static org.junit.jupiter.api.Assumptions.assumeTrue;

            import java.util.List;
            import java.util.stream.Stream;
            import org.junit.jupiter.api.*;
            import org.junit.jupiter.params.ParameterizedTest;
            import org.junit.jupiter.params.provider.*;

            class CalcTest {
                static int beforeAll;
                int beforeEach;

                @BeforeAll static void setUpAll() { beforeAll++; }
                @BeforeEach void setUp() { beforeEach++; }
                @AfterEach void tearDown() { assertEquals(1, beforeEach); }
                @AfterAll static void tearDownAll() { assertEquals(1, beforeAll); }

                @Test void adds() { assertEquals(3, new Calc().add(1, 2)); assertEquals(1, beforeAll); }
                @Test void wrongSum() { assertEquals(4, new Calc().add(1, 2)); }
                @Test void crashes() { new Calc().div(1, 0); }
                @Test void dividesByZero() { assertThrows(ArithmeticException.class, () -> new Calc().div(1, 0)); }
                @Test @Disabled("not today") void off() { fail(); }
                @Test void assumes() { assumeTrue(false, "no network here"); }

                @ParameterizedTest @ValueSource(ints = {1, 2, 3}) void positive(int x) { assertTrue(new Calc().add(x, 0) > 0); }
                @ParameterizedTest @CsvSource({"1, 1, 2", "2, 3, 5"}) void csv(int a, int b, int sum) { assertEquals(sum, new Calc().add(a, b)); }
                @ParameterizedTest @MethodSource("pairs") void method(int a, int b) { assertEquals(a + b, new Calc().add(a, b)); }
                static Stream<org.junit.jupiter.params.provider.Arguments> pairs() {
                    return Stream.of(Arguments.of(1, 2), Arguments.of(3, 4));
                }
                @RepeatedTest(2) void repeated() { assertEquals(2, new Calc().add(1, 1)); }
                @TestFactory List<DynamicTest> dynamic() {
                    return List.of(DynamicTest.dynamicTest("a", () -> assertEquals(1, new Calc().add(1, 0))),
                            DynamicTest.dynamicTest("b", () -> assertEquals(9, new Calc().add(1, 0))));
                }

                @Nested class WhenNegative {
                    @Test void addsNegatives() { assertEquals(-3, new Calc().add(-1, -2)); }
                    @Nested class Deeper { @Test void zero() { assertEquals(0, new Calc().add(-1, 1)); } }
                }

                static class Helpers { @Test void staticNested() { assertEquals(2, new Calc().add(1, 1)); } }
            }
            """;
    private static final String BROKEN_SETUP = """
            package com.acme;

            import org.junit.jupiter.api.*;

            class BrokenSetupTest {
                @BeforeAll static void setUp() { throw new IllegalStateException("no database"); }
                @Test void one() { }
                @Test void two() { }
            }
            """;
    private static final String JUNIT4 = """
            package com.acme;

            import static org.junit.Assert.*;
            import org.junit.Test;

            public class LegacyTest {
                @Test public void adds() { assertEquals(3, new Calc().add(1, 2)); }
                @Test public void wrong() { assertEquals(5, new Calc().add(1, 2)); }
            }
            """;

    @TempDir
    static Path workspace;
    private static HarnessProcess.Run run;

    @BeforeAll
    static void runHarness() throws Exception {
        run = HarnessProcess.test(workspace, Map.of("src/com/acme/Calc.java", CALC, "test/com/acme/CalcTest.java", FEATURES,
                        "test/com/acme/BrokenSetupTest.java", BROKEN_SETUP, "test/com/acme/LegacyTest.java", JUNIT4),
                List.of("test/com/acme/CalcTest.java", "test/com/acme/BrokenSetupTest.java", "test/com/acme/LegacyTest.java"))
                .wellFormed();
    }

    @Test
    void beginNamesTheHarnessAndMode() {
        assertThat(run.begin()).containsEntry("harness", "java").containsEntry("mode", "test");
    }

    @Test
    void plainTestsPassFailAndError() {
        assertThat(run.test("com.acme.CalcTest#adds")).containsEntry("status", "PASSED").containsEntry("function", "com.acme.CalcTest#adds")
                .containsEntry("file", "test/com/acme/CalcTest.java");
        assertThat(run.status("com.acme.CalcTest#wrongSum")).isEqualTo("FAILED");
        assertThat((String) run.test("com.acme.CalcTest#wrongSum").get("message")).contains("expected: <4> but was: <3>")
                .contains("CalcTest.java:22");
        assertThat(run.status("com.acme.CalcTest#crashes")).isEqualTo("ERROR");
        assertThat((String) run.test("com.acme.CalcTest#crashes").get("message")).startsWith("java.lang.ArithmeticException");
        assertThat(run.status("com.acme.CalcTest#dividesByZero")).isEqualTo("PASSED");
    }

    @Test
    void lifecycleMethodsRun() {
        // @AfterEach and @AfterAll assert the counters @BeforeEach and @BeforeAll set: a failure there would fail the tests.
        assertThat(run.status("com.acme.CalcTest#adds")).isEqualTo("PASSED");
        assertThat(run.errors()).isEmpty();
    }

    @Test
    void disabledAndAssumedAreSkippedWithTheirReason() {
        assertThat(run.test("com.acme.CalcTest#off")).containsEntry("status", "SKIPPED").containsEntry("message", "not today");
        assertThat(run.test("com.acme.CalcTest#assumes")).containsEntry("status", "SKIPPED");
        assertThat((String) run.test("com.acme.CalcTest#assumes").get("message")).contains("no network here");
    }

    @Test
    void invocationsOfParameterizedRepeatedAndDynamicTestsAreNumbered() {
        for (String id : List.of("com.acme.CalcTest#positive[1]", "com.acme.CalcTest#positive[2]", "com.acme.CalcTest#positive[3]",
                "com.acme.CalcTest#csv[1]", "com.acme.CalcTest#csv[2]", "com.acme.CalcTest#method[1]", "com.acme.CalcTest#method[2]",
                "com.acme.CalcTest#repeated[1]", "com.acme.CalcTest#repeated[2]", "com.acme.CalcTest#dynamic[1]")) {
            assertThat(run.status(id)).as(id).isEqualTo("PASSED");
        }
        assertThat(run.status("com.acme.CalcTest#dynamic[2]")).isEqualTo("FAILED");
        assertThat(run.test("com.acme.CalcTest#positive[2]")).containsEntry("function", "com.acme.CalcTest#positive");
    }

    @Test
    void nestedAndStaticNestedClassesHaveBinaryNames() {
        assertThat(run.status("com.acme.CalcTest$WhenNegative#addsNegatives")).isEqualTo("PASSED");
        assertThat(run.status("com.acme.CalcTest$WhenNegative$Deeper#zero")).isEqualTo("PASSED");
        assertThat(run.test("com.acme.CalcTest$Helpers#staticNested")).containsEntry("status", "PASSED")
                .containsEntry("file", "test/com/acme/CalcTest.java");
    }

    @Test
    void aFailingBeforeAllErrsEveryTestOfItsClass() {
        for (String id : List.of("com.acme.BrokenSetupTest#one", "com.acme.BrokenSetupTest#two")) {
            assertThat(run.status(id)).isEqualTo("ERROR");
            assertThat((String) run.test(id).get("message")).contains("no database");
        }
    }

    @Test
    void junit4TestsRunOnVintage() {
        assertThat(run.test("com.acme.LegacyTest#adds")).containsEntry("status", "PASSED").containsEntry("file", "test/com/acme/LegacyTest.java");
        assertThat(run.status("com.acme.LegacyTest#wrong")).isEqualTo("FAILED");
    }

    @Test
    void reportsUsage() {
        @SuppressWarnings("unchecked")
        Map<String, Object> usage = (Map<String, Object>) run.report().get("usage");
        assertThat(((Number) usage.get("cpuMillis")).longValue()).isPositive();
        assertThat(((Number) usage.get("peakMemoryBytes")).longValue()).isPositive();
    }
}
