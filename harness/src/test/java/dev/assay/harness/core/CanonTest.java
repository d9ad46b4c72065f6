package dev.assay.harness.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CanonTest {
    @Test
    void numbers() {
        assertThat(Canon.encode(42)).isEqualTo("{\"t\":\"int\",\"v\":\"42\",\"java\":\"Integer\"}");
        assertThat(Canon.encode(Long.MIN_VALUE)).isEqualTo("{\"t\":\"int\",\"v\":\"-9223372036854775808\",\"java\":\"Long\"}");
        assertThat(Canon.encode(1.0)).isEqualTo("{\"t\":\"float\",\"v\":\"1.0\",\"java\":\"Double\"}");
        assertThat(Canon.encode(1e100)).isEqualTo("{\"t\":\"float\",\"v\":\"1.0E100\",\"java\":\"Double\"}");
        assertThat(Canon.encode(Float.POSITIVE_INFINITY)).isEqualTo("{\"t\":\"float\",\"v\":\"inf\",\"java\":\"Float\"}");
        assertThat(Canon.encode(0.1f)).isEqualTo("{\"t\":\"float\",\"v\":\"0.10000000149011612\",\"java\":\"Float\"}");
    }

    @Test
    void textAndCharacters() {
        assertThat(Canon.encode('\n')).isEqualTo("{\"t\":\"char\",\"v\":\"\\n\"}");
        assertThat(Canon.encode("")).isEqualTo("{\"t\":\"str\",\"v\":\"\"}");
        assertThat(Canon.encode(false)).isEqualTo("{\"t\":\"bool\",\"v\":false}");
        assertThat(Canon.encode(null)).isEqualTo("{\"t\":\"null\"}");
    }

    @Test
    void collections() {
        Map<Object, Object> map = new LinkedHashMap<>();
        map.put(1, Set.of());
        map.put(null, new long[] {7});
        assertThat(Canon.encode(map)).isEqualTo("{\"t\":\"map\",\"v\":[[{\"t\":\"int\",\"v\":\"1\",\"java\":\"Integer\"},{\"t\":\"set\",\"v\":[]}],"
                + "[{\"t\":\"null\"},{\"t\":\"array\",\"v\":[{\"t\":\"int\",\"v\":\"7\",\"java\":\"Long\"}]}]]}");
        assertThat(Canon.encode(Arrays.asList("a", 'b'))).isEqualTo("{\"t\":\"list\",\"v\":[{\"t\":\"str\",\"v\":\"a\"},{\"t\":\"char\",\"v\":\"b\"}]}");
    }

    @Test
    void aSelfContainingListIsTooLargeNotAStackOverflow() {
        List<Object> self = new ArrayList<>();
        self.add(self);
        assertThat(Canon.encode(self)).contains("\"type\":\"<too large>\"");
    }

    @Test
    void moreThanTenThousandValuesIsTooLarge() {
        assertThat(Canon.encode(new int[Canon.MAX_VALUES])).contains("\"type\":\"<too large>\"");
        assertThat(Canon.encode(new int[Canon.MAX_VALUES - 1])).startsWith("{\"t\":\"array\"");
    }

    @Test
    void aThrowingIterationIsUnreadableNotAnException() {
        List<Object> list = java.util.Collections.unmodifiableList(new ArrayList<>() {
            @Override
            public Iterator<Object> iterator() {
                throw new IllegalStateException("no");
            }
        });
        assertThat(Canon.encode(list)).contains("\"t\":\"object\"").contains("unreadable");
    }

    @Test
    void reprIsCutAt200Characters() {
        Object big = new Object() {
            @Override
            public String toString() {
                return "x".repeat(1000);
            }
        };
        assertThat(Canon.repr(big)).hasSize(201);
    }
}
