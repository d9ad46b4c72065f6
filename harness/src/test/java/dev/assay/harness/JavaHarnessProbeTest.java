package dev.assay.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Probe records from sealed tests: which test made them and the canonical value. */
class JavaHarnessProbeTest {
    private static final String TEST = """
            package com.acme;

            import dev.assay.harness.Probe;
            import java.util.*;
            import org.junit.jupiter.api.*;
            import org.junit.jupiter.params.ParameterizedTest;
            import org.junit.jupiter.params.provider.ValueSource;

            class ValuesTest {
                record Point(int x, int y) { }

                @BeforeAll static void before() { Probe.record(99, "before all"); }

                @Test void scalars() {
                    Probe.record(1, 1 + 2);
                    Probe.record(2, 10_000_000_000L);
                    Probe.record(3, 0.1 + 0.2);
                    Probe.record(4, 1.1f);
                    Probe.record(5, 'x');
                    Probe.record(6, true);
                    Probe.record(7, "héllo\\n\\"quoted\\"");
                    Probe.record(8, (Object) null);
                    Probe.record(9, Double.NaN);
                    Probe.record(10, -0.0);
                    Probe.record(11, Double.NEGATIVE_INFINITY);
                    Probe.record(12, (short) 7);
                    Probe.record(13, (byte) -1);
                    Probe.record(14, new java.math.BigInteger("123456789012345678901234567890"));
                }

                @Test void containers() {
                    Probe.record(20, List.of(1, 2));
                    Probe.record(21, new ArrayList<>(List.of("a")));
                    Probe.record(22, new TreeSet<>(Set.of(3, 1)));
                    Probe.record(23, new TreeMap<>(Map.of("k", List.of(1.5))));
                    Probe.record(24, new int[] {1, 2});
                    Probe.record(25, new char[][] {{'a'}, {}});
                    Probe.record(26, Arrays.asList(1, null));
                }

                @Test void objects() {
                    Probe.record(30, new Point(1, 2));
                    Probe.record(31, new Object() {
                        @Override public boolean equals(Object o) { return true; }
                        @Override public String toString() { throw new IllegalStateException("no"); }
                    });
                    Probe.record(32, new StringBuilder("sb"));
                    Probe.record(33, new ArrayList<Object>() {{ add(1); }});
                    List<Object> deep = new ArrayList<>();
                    List<Object> cur = deep;
                    for (int i = 0; i < 40; i++) { List<Object> next = new ArrayList<>(); cur.add(next); cur = next; }
                    Probe.record(34, deep);
                    Probe.record(35, "x".repeat(100_001));
                    Probe.record(36, new java.math.BigDecimal("1.5"));
                }

                @ParameterizedTest @ValueSource(ints = {1, 2}) void param(int x) { Probe.record(40, x * 10); }
            }
            """;

    @TempDir
    static Path workspace;
    private static HarnessProcess.Run run;

    @BeforeAll
    static void runHarness() throws Exception {
        run = HarnessProcess.test(workspace, Map.of("com/acme/ValuesTest.java", TEST), List.of("com/acme/ValuesTest.java")).wellFormed();
    }

    @SuppressWarnings("unchecked")
    /** The probe's value without the boxed-type hints of its numbers (checked on their own). */
    private static Map<String, Object> value(int probe) {
        return (Map<String, Object>) withoutBoxedTypes(probe(probe).get("value"));
    }

    private static Object withoutBoxedTypes(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new java.util.LinkedHashMap<>();
            map.forEach((k, v) -> {
                if (!"java".equals(k)) {
                    copy.put((String) k, withoutBoxedTypes(v));
                }
            });
            return copy;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(JavaHarnessProbeTest::withoutBoxedTypes).toList();
        }
        return value;
    }

    private static Map<String, Object> probe(int probe) {
        return run.probes().stream().filter(p -> ((Number) p.get("probe")).intValue() == probe).findFirst()
                .orElseThrow(() -> new AssertionError("no probe " + probe + " in " + run.probes()));
    }

    @Test
    void probesCarryTheRunningTestOrNull() {
        assertThat(probe(1)).containsEntry("test", "com.acme.ValuesTest#scalars");
        assertThat(probe(99)).containsEntry("test", null);
        assertThat(run.probes().stream().filter(p -> ((Number) p.get("probe")).intValue() == 40).map(p -> p.get("test")))
                .containsExactly("com.acme.ValuesTest#param[1]", "com.acme.ValuesTest#param[2]");
        assertThat(run.integrity()).isEmpty();
    }

    @Test
    void scalarsAreEncodedCanonically() {
        assertThat(value(1)).isEqualTo(Map.of("t", "int", "v", "3"));
        assertThat(value(2)).isEqualTo(Map.of("t", "int", "v", "10000000000"));
        assertThat(value(3)).isEqualTo(Map.of("t", "float", "v", "0.30000000000000004"));
        assertThat(value(4)).isEqualTo(Map.of("t", "float", "v", Double.toString(1.1f)));
        assertThat(value(5)).isEqualTo(Map.of("t", "char", "v", "x"));
        assertThat(value(6)).isEqualTo(Map.of("t", "bool", "v", true));
        assertThat(value(7)).isEqualTo(Map.of("t", "str", "v", "héllo\n\"quoted\""));
        assertThat(value(8)).isEqualTo(Map.of("t", "null"));
        assertThat(value(9)).isEqualTo(Map.of("t", "float", "v", "nan"));
        assertThat(value(10)).isEqualTo(Map.of("t", "float", "v", "-0.0"));
        assertThat(value(11)).isEqualTo(Map.of("t", "float", "v", "-inf"));
        assertThat(value(12)).isEqualTo(Map.of("t", "int", "v", "7"));
        assertThat(value(13)).isEqualTo(Map.of("t", "int", "v", "-1"));
        assertThat(value(14)).isEqualTo(Map.of("t", "int", "v", "123456789012345678901234567890"));
    }

    @Test
    void numbersCarryTheirBoxedType() {
        assertThat((Map<String, Object>) probe(1).get("value")).containsEntry("java", "Integer");
        assertThat((Map<String, Object>) probe(2).get("value")).containsEntry("java", "Long");
        assertThat((Map<String, Object>) probe(3).get("value")).containsEntry("java", "Double");
    }

    @Test
    void jdkContainersAndArraysAreData() {
        assertThat(value(20)).isEqualTo(Map.of("t", "list", "v", List.of(Map.of("t", "int", "v", "1"), Map.of("t", "int", "v", "2"))));
        assertThat(value(21)).isEqualTo(Map.of("t", "list", "v", List.of(Map.of("t", "str", "v", "a"))));
        assertThat(value(22)).isEqualTo(Map.of("t", "set", "v", List.of(Map.of("t", "int", "v", "1"), Map.of("t", "int", "v", "3"))));
        assertThat(value(23)).isEqualTo(Map.of("t", "map", "v", List.of(List.of(Map.of("t", "str", "v", "k"),
                Map.of("t", "list", "v", List.of(Map.of("t", "float", "v", "1.5")))))));
        assertThat(value(24)).isEqualTo(Map.of("t", "array", "v", List.of(Map.of("t", "int", "v", "1"), Map.of("t", "int", "v", "2"))));
        assertThat(value(25)).isEqualTo(Map.of("t", "array", "v", List.of(
                Map.of("t", "array", "v", List.of(Map.of("t", "char", "v", "a"))), Map.of("t", "array", "v", List.of()))));
        assertThat(value(26)).isEqualTo(Map.of("t", "list", "v", List.of(Map.of("t", "int", "v", "1"), Map.of("t", "null"))));
    }

    @Test
    void everythingElseIsAnOpaqueObject() {
        assertThat(value(30)).containsEntry("t", "object").containsEntry("type", "com.acme.ValuesTest$Point")
                .containsEntry("repr", "Point[x=1, y=2]");
        assertThat(value(31)).containsEntry("t", "object").containsEntry("repr", "<toString threw java.lang.IllegalStateException>");
        assertThat(value(32)).containsEntry("t", "object").containsEntry("type", "java.lang.StringBuilder");
        // A subclass of ArrayList defined in the workspace is not the JDK's list.
        assertThat(value(33)).containsEntry("t", "object");
        assertThat(value(36)).containsEntry("t", "object").containsEntry("type", "java.math.BigDecimal");
    }

    @Test
    void valuesPastTheLimitsAreTooLarge() {
        assertThat(value(34)).containsEntry("t", "object").containsEntry("type", "<too large>");
        assertThat(value(35)).containsEntry("t", "object").containsEntry("type", "<too large>");
    }
}
