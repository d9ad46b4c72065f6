package dev.assay.harness.core;

import java.lang.reflect.Array;
import java.math.BigInteger;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The canonical value encoding for Java (harness/PROTOCOL.md "Canonical values"). Only the JDK's own plain data is
 * encoded as data: boxed numbers, {@link Character}, {@link Boolean}, {@link String}, arrays, and {@link List}/
 * {@link Set}/{@link Map} implementations of the bootstrap class loader. Anything else, in particular any class the
 * workspace defined, is an opaque {@code object} that the executor never finds equal to anything, so an object whose
 * {@code equals} claims to match everything gains nothing.
 */
public final class Canon {
    static final int MAX_DEPTH = 32;
    static final int MAX_VALUES = 10_000;
    static final int MAX_STRING = 100_000;
    static final int MAX_REPR = 200;

    private int values;

    private Canon() {
    }

    /** {@code value} in the canonical encoding, as JSON text. Never throws. */
    public static String encode(Object value) {
        try {
            StringBuilder out = new StringBuilder();
            new Canon().write(out, value, 1);
            return out.toString();
        } catch (TooLarge e) {
            return object("<too large>", e.getMessage());
        } catch (Throwable e) {
            // A collection whose iteration throws (a workspace list inside a JDK wrapper, a concurrent change): what
            // was seen is not data.
            return object(safeClassName(value), "<unreadable: " + e.getClass().getName() + ">");
        }
    }

    private void write(StringBuilder out, Object v, int depth) {
        if (++values > MAX_VALUES) {
            throw new TooLarge("more than " + MAX_VALUES + " values");
        }
        if (depth > MAX_DEPTH) {
            throw new TooLarge("nested deeper than " + MAX_DEPTH);
        }
        if (v == null) {
            out.append("{\"t\":\"null\"}");
            return;
        }
        Class<?> type = v.getClass();
        if (type.isArray()) {
            int n = Array.getLength(v);
            out.append("{\"t\":\"array\",\"v\":[");
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(out, Array.get(v, i), depth + 1);
            }
            out.append("]}");
            return;
        }
        if (type.getClassLoader() != null) {
            out.append(object(type.getName(), repr(v)));
            return;
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte || v instanceof BigInteger) {
            boxed(out, "int", v.toString(), type);
        } else if (v instanceof Double d) {
            boxed(out, "float", floating(d), type);
        } else if (v instanceof Float f) {
            boxed(out, "float", floating(f.doubleValue()), type);
        } else if (v instanceof Boolean b) {
            out.append("{\"t\":\"bool\",\"v\":").append(b.booleanValue()).append('}');
        } else if (v instanceof Character c) {
            scalar(out, "char", String.valueOf(c.charValue()));
        } else if (v instanceof String s) {
            if (s.length() > MAX_STRING) {
                throw new TooLarge("a string longer than " + MAX_STRING + " characters");
            }
            scalar(out, "str", s);
        } else if (v instanceof List<?> list) {
            sequence(out, "list", list, depth);
        } else if (v instanceof Set<?> set) {
            sequence(out, "set", set, depth);
        } else if (v instanceof Map<?, ?> map) {
            out.append("{\"t\":\"map\",\"v\":[");
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                out.append('[');
                write(out, e.getKey(), depth + 1);
                out.append(',');
                write(out, e.getValue(), depth + 1);
                out.append(']');
            }
            out.append("]}");
        } else {
            out.append(object(type.getName(), repr(v)));
        }
    }

    private void sequence(StringBuilder out, String t, Collection<?> items, int depth) {
        out.append("{\"t\":\"").append(t).append("\",\"v\":[");
        boolean first = true;
        for (Object item : items) {
            if (!first) {
                out.append(',');
            }
            first = false;
            write(out, item, depth + 1);
        }
        out.append("]}");
    }

    /** A number with its boxed type: inside collections JUnit compares with equals, where Integer 1 is not Long 1. */
    private static void boxed(StringBuilder out, String tag, String value, Class<?> type) {
        out.append("{\"t\":\"").append(tag).append("\",\"v\":").append(Json.quote(value)).append(",\"java\":\"")
                .append(type.getSimpleName()).append("\"}");
    }

    private static void scalar(StringBuilder out, String t, String v) {
        out.append("{\"t\":\"").append(t).append("\",\"v\":");
        Json.quote(out, v);
        out.append('}');
    }

    /** A double as the protocol spells it: {@code Double.toString}, or nan, inf, -inf. */
    public static String floating(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        return Double.toString(d);
    }

    private static String object(String type, String repr) {
        return "{\"t\":\"object\",\"type\":" + Json.quote(type) + ",\"repr\":" + Json.quote(repr) + "}";
    }

    /** {@code toString} of a value that is not data, guarded and cut to {@value #MAX_REPR} characters. */
    static String repr(Object v) {
        String s;
        try {
            s = String.valueOf(v);
        } catch (Throwable e) {
            return "<toString threw " + e.getClass().getName() + ">";
        }
        if (s.length() > MAX_REPR) {
            int end = MAX_REPR;
            if (Character.isHighSurrogate(s.charAt(end - 1))) {
                end--;
            }
            s = s.substring(0, end) + "…";
        }
        return s;
    }

    private static String safeClassName(Object v) {
        try {
            return v == null ? "null" : v.getClass().getName();
        } catch (Throwable e) {
            return "?";
        }
    }

    private static final class TooLarge extends RuntimeException {
        TooLarge(String message) {
            super(message, null, false, false);
        }
    }
}
