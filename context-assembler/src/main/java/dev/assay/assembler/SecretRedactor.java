package dev.assay.assembler;

import dev.assay.avro.Redaction;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes secrets from file contents before they leave the assembler (OWASP LLM02): each secret value becomes
 * {@code [REDACTED:<kind>]} and is recorded as a {@link Redaction} with path, 1-based line and kind, never the value.
 *
 * <p>Detectors, modelled on gitleaks' rules: provider token formats with fixed prefixes (precise), PEM private key
 * blocks, credentials in URLs, literal values assigned to secret-named keys, every value of a {@code .env} file,
 * and long high-entropy string literals. To avoid redacting ordinary code, assignments in source files only count
 * when the value is a string literal (so {@code password = request.form["password"]} is left alone), and the
 * entropy detector needs 24+ characters mixing upper case, lower case and digits with ≥ 4.3 bits per character.
 */
public final class SecretRedactor {
    private static final List<Detector> TOKEN_DETECTORS = List.of(
            new Detector("private-key", Pattern.compile(
                    "-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----[\\s\\S]*?(-----END \\1PRIVATE KEY( BLOCK)?-----|\\z)"), 0),
            new Detector("aws-access-key-id", Pattern.compile("\\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA)[0-9A-Z]{16}\\b"), 0),
            new Detector("aws-secret-access-key", Pattern.compile(
                    "(?i)aws_?secret_?(?:access_?)?key[\"']?\\s*[:=]\\s*[\"']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])"), 1),
            new Detector("github-token", Pattern.compile("\\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\\b"), 0),
            new Detector("gitlab-token", Pattern.compile("\\bgl(?:pat|dt|ptt|rt|cbt)-[A-Za-z0-9_\\-]{20,}"), 0),
            new Detector("slack-token", Pattern.compile("\\bxox[abposr]-[A-Za-z0-9-]{10,}"), 0),
            new Detector("slack-webhook", Pattern.compile("https://hooks\\.slack\\.com/(?:services|workflows)/[A-Za-z0-9+/_\\-]{20,}"), 0),
            new Detector("stripe-key", Pattern.compile("\\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}"), 0),
            new Detector("anthropic-key", Pattern.compile("\\bsk-ant-[a-z]+\\d*-[A-Za-z0-9_\\-]{20,}"), 0),
            new Detector("openai-key", Pattern.compile("\\bsk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_\\-]{20,}"), 0),
            new Detector("google-api-key", Pattern.compile("\\bAIza[0-9A-Za-z_\\-]{35}"), 0),
            new Detector("npm-token", Pattern.compile("\\bnpm_[A-Za-z0-9]{36}\\b"), 0),
            new Detector("huggingface-token", Pattern.compile("\\bhf_[A-Za-z0-9]{34,}\\b"), 0),
            new Detector("sendgrid-key", Pattern.compile("\\bSG\\.[A-Za-z0-9_\\-]{22}\\.[A-Za-z0-9_\\-]{43}\\b"), 0),
            new Detector("azure-storage-key", Pattern.compile("(?i)\\bAccountKey=([A-Za-z0-9+/]{40,}={0,2})"), 1),
            new Detector("jwt", Pattern.compile("\\beyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}"), 0),
            new Detector("url-password", Pattern.compile(
                    "\\b[a-zA-Z][a-zA-Z0-9+.\\-]*://[^\\s:/@'\"]+:([^\\s@/'\"]+)@"), 1),
            new Detector("authorization-header", Pattern.compile(
                    "(?i)\\bauthorization[\"'\\]]*\\s*[:=]\\s*[\"']?(?:bearer|basic|token)\\s+([A-Za-z0-9._~+/=\\-]{12,})"), 1));

    private static final String SECRET_NAME =
            "[A-Za-z0-9_.\\-]*(?:password|passwd|passphrase|pwd|secret|api[_\\-.]?key|apikey|access[_\\-.]?key|"
                    + "access[_\\-.]?token|auth[_\\-.]?token|refresh[_\\-.]?token|bearer[_\\-.]?token|client[_\\-.]?secret|"
                    + "private[_\\-.]?key|credentials?|signing[_\\-.]?key|encryption[_\\-.]?key)[A-Za-z0-9_.\\-]*";
    /** In source code: a secret-named variable or key assigned a string literal. */
    private static final Pattern CODE_ASSIGNMENT = Pattern.compile(
            "(?i)(?<![A-Za-z0-9_])[\"']?(" + SECRET_NAME + ")[\"']?\\s*(?::\\s*[A-Za-z_\\[\\]., ]+)?\\s*(?:=|:|:=|=>)\\s*(?:[a-z]{1,2})?([\"'`])([^\"'`\\r\\n]{4,})\\2");
    /** In configuration files: also unquoted values up to the end of the line or a comment. */
    private static final Pattern CONFIG_ASSIGNMENT = Pattern.compile(
            "(?im)^\\s*(?:export\\s+|-\\s+)?[\"']?(" + SECRET_NAME + ")[\"']?\\s*[:=]\\s*(?:([\"'])([^\"'\\r\\n]+)\\2|([^\\s\"'#][^\\r\\n#]*?))\\s*(?:#.*)?$");
    private static final Pattern ENV_LINE = Pattern.compile("(?m)^\\s*(?:export\\s+)?[A-Za-z_][A-Za-z0-9_.]*\\s*=\\s*(?:([\"'])(.*?)\\1|([^\\r\\n#]*?))\\s*(?:#.*)?$");
    private static final Pattern LITERAL = Pattern.compile("([\"'`])([A-Za-z0-9+/=_\\-]{24,})\\1");
    private static final Pattern PLACEHOLDER = Pattern.compile(
            "(?i)^(\\$\\{.*}|\\$\\w+|\\{\\{.*}}|<[^>]*>|%\\(?\\w+\\)?s?|x{3,}|\\*{3,}|\\.{3}|changeme|change[_-]?me|none|null|nil|"
                    + "true|false|undefined|example|dummy|redacted|\\[REDACTED:[a-z\\-]+])$");
    private static final Set<String> CONFIG_EXTENSIONS = Set.of("properties", "yaml", "yml", "ini", "toml", "cfg", "conf",
            "json", "env", "xml", "tf", "tfvars");

    /** The redacted content and what was removed. */
    public record Result(String content, List<Redaction> redactions) {
    }

    public Result redact(String path, String content) {
        List<Span> spans = new ArrayList<>();
        for (Detector d : TOKEN_DETECTORS) {
            Matcher m = d.pattern().matcher(content);
            while (m.find()) {
                spans.add(new Span(m.start(d.group()), m.end(d.group()), d.kind()));
            }
        }
        String name = FileKinds.fileName(path).toLowerCase(Locale.ROOT);
        boolean envFile = name.equals(".env") || name.startsWith(".env.") || name.endsWith(".env");
        boolean configFile = envFile || CONFIG_EXTENSIONS.contains(extension(name));
        if (envFile) {
            envValues(content, spans);
        }
        if (configFile) {
            Matcher m = CONFIG_ASSIGNMENT.matcher(content);
            while (m.find()) {
                int group = m.group(3) != null ? 3 : 4;
                addAssignment(spans, m.start(group), m.end(group), m.group(group), m.group(1));
            }
        }
        Matcher code = CODE_ASSIGNMENT.matcher(content);
        while (code.find()) {
            addAssignment(spans, code.start(3), code.end(3), code.group(3), code.group(1));
        }
        Matcher literal = LITERAL.matcher(content);
        while (literal.find()) {
            if (looksRandom(literal.group(2))) {
                spans.add(new Span(literal.start(2), literal.end(2), "high-entropy-string"));
            }
        }
        return apply(path, content, spans);
    }

    private static void envValues(String content, List<Span> spans) {
        Matcher m = ENV_LINE.matcher(content);
        while (m.find()) {
            int group = m.group(2) != null ? 2 : 3;
            String value = m.group(group);
            // Flags and small numbers (DEBUG=true, PORT=8080) are configuration, not secrets.
            if (value == null || value.isBlank() || value.matches("(?i)true|false|yes|no|on|off|\\d{1,6}")
                    || PLACEHOLDER.matcher(value.strip()).matches()) {
                continue;
            }
            spans.add(new Span(m.start(group), m.end(group), "env-value"));
        }
    }

    private static void addAssignment(List<Span> spans, int start, int end, String value, String key) {
        String v = value.strip();
        if (v.isEmpty() || PLACEHOLDER.matcher(v).matches() || isFieldName(v, key) || isReference(v)) {
            return;
        }
        spans.add(new Span(start, start + value.stripTrailing().length(), "secret-assignment"));
    }

    /** {@code PASSWORD_FIELD = "password"}: the value names the field, it is not a secret. */
    private static boolean isFieldName(String value, String key) {
        String v = value.toLowerCase(Locale.ROOT).replaceAll("[_\\-. ]", "");
        String k = key.toLowerCase(Locale.ROOT).replaceAll("[_\\-.]", "");
        return v.matches("[a-z]+") && (k.contains(v) || v.contains("password") || v.contains("secret") || v.contains("token")
                || v.contains("apikey")) && v.length() <= 24;
    }

    /** Values that point elsewhere (env lookups, vault paths, function calls, file paths) rather than hold a secret. */
    private static boolean isReference(String value) {
        return value.startsWith("${") || value.startsWith("$(") || value.startsWith("env(") || value.startsWith("vault:")
                || value.startsWith("file:") || value.startsWith("/") || value.startsWith("./") || value.startsWith("~/")
                || value.matches("(?i)[A-Za-z_][\\w.]*\\(.*\\)") || value.contains(" ") && !value.matches(".*\\d.*");
    }

    /** Long, mixed-class, high-entropy strings; UUIDs, hex digests and identifiers do not qualify. */
    static boolean looksRandom(String s) {
        if (s.length() < 24 || s.matches("[0-9a-fA-F\\-]+")) {
            return false;
        }
        boolean upper = s.chars().anyMatch(Character::isUpperCase);
        boolean lower = s.chars().anyMatch(Character::isLowerCase);
        boolean digit = s.chars().anyMatch(Character::isDigit);
        return upper && lower && digit && entropy(s) >= 4.3;
    }

    /** Shannon entropy in bits per character. */
    static double entropy(String s) {
        int[] counts = new int[128];
        int other = 0;
        for (char c : s.toCharArray()) {
            if (c < 128) {
                counts[c]++;
            } else {
                other++;
            }
        }
        double h = 0;
        for (int n : counts) {
            if (n > 0) {
                double p = (double) n / s.length();
                h -= p * Math.log(p) / Math.log(2);
            }
        }
        if (other > 0) {
            double p = (double) other / s.length();
            h -= p * Math.log(p) / Math.log(2);
        }
        return h;
    }

    /** Keeps the earliest of overlapping spans (the longest when they start together), replaces each, records lines. */
    private static Result apply(String path, String content, List<Span> spans) {
        spans.sort(Comparator.comparingInt(Span::start).thenComparing(Comparator.comparingInt(Span::end).reversed()));
        StringBuilder out = new StringBuilder(content.length());
        List<Redaction> redactions = new ArrayList<>();
        int cursor = 0;
        int line = 1;
        int lineCursor = 0;
        for (Span span : spans) {
            if (span.start() < cursor || span.end() <= span.start()) {
                continue;
            }
            for (int i = lineCursor; i < span.start(); i++) {
                if (content.charAt(i) == '\n') {
                    line++;
                }
            }
            lineCursor = span.start();
            out.append(content, cursor, span.start()).append("[REDACTED:").append(span.kind()).append(']');
            redactions.add(Redaction.newBuilder().setPath(path).setLine(line).setKind(span.kind()).build());
            cursor = span.end();
        }
        if (redactions.isEmpty()) {
            return new Result(content, List.of());
        }
        out.append(content, cursor, content.length());
        return new Result(out.toString(), List.copyOf(redactions));
    }

    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1);
    }

    private record Detector(String kind, Pattern pattern, int group) {
    }

    private record Span(int start, int end, String kind) {
    }
}
