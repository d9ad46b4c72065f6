package dev.assay.executor.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.assay.executor.analysis.Analysis.Expectation;
import org.junit.jupiter.api.Test;

/** Each language's own equality, judged outside the sandbox; an opaque object never passes. */
class SealedComparisonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode v(String json) {
        try {
            return JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static boolean holds(String kind, String expected, String tolerance, String actual) {
        Expectation e = new Expectation(kind, expected == null ? null : v(expected), tolerance == null ? null : v(tolerance),
                "test_x.py", 3, "assert f() == x");
        return SealedComparison.mismatch(e, v(actual)).isEmpty();
    }

    private static final String EVERYTHING = "{\"t\":\"object\",\"type\":\"solution.AlwaysEqual\",\"repr\":\"3\"}";

    @Test
    void pythonEqualityComparesNumbersAcrossIntFloatAndBoolAndKeepsListsApartFromTuples() {
        assertThat(holds("py.eq", "{\"t\":\"int\",\"v\":\"1\"}", null, "{\"t\":\"float\",\"v\":\"1.0\"}")).isTrue();
        assertThat(holds("py.eq", "{\"t\":\"int\",\"v\":\"1\"}", null, "{\"t\":\"bool\",\"v\":true}")).isTrue();
        assertThat(holds("py.eq", "{\"t\":\"float\",\"v\":\"0.1\"}", null, "{\"t\":\"float\",\"v\":\"0.30000000000000004\"}")).isFalse();
        assertThat(holds("py.eq", "{\"t\":\"int\",\"v\":\"9007199254740993\"}", null, "{\"t\":\"float\",\"v\":\"9007199254740992.0\"}"))
                .as("exact, as Python compares int with float").isFalse();
        assertThat(holds("py.eq", "{\"t\":\"float\",\"v\":\"nan\"}", null, "{\"t\":\"float\",\"v\":\"nan\"}")).isFalse();
        assertThat(holds("py.eq", "{\"t\":\"list\",\"v\":[{\"t\":\"int\",\"v\":\"1\"}]}", null, "{\"t\":\"tuple\",\"v\":[{\"t\":\"int\",\"v\":\"1\"}]}")).isFalse();
        assertThat(holds("py.eq", "{\"t\":\"set\",\"v\":[{\"t\":\"int\",\"v\":\"1\"},{\"t\":\"int\",\"v\":\"2\"}]}", null,
                "{\"t\":\"set\",\"v\":[{\"t\":\"float\",\"v\":\"2.0\"},{\"t\":\"int\",\"v\":\"1\"}]}")).isTrue();
        assertThat(holds("py.eq", "{\"t\":\"map\",\"v\":[[{\"t\":\"str\",\"v\":\"a\"},{\"t\":\"int\",\"v\":\"1\"}]]}", null,
                "{\"t\":\"map\",\"v\":[[{\"t\":\"str\",\"v\":\"a\"},{\"t\":\"int\",\"v\":\"1\"}]]}")).isTrue();
    }

    @Test
    void anObjectThatClaimsToEqualEverythingEqualsNothing() {
        for (String kind : new String[] {"py.eq", "js.strict", "js.deepStrict", "java.equals"}) {
            assertThat(holds(kind, "{\"t\":\"int\",\"v\":\"3\"}", null, EVERYTHING)).as(kind).isFalse();
        }
        assertThat(holds("py.ne", "{\"t\":\"int\",\"v\":\"3\"}", null, EVERYTHING)).as("nor differs from anything").isFalse();
        assertThat(holds("py.truthy", null, null, EVERYTHING)).as("its truth is its own class's to decide").isFalse();
        Expectation e = new Expectation("py.eq", v("{\"t\":\"int\",\"v\":\"3\"}"), null, "test_x.py", 3, "assert f() == 3");
        assertThat(SealedComparison.mismatch(e, v(EVERYTHING))).get().asString()
                .contains("expected 3", "solution.AlwaysEqual", "not plain data");
    }

    @Test
    void pythonIdentityTruthAndApproximation() {
        assertThat(holds("py.is", "{\"t\":\"bool\",\"v\":true}", null, "{\"t\":\"bool\",\"v\":true}")).isTrue();
        assertThat(holds("py.is", "{\"t\":\"bool\",\"v\":true}", null, "{\"t\":\"int\",\"v\":\"1\"}")).as("1 is not True").isFalse();
        assertThat(holds("py.truthy", null, null, "{\"t\":\"list\",\"v\":[]}")).isFalse();
        assertThat(holds("py.falsy", null, null, "{\"t\":\"str\",\"v\":\"\"}")).isTrue();
        assertThat(holds("py.approx", "{\"t\":\"float\",\"v\":\"0.5\"}", "{\"rel\":0,\"abs\":1e-6,\"strict\":true}", "{\"t\":\"float\",\"v\":\"0.5000001\"}")).isTrue();
        assertThat(holds("py.approx", "{\"t\":\"float\",\"v\":\"0.5\"}", "{\"rel\":0,\"abs\":1e-6,\"strict\":true}", "{\"t\":\"float\",\"v\":\"0.6\"}")).isFalse();
        assertThat(holds("py.approx", "{\"t\":\"list\",\"v\":[{\"t\":\"float\",\"v\":\"0.3\"}]}", "{\"rel\":1e-6,\"abs\":1e-12}",
                "{\"t\":\"list\",\"v\":[{\"t\":\"float\",\"v\":\"0.30000000000000004\"}]}")).isTrue();
        assertThat(holds("py.isclose", "{\"t\":\"float\",\"v\":\"1.0\"}", "{\"rel\":1e-9,\"abs\":0}", "{\"t\":\"float\",\"v\":\"1.0000000001\"}")).isTrue();
        assertThat(holds("py.almost", "{\"t\":\"float\",\"v\":\"1.0\"}", "{\"places\":7}", "{\"t\":\"float\",\"v\":\"1.00000001\"}")).isTrue();
        assertThat(holds("py.almost", "{\"t\":\"float\",\"v\":\"1.0\"}", "{\"places\":7}", "{\"t\":\"float\",\"v\":\"1.0001\"}")).isFalse();
    }

    @Test
    void nodeStrictDeepAndLooseEquality() {
        assertThat(holds("js.strict", "{\"t\":\"float\",\"v\":\"3\"}", null, "{\"t\":\"float\",\"v\":\"3.0\"}")).isTrue();
        assertThat(holds("js.strict", "{\"t\":\"float\",\"v\":\"3\"}", null, "{\"t\":\"str\",\"v\":\"3\"}")).isFalse();
        assertThat(holds("js.strict", "{\"t\":\"float\",\"v\":\"nan\"}", null, "{\"t\":\"float\",\"v\":\"nan\"}")).as("Object.is").isTrue();
        assertThat(holds("js.strict", "{\"t\":\"float\",\"v\":\"0\"}", null, "{\"t\":\"float\",\"v\":\"-0.0\"}")).isFalse();
        assertThat(holds("js.loose", "{\"t\":\"float\",\"v\":\"3\"}", null, "{\"t\":\"str\",\"v\":\"3\"}")).isTrue();
        assertThat(holds("js.loose", "{\"t\":\"null\"}", null, "{\"t\":\"undefined\"}")).isTrue();
        String list = "{\"t\":\"list\",\"v\":[{\"t\":\"float\",\"v\":\"1\"},{\"t\":\"str\",\"v\":\"a\"}]}";
        assertThat(holds("js.deepStrict", list, null, list)).isTrue();
        assertThat(holds("js.deepStrict", list, null, "{\"t\":\"list\",\"v\":[{\"t\":\"str\",\"v\":\"1\"},{\"t\":\"str\",\"v\":\"a\"}]}")).isFalse();
        assertThat(holds("js.deepLoose", list, null, "{\"t\":\"list\",\"v\":[{\"t\":\"str\",\"v\":\"1\"},{\"t\":\"str\",\"v\":\"a\"}]}")).isTrue();
        assertThat(holds("js.truthy", null, null, "{\"t\":\"str\",\"v\":\"\"}")).isFalse();
        assertThat(holds("js.truthy", null, null, EVERYTHING)).as("every JavaScript object is truthy").isTrue();
    }

    @Test
    void junitEqualityUsesTheNumericOverloadsAtTopLevelAndBoxedTypesInsideCollections() {
        assertThat(holds("java.equals", "{\"t\":\"int\",\"v\":\"5\"}", null, "{\"t\":\"int\",\"v\":\"5\",\"java\":\"Long\"}")).isTrue();
        assertThat(holds("java.equals", "{\"t\":\"int\",\"v\":\"5\"}", null, "{\"t\":\"float\",\"v\":\"5.0\"}")).isTrue();
        assertThat(holds("java.equals", "{\"t\":\"float\",\"v\":\"0.0\"}", null, "{\"t\":\"float\",\"v\":\"-0.0\"}")).isFalse();
        assertThat(holds("java.equals", "{\"t\":\"list\",\"v\":[{\"t\":\"int\",\"v\":\"1\",\"java\":\"Integer\"}]}", null,
                "{\"t\":\"list\",\"v\":[{\"t\":\"int\",\"v\":\"1\",\"java\":\"Long\"}]}")).as("List.of(1) is not a List<Long>").isFalse();
        assertThat(holds("java.equals", "{\"t\":\"char\",\"v\":\"a\"}", null, "{\"t\":\"str\",\"v\":\"a\"}")).isFalse();
        assertThat(holds("java.equals", "{\"t\":\"char\",\"v\":\"a\"}", null, "{\"t\":\"int\",\"v\":\"97\",\"java\":\"Integer\"}"))
                .as("assertEquals('a', 97) widens").isTrue();
        assertThat(holds("java.equals", "{\"t\":\"set\",\"v\":[{\"t\":\"int\",\"v\":\"1\",\"java\":\"Integer\"},{\"t\":\"int\",\"v\":\"2\",\"java\":\"Integer\"}]}", null,
                "{\"t\":\"set\",\"v\":[{\"t\":\"int\",\"v\":\"2\",\"java\":\"Integer\"},{\"t\":\"int\",\"v\":\"1\",\"java\":\"Integer\"}]}"))
                .as("sets without regard to order").isTrue();
        assertThat(holds("java.delta", "{\"t\":\"float\",\"v\":\"2.5\"}", "{\"abs\":1e-9}", "{\"t\":\"float\",\"v\":\"2.5000000001\"}")).isTrue();
        assertThat(holds("java.true", null, null, "{\"t\":\"bool\",\"v\":true}")).isTrue();
        assertThat(holds("java.null", null, null, "{\"t\":\"null\"}")).isTrue();
        assertThat(holds("java.notNull", null, null, EVERYTHING)).isTrue();
    }

    @Test
    void rendersValuesForMessages() {
        assertThat(SealedComparison.render(v("{\"t\":\"tuple\",\"v\":[{\"t\":\"int\",\"v\":\"1\"},{\"t\":\"str\",\"v\":\"a\"}]}")))
                .isEqualTo("(1, \"a\")");
        assertThat(SealedComparison.render(v("{\"t\":\"map\",\"v\":[[{\"t\":\"str\",\"v\":\"k\"},{\"t\":\"null\"}]]}"))).isEqualTo("{\"k\": null}");
    }
}
