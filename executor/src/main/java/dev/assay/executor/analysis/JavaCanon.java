package dev.assay.executor.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assay.executor.analysis.JavaConstants.ArrayValue;
import dev.assay.executor.analysis.JavaConstants.ListValue;
import dev.assay.executor.analysis.JavaConstants.MapValue;
import dev.assay.executor.analysis.JavaConstants.NotConstant;
import dev.assay.executor.analysis.JavaConstants.SetValue;
import java.util.List;

/**
 * The canonical encoding (harness/PROTOCOL.md "Canonical values") of the constant values {@link JavaConstants}
 * evaluates, with the same rules and limits as the harness's {@code Probe}: boxed integers → int, Float/Double → float
 * ({@code Double.toString} of the double value, nan, inf, -inf), Character → char, arrays → array, the JDK's lists,
 * sets and maps → list, set, map. A value past a limit is not a constant (an expected value must be data).
 */
final class JavaCanon {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    static final int MAX_DEPTH = 32;
    static final int MAX_VALUES = 10_000;
    static final int MAX_STRING = 100_000;
    private int values;

    JsonNode encode(Object v, int depth) {
        if (++values > MAX_VALUES || depth > MAX_DEPTH) {
            throw new NotConstant("too large");
        }
        if (v == JavaConstants.NULL) {
            return tagged("null");
        }
        // Numbers carry their boxed type: inside collections JUnit compares with equals, where Integer 1 is not Long 1.
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return tagged("int").put("v", v.toString()).put("java", v.getClass().getSimpleName());
        }
        if (v instanceof Float f) {
            return tagged("float").put("v", floating(f.doubleValue())).put("java", "Float");
        }
        if (v instanceof Double d) {
            return tagged("float").put("v", floating(d)).put("java", "Double");
        }
        if (v instanceof Character c) {
            return tagged("char").put("v", String.valueOf(c.charValue()));
        }
        if (v instanceof Boolean b) {
            return tagged("bool").put("v", b.booleanValue());
        }
        if (v instanceof String s) {
            if (s.length() > MAX_STRING) {
                throw new NotConstant("string too long");
            }
            return tagged("str").put("v", s);
        }
        if (v instanceof ListValue l) {
            return sequence("list", l.items(), depth);
        }
        if (v instanceof SetValue s) {
            return sequence("set", s.items(), depth);
        }
        if (v instanceof ArrayValue a) {
            return sequence("array", a.items(), depth);
        }
        if (v instanceof MapValue m) {
            ObjectNode node = tagged("map");
            ArrayNode entries = node.putArray("v");
            for (int i = 0; i < m.keys().size(); i++) {
                ArrayNode pair = entries.addArray();
                pair.add(encode(m.keys().get(i), depth + 1));
                pair.add(encode(m.values().get(i), depth + 1));
            }
            return node;
        }
        throw new NotConstant("not plain data: " + v.getClass().getSimpleName());
    }

    private JsonNode sequence(String t, List<Object> items, int depth) {
        ObjectNode node = tagged(t);
        ArrayNode array = node.putArray("v");
        for (Object item : items) {
            array.add(encode(item, depth + 1));
        }
        return node;
    }

    private static ObjectNode tagged(String t) {
        ObjectNode node = JSON.objectNode();
        node.put("t", t);
        return node;
    }

    static String floating(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        return Double.toString(d);
    }
}
