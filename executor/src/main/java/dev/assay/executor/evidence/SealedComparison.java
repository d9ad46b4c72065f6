package dev.assay.executor.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assay.executor.analysis.Analysis.Expectation;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * The comparisons of sealed assertions, made outside the sandbox: the recorded actual value and the expectation, both
 * in the canonical encoding (harness/PROTOCOL.md "Canonical values"), compared with the semantics of the assertion as
 * the test's language defines it — Python's {@code ==} (numbers across int, float and bool; lists apart from tuples),
 * Node's {@code assert} (SameValue, deep strict equality), JUnit's {@code assertEquals} (numeric overloads, collection
 * equality). An opaque {@code object} equals nothing: no value the code under test makes up can stand for data it
 * never saw.
 *
 * <p>Written by hand: no library compares Python, JavaScript and Java values by their own rules from outside.
 */
public final class SealedComparison {
    private static final int MAX_RENDER = 300;

    private SealedComparison() {
    }

    /** Why the actual value does not satisfy the expectation, or empty when it does. */
    public static Optional<String> mismatch(Expectation expectation, JsonNode actual) {
        JsonNode expected = expectation.expected();
        JsonNode tolerance = expectation.tolerance();
        boolean ok = switch (expectation.kind()) {
            case "py.eq" -> Python.equal(actual, expected);
            case "py.ne" -> !isOpaque(actual) && !Python.equal(actual, expected);
            case "py.is" -> identical(actual, expected);
            case "py.isnot" -> !identical(actual, expected);
            case "py.truthy" -> Python.truth(actual).orElse(false);
            case "py.falsy" -> !Python.truth(actual).orElse(true);
            case "py.approx" -> Python.approx(actual, expected, number(tolerance, "rel", 1e-6), number(tolerance, "abs", 1e-12),
                    tolerance != null && tolerance.path("strict").asBoolean(false));
            case "py.isclose" -> Python.isClose(actual, expected, number(tolerance, "rel", 1e-9), number(tolerance, "abs", 0));
            case "py.almost" -> Python.almost(actual, expected, tolerance);
            case "js.strict" -> Js.sameValue(actual, expected);
            case "js.notStrict" -> !isOpaque(actual) && !Js.sameValue(actual, expected);
            case "js.loose" -> Js.loose(actual, expected);
            case "js.deepStrict" -> Js.deep(actual, expected, true);
            case "js.deepLoose" -> Js.deep(actual, expected, false);
            case "js.truthy" -> Js.truth(actual);
            case "java.equals", "java.arrayEquals" -> JavaEq.equal(actual, expected, true);
            case "java.notEquals" -> !isOpaque(actual) && !JavaEq.equal(actual, expected, true);
            case "java.delta" -> JavaEq.delta(actual, expected, number(tolerance, "abs", 0));
            case "java.true" -> "bool".equals(tag(actual)) && actual.path("v").asBoolean();
            case "java.false" -> "bool".equals(tag(actual)) && !actual.path("v").asBoolean();
            case "java.null" -> "null".equals(tag(actual));
            case "java.notNull" -> !"null".equals(tag(actual));
            default -> throw new IllegalArgumentException("unknown sealed comparison " + expectation.kind());
        };
        if (ok) {
            return Optional.empty();
        }
        String got = render(actual);
        String why = switch (expectation.kind()) {
            case "py.truthy", "js.truthy", "java.true" -> "expected a true value, got " + got;
            case "py.falsy", "java.false" -> "expected a false value, got " + got;
            case "py.ne", "js.notStrict", "java.notEquals" -> "expected anything but " + render(expected) + ", got " + got;
            case "py.isnot", "java.notNull" -> "expected a value, got " + got;
            default -> "expected " + render(expected) + (tolerance == null ? "" : " (within " + tolerance + ")") + ", got " + got;
        };
        if (isOpaque(actual)) {
            why += " (an object of type " + actual.path("type").asText("?") + " is not plain data, so it cannot be compared"
                    + " outside the sandbox)";
        }
        return Optional.of(why);
    }

    static String tag(JsonNode value) {
        return value == null ? "" : value.path("t").asText("");
    }

    static boolean isOpaque(JsonNode value) {
        return "object".equals(tag(value)) || tag(value).isEmpty();
    }

    private static boolean identical(JsonNode actual, JsonNode expected) {
        return !isOpaque(actual) && tag(actual).equals(tag(expected)) && actual.path("v").equals(expected.path("v"));
    }

    private static double number(JsonNode tolerance, String field, double fallback) {
        return tolerance != null && tolerance.path(field).isNumber() ? tolerance.get(field).asDouble() : fallback;
    }

    /** A number of the encoding as an exact decimal, or null for NaN, infinities and non-numbers. */
    static BigDecimal exact(JsonNode value) {
        String t = tag(value);
        String v = value.path("v").asText();
        try {
            return switch (t) {
                case "int" -> new BigDecimal(new BigInteger(v));
                case "float" -> Double.isFinite(parseFloat(v)) ? new BigDecimal(parseFloat(v)) : null;
                case "bool" -> value.path("v").asBoolean() ? BigDecimal.ONE : BigDecimal.ZERO;
                default -> null;
            };
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static double parseFloat(String v) {
        return switch (v) {
            case "nan", "NaN" -> Double.NaN;
            case "inf", "Infinity" -> Double.POSITIVE_INFINITY;
            case "-inf", "-Infinity" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(v);
        };
    }

    static double asDouble(JsonNode value) {
        return switch (tag(value)) {
            case "int" -> new BigInteger(value.path("v").asText()).doubleValue();
            case "float" -> parseFloat(value.path("v").asText());
            case "bool" -> value.path("v").asBoolean() ? 1 : 0;
            default -> Double.NaN;
        };
    }

    static boolean isNumber(JsonNode value) {
        String t = tag(value);
        return t.equals("int") || t.equals("float");
    }

    /** Every element of {@code a} matched by a distinct element of {@code b}, sizes equal (sets, map entries). */
    private interface Equality {
        boolean test(JsonNode a, JsonNode b);
    }

    private static boolean sameElements(JsonNode a, JsonNode b, Equality equal) {
        if (a.size() != b.size()) {
            return false;
        }
        List<JsonNode> unmatched = new ArrayList<>();
        b.forEach(unmatched::add);
        for (JsonNode x : a) {
            boolean found = false;
            for (Iterator<JsonNode> it = unmatched.iterator(); it.hasNext(); ) {
                if (equal.test(x, it.next())) {
                    it.remove();
                    found = true;
                    break;
                }
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameSequence(JsonNode a, JsonNode b, Equality equal) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!equal.test(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** Map entries {@code [[k, v], ...]}: same keys (by {@code keys}) with equal values (by {@code values}). */
    private static boolean sameMap(JsonNode a, JsonNode b, Equality keys, Equality values) {
        return sameElements(a, b, (x, y) -> keys.test(x.path(0), y.path(0)) && values.test(x.path(1), y.path(1)));
    }

    /** Python's {@code ==} and truth over plain data. */
    static final class Python {
        private Python() {
        }

        static boolean equal(JsonNode a, JsonNode b) {
            if (isOpaque(a) || isOpaque(b)) {
                return false;
            }
            String ta = tag(a);
            String tb = tag(b);
            boolean numericA = ta.equals("int") || ta.equals("float") || ta.equals("bool");
            boolean numericB = tb.equals("int") || tb.equals("float") || tb.equals("bool");
            if (numericA && numericB) {
                if (ta.equals("float") || tb.equals("float")) {
                    double x = asDouble(a);
                    double y = asDouble(b);
                    if (Double.isNaN(x) || Double.isNaN(y) || Double.isInfinite(x) || Double.isInfinite(y)) {
                        return x == y;
                    }
                    return exact(a).compareTo(exact(b)) == 0;
                }
                return exact(a).compareTo(exact(b)) == 0;
            }
            if (!ta.equals(tb)) {
                return false;
            }
            return switch (ta) {
                case "null" -> true;
                case "str", "bytes" -> a.path("v").asText().equals(b.path("v").asText());
                case "list", "tuple" -> sameSequence(a.path("v"), b.path("v"), Python::equal);
                case "set" -> sameElements(a.path("v"), b.path("v"), Python::equal);
                case "map" -> sameMap(a.path("v"), b.path("v"), Python::equal, Python::equal);
                default -> false;
            };
        }

        /** Python's truth of plain data; empty for an object, whose truth its own class decides. */
        static Optional<Boolean> truth(JsonNode v) {
            return switch (tag(v)) {
                case "null" -> Optional.of(false);
                case "bool" -> Optional.of(v.path("v").asBoolean());
                case "int" -> Optional.of(!new BigInteger(v.path("v").asText()).equals(BigInteger.ZERO));
                case "float" -> Optional.of(parseFloat(v.path("v").asText()) != 0.0);
                case "str", "bytes" -> Optional.of(!v.path("v").asText().isEmpty());
                case "list", "tuple", "set", "map" -> Optional.of(v.path("v").size() > 0);
                default -> Optional.empty();
            };
        }

        /** {@code pytest.approx} (and {@code abs(a - e) < t}): numbers within tolerance, containers element-wise. */
        static boolean approx(JsonNode a, JsonNode e, double rel, double abs, boolean strict) {
            if (isNumber(a) && isNumber(e)) {
                double x = asDouble(a);
                double y = asDouble(e);
                if (Double.isNaN(x) || Double.isNaN(y)) {
                    return false;
                }
                if (x == y) {
                    return !strict || abs > 0;
                }
                double allowed = Math.max(rel * Math.abs(y), abs);
                double diff = Math.abs(x - y);
                return strict ? diff < allowed : diff <= allowed;
            }
            String t = tag(e);
            if (t.equals(tag(a)) && (t.equals("list") || t.equals("tuple"))) {
                return sameSequence(a.path("v"), e.path("v"), (x, y) -> approx(x, y, rel, abs, strict));
            }
            if (t.equals("map") && tag(a).equals("map")) {
                return sameMap(a.path("v"), e.path("v"), Python::equal, (x, y) -> approx(x, y, rel, abs, strict));
            }
            return equal(a, e);
        }

        /** {@code math.isclose}. */
        static boolean isClose(JsonNode a, JsonNode e, double rel, double abs) {
            if (!isNumber(a) || !isNumber(e)) {
                return false;
            }
            double x = asDouble(a);
            double y = asDouble(e);
            if (x == y) {
                return true;
            }
            if (Double.isInfinite(x) || Double.isInfinite(y) || Double.isNaN(x) || Double.isNaN(y)) {
                return false;
            }
            double diff = Math.abs(x - y);
            return diff <= Math.abs(rel * y) || diff <= Math.abs(rel * x) || diff <= abs;
        }

        /** unittest's {@code assertAlmostEqual}: equal, or the difference rounds to 0 at {@code places} (or is within delta). */
        static boolean almost(JsonNode a, JsonNode e, JsonNode tolerance) {
            if (equal(a, e)) {
                return true;
            }
            if (!isNumber(a) || !isNumber(e)) {
                return false;
            }
            double diff = Math.abs(asDouble(a) - asDouble(e));
            if (Double.isNaN(diff) || Double.isInfinite(diff)) {
                return false;
            }
            if (tolerance != null && tolerance.path("abs").isNumber()) {
                return diff <= tolerance.get("abs").asDouble();
            }
            int places = tolerance == null ? 7 : tolerance.path("places").asInt(7);
            return new BigDecimal(diff).setScale(places, RoundingMode.HALF_EVEN).signum() == 0;
        }
    }

    /** Node's {@code assert} comparisons over plain data. */
    static final class Js {
        private Js() {
        }

        /** {@code Object.is}: what {@code assert.strictEqual} uses for primitives; objects are never the same. */
        static boolean sameValue(JsonNode a, JsonNode b) {
            String ta = tag(a);
            if (!ta.equals(tag(b))) {
                return false;
            }
            return switch (ta) {
                case "null", "undefined" -> true;
                case "bool", "str", "int" -> a.path("v").asText().equals(b.path("v").asText());
                case "float" -> {
                    double x = asDouble(a);
                    double y = asDouble(b);
                    yield Double.isNaN(x) ? Double.isNaN(y) : Double.valueOf(x).equals(y);
                }
                default -> false;
            };
        }

        /** {@code ==} between primitives (abstract equality); objects against anything are not judged equal. */
        static boolean loose(JsonNode a, JsonNode b) {
            String ta = tag(a);
            String tb = tag(b);
            boolean nullishA = ta.equals("null") || ta.equals("undefined");
            boolean nullishB = tb.equals("null") || tb.equals("undefined");
            if (nullishA || nullishB) {
                return nullishA && nullishB;
            }
            if (ta.equals(tb)) {
                return ta.equals("float") ? asDouble(a) == asDouble(b) : sameValue(a, b);
            }
            if (isPrimitive(ta) && isPrimitive(tb)) {
                double x = toNumber(a);
                double y = toNumber(b);
                return !Double.isNaN(x) && x == y;
            }
            return false;
        }

        private static boolean isPrimitive(String t) {
            return t.equals("bool") || t.equals("str") || t.equals("float") || t.equals("int");
        }

        private static double toNumber(JsonNode v) {
            return switch (tag(v)) {
                case "bool" -> v.path("v").asBoolean() ? 1 : 0;
                case "str" -> {
                    String s = v.path("v").asText().strip();
                    try {
                        yield s.isEmpty() ? 0 : Double.parseDouble(s);
                    } catch (NumberFormatException e) {
                        yield Double.NaN;
                    }
                }
                default -> asDouble(v);
            };
        }

        /** {@code deepStrictEqual} ({@code strict}) or {@code deepEqual}: structure, with SameValue or {@code ==} at the leaves. */
        static boolean deep(JsonNode a, JsonNode b, boolean strict) {
            if (isOpaque(a) || isOpaque(b)) {
                return false;
            }
            String ta = tag(a);
            String tb = tag(b);
            boolean containerA = ta.equals("list") || ta.equals("map") || ta.equals("set");
            boolean containerB = tb.equals("list") || tb.equals("map") || tb.equals("set");
            if (!containerA && !containerB) {
                return strict ? sameValue(a, b) : loose(a, b);
            }
            if (!ta.equals(tb) || (strict && !a.path("type").asText("").equals(b.path("type").asText("")))) {
                return false;
            }
            return switch (ta) {
                case "list" -> sameSequence(a.path("v"), b.path("v"), (x, y) -> deep(x, y, strict));
                case "set" -> sameElements(a.path("v"), b.path("v"), (x, y) -> deep(x, y, strict));
                default -> sameMap(a.path("v"), b.path("v"), (x, y) -> deep(x, y, true), (x, y) -> deep(x, y, strict));
            };
        }

        /** JavaScript truthiness; every object is truthy. */
        static boolean truth(JsonNode v) {
            return switch (tag(v)) {
                case "null", "undefined" -> false;
                case "bool" -> v.path("v").asBoolean();
                case "float" -> {
                    double x = asDouble(v);
                    yield x != 0 && !Double.isNaN(x);
                }
                case "int" -> !new BigInteger(v.path("v").asText()).equals(BigInteger.ZERO);
                case "str" -> !v.path("v").asText().isEmpty();
                default -> true;
            };
        }
    }

    /** JUnit's {@code assertEquals} over plain data. */
    static final class JavaEq {
        private JavaEq() {
        }

        /**
         * @param topLevel the values are the assertion's own arguments, so JUnit's primitive overloads compare numbers by
         *                 value; inside collections {@code equals} also needs the same boxed type
         */
        static boolean equal(JsonNode a, JsonNode b, boolean topLevel) {
            if (isOpaque(a) || isOpaque(b)) {
                return false;
            }
            if (topLevel && (tag(a).equals("char") && isNumber(b) || isNumber(a) && tag(b).equals("char"))) {
                // assertEquals('a', 97): JUnit's primitive overloads widen the char to a number.
                return equal(charAsInt(a), charAsInt(b), true);
            }
            String ta = tag(a);
            String tb = tag(b);
            if (isNumber(a) && isNumber(b)) {
                String boxedA = a.path("java").asText("");
                String boxedB = b.path("java").asText("");
                if (!topLevel && !boxedA.isEmpty() && !boxedB.isEmpty() && !boxedA.equals(boxedB)) {
                    return false;
                }
                if (ta.equals("int") && tb.equals("int")) {
                    return new BigInteger(a.path("v").asText()).equals(new BigInteger(b.path("v").asText()));
                }
                // JUnit's assertEquals(double, double): equal bit patterns (NaN equals NaN, 0.0 differs from -0.0).
                return Double.doubleToLongBits(asDouble(a)) == Double.doubleToLongBits(asDouble(b));
            }
            if (!ta.equals(tb)) {
                return false;
            }
            return switch (ta) {
                case "null" -> true;
                case "bool", "str", "char" -> a.path("v").asText().equals(b.path("v").asText());
                case "list" -> sameSequence(a.path("v"), b.path("v"), (x, y) -> equal(x, y, false));
                // assertArrayEquals on primitive arrays compares the primitives, whatever their boxes on the way out.
                case "array" -> sameSequence(a.path("v"), b.path("v"), (x, y) -> equal(x, y, true));
                case "set" -> sameElements(a.path("v"), b.path("v"), (x, y) -> equal(x, y, false));
                case "map" -> sameMap(a.path("v"), b.path("v"), (x, y) -> equal(x, y, false), (x, y) -> equal(x, y, false));
                default -> false;
            };
        }

        private static JsonNode charAsInt(JsonNode v) {
            if (!tag(v).equals("char")) {
                return v;
            }
            com.fasterxml.jackson.databind.node.ObjectNode number = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            return number.put("t", "int").put("v", Integer.toString(v.path("v").asText().isEmpty() ? 0 : v.path("v").asText().charAt(0)));
        }

        /** {@code assertEquals(double, double, delta)}. */
        static boolean delta(JsonNode a, JsonNode e, double delta) {
            if (!isNumber(a) || !isNumber(e)) {
                return false;
            }
            double x = asDouble(a);
            double y = asDouble(e);
            return Double.doubleToLongBits(x) == Double.doubleToLongBits(y) || Math.abs(y - x) <= delta;
        }
    }

    /** A short, language-neutral rendering of an encoded value for messages. */
    public static String render(JsonNode value) {
        StringBuilder out = new StringBuilder();
        render(value, out);
        return out.length() > MAX_RENDER ? out.substring(0, MAX_RENDER) + "…" : out.toString();
    }

    private static void render(JsonNode v, StringBuilder out) {
        if (out.length() > MAX_RENDER) {
            return;
        }
        switch (tag(v)) {
            case "null" -> out.append("null");
            case "undefined" -> out.append("undefined");
            case "bool", "int", "float" -> out.append(v.path("v").asText());
            case "str" -> out.append('"').append(v.path("v").asText().replace("\"", "\\\"").replace("\n", "\\n")).append('"');
            case "char" -> out.append('\'').append(v.path("v").asText()).append('\'');
            case "bytes" -> out.append("bytes(base64 ").append(v.path("v").asText()).append(')');
            case "list", "array", "tuple", "set" -> {
                String open = switch (tag(v)) {
                    case "tuple" -> "(";
                    case "set" -> "{";
                    default -> "[";
                };
                out.append(open);
                int i = 0;
                for (JsonNode item : v.path("v")) {
                    if (i++ > 0) {
                        out.append(", ");
                    }
                    render(item, out);
                }
                out.append(open.equals("(") ? ")" : open.equals("{") ? "}" : "]");
            }
            case "map" -> {
                out.append('{');
                int i = 0;
                for (JsonNode entry : v.path("v")) {
                    if (i++ > 0) {
                        out.append(", ");
                    }
                    render(entry.path(0), out);
                    out.append(": ");
                    render(entry.path(1), out);
                }
                out.append('}');
            }
            case "object" -> out.append('<').append(v.path("type").asText("?")).append(' ').append(v.path("repr").asText("")).append('>');
            default -> out.append(v);
        }
    }
}
