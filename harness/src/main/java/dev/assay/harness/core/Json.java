package dev.assay.harness.core;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The little JSON the harness needs without a library (the sandbox has none): string quoting for the records it
 * writes, and a strict parser for the handshake (objects become {@link LinkedHashMap}, arrays {@link ArrayList},
 * numbers {@link BigDecimal}, strings {@link String}, plus {@link Boolean} and {@code null}).
 */
public final class Json {
    private Json() {
    }

    /** {@code s} as a JSON string literal ({@code null} for null), always on one line. */
    public static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(s.length() + 2);
        quote(out, s);
        return out.toString();
    }

    /**
     * Appends {@code s} as a JSON string literal. Control characters, the Unicode line separators and lone surrogates
     * are escaped, so the result is one line in any reader and valid UTF-8 once encoded.
     */
    public static void quote(StringBuilder out, String s) {
        out.append('"');
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == 0x85 || c == 0x2028 || c == 0x2029) {
                        hex(out, c);
                    } else if (Character.isHighSurrogate(c)) {
                        if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                            out.append(c).append(s.charAt(++i));
                        } else {
                            hex(out, c);
                        }
                    } else if (Character.isLowSurrogate(c)) {
                        hex(out, c);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static void hex(StringBuilder out, char c) {
        out.append("\\u");
        String h = Integer.toHexString(c);
        out.append("0".repeat(4 - h.length())).append(h);
    }

    /**
     * Parses one JSON value that must fill {@code text} (surrounding whitespace allowed).
     *
     * @throws IllegalArgumentException when it is not JSON
     */
    public static Object parse(String text) {
        return parse(text.toCharArray(), null);
    }

    /**
     * Parses {@code text}; the value of the top-level object's member {@code secretKey} (which must be a string without
     * escapes) comes back as a {@code char[]}, never as a {@link String}, so the caller can wipe it.
     */
    static Object parse(char[] text, String secretKey) {
        Parser p = new Parser(text, secretKey);
        p.space();
        Object value = p.value(0);
        p.space();
        if (p.pos != text.length) {
            throw p.error("trailing characters");
        }
        return value;
    }

    private static final class Parser {
        private static final int MAX_DEPTH = 64;
        private final char[] s;
        private final String secretKey;
        private int pos;

        Parser(char[] s, String secretKey) {
            this.s = s;
            this.secretKey = secretKey;
        }

        Object value(int depth) {
            if (depth > MAX_DEPTH) {
                throw error("nested too deeply");
            }
            if (pos >= s.length) {
                throw error("unexpected end");
            }
            char c = s[pos];
            return switch (c) {
                case '{' -> object(depth);
                case '[' -> array(depth);
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> number();
            };
        }

        private Map<String, Object> object(int depth) {
            Map<String, Object> out = new LinkedHashMap<>();
            pos++;
            space();
            if (peek() == '}') {
                pos++;
                return out;
            }
            while (true) {
                space();
                if (peek() != '"') {
                    throw error("expected a member name");
                }
                String key = string();
                space();
                expect(':');
                space();
                if (depth == 0 && key.equals(secretKey)) {
                    out.put(key, secret());
                } else {
                    out.put(key, value(depth + 1));
                }
                space();
                char c = next();
                if (c == '}') {
                    return out;
                }
                if (c != ',') {
                    throw error("expected , or }");
                }
            }
        }

        private char[] secret() {
            expect('"');
            int start = pos;
            while (pos < s.length && s[pos] != '"') {
                if (s[pos] == '\\' || s[pos] < 0x20) {
                    throw error("the secret must be a plain string");
                }
                pos++;
            }
            char[] out = java.util.Arrays.copyOfRange(s, start, pos);
            expect('"');
            return out;
        }

        private List<Object> array(int depth) {
            List<Object> out = new ArrayList<>();
            pos++;
            space();
            if (peek() == ']') {
                pos++;
                return out;
            }
            while (true) {
                space();
                out.add(value(depth + 1));
                space();
                char c = next();
                if (c == ']') {
                    return out;
                }
                if (c != ',') {
                    throw error("expected , or ]");
                }
            }
        }

        private String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') {
                    return out.toString();
                }
                if (c < 0x20) {
                    throw error("control character in a string");
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char e = next();
                switch (e) {
                    case '"', '\\', '/' -> out.append(e);
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        if (pos + 4 > s.length) {
                            throw error("short \\u escape");
                        }
                        int v = 0;
                        for (int i = 0; i < 4; i++) {
                            int d = Character.digit(s[pos++], 16);
                            if (d < 0) {
                                throw error("bad \\u escape");
                            }
                            v = v * 16 + d;
                        }
                        out.append((char) v);
                    }
                    default -> throw error("bad escape");
                }
            }
        }

        private Object literal(String word, Object value) {
            for (int i = 0; i < word.length(); i++) {
                if (pos >= s.length || s[pos++] != word.charAt(i)) {
                    throw error("bad literal");
                }
            }
            return value;
        }

        private BigDecimal number() {
            int start = pos;
            if (peek() == '-') {
                pos++;
            }
            int digits = pos;
            while (pos < s.length && Character.isDigit(s[pos])) {
                pos++;
            }
            if (pos == digits || (s[digits] == '0' && pos - digits > 1)) {
                throw error("bad number");
            }
            if (pos < s.length && s[pos] == '.') {
                pos++;
                int frac = pos;
                while (pos < s.length && Character.isDigit(s[pos])) {
                    pos++;
                }
                if (pos == frac) {
                    throw error("bad number");
                }
            }
            if (pos < s.length && (s[pos] == 'e' || s[pos] == 'E')) {
                pos++;
                if (pos < s.length && (s[pos] == '+' || s[pos] == '-')) {
                    pos++;
                }
                int exp = pos;
                while (pos < s.length && Character.isDigit(s[pos])) {
                    pos++;
                }
                if (pos == exp) {
                    throw error("bad number");
                }
            }
            return new BigDecimal(new String(s, start, pos - start));
        }

        void space() {
            while (pos < s.length && (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '\n' || s[pos] == '\r')) {
                pos++;
            }
        }

        private char peek() {
            return pos < s.length ? s[pos] : '\0';
        }

        private char next() {
            if (pos >= s.length) {
                throw error("unexpected end");
            }
            return s[pos++];
        }

        private void expect(char c) {
            if (next() != c) {
                throw error("expected " + c);
            }
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException("not JSON: " + what + " at offset " + pos);
        }
    }
}
