package dev.assay.verifier.checks;

import dev.assay.avro.Severity;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shapes of credentials: key formats that are secrets on sight, and {@code password = …} style assignments. Used to
 * find leaks and to redact sandbox output before it is fed back to a model (OWASP LLM02). Never report the value.
 */
public final class SecretPatterns {

    /** One credential shape; {@code assignment} shapes keep the key name when redacted. */
    public record Shape(String kind, Pattern pattern, Severity severity, boolean assignment) {
    }

    public static final List<Shape> SHAPES = List.of(
            new Shape("private-key", Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----"), Severity.CRITICAL, false),
            new Shape("aws-access-key", Pattern.compile("\\b(AKIA|ASIA)[0-9A-Z]{16}\\b"), Severity.CRITICAL, false),
            new Shape("api-token", Pattern.compile("\\bsk-[A-Za-z0-9_\\-]{20,}"), Severity.CRITICAL, false),
            new Shape("github-token", Pattern.compile("\\bgh[pousr]_[A-Za-z0-9]{30,}"), Severity.CRITICAL, false),
            new Shape("slack-token", Pattern.compile("\\bxox[abprs]-[A-Za-z0-9-]{10,}"), Severity.CRITICAL, false),
            new Shape("password", Pattern.compile("(?i)\\b(password|passwd|pwd)(\\s*[=:]\\s*)[\"']?[^\\s\"',;]{4,}"),
                    Severity.HIGH, true),
            new Shape("api-key", Pattern.compile(
                    "(?i)\\b(api[_-]?key|secret(?:[_-]?key)?|access[_-]?token|auth[_-]?token|client[_-]?secret)(\\s*[=:]\\s*)[\"']?[A-Za-z0-9_\\-./+=]{8,}"),
                    Severity.HIGH, true));

    /**
     * Assignment shapes as they look in source code: the value must be a string literal, so that
     * {@code password = os.environ["DB_PASSWORD"]} or {@code apiKey: config.key()} — the right way — is not flagged.
     */
    public static final List<Shape> SOURCE_LITERALS = List.of(
            new Shape("password", Pattern.compile("(?i)(?<![a-z])(password|passwd|pwd)\\w*(\\s*[=:]\\s*)[\"'][^\\s\"']{4,}[\"']"),
                    Severity.HIGH, true),
            new Shape("api-key", Pattern.compile(
                    "(?i)(?<![a-z])(api[_-]?key|secret(?:[_-]?key)?|access[_-]?token|auth[_-]?token|client[_-]?secret)\\w*(\\s*[=:]\\s*)[\"'][A-Za-z0-9_\\-./+=]{8,}[\"']"),
                    Severity.HIGH, true));

    private SecretPatterns() {
    }

    /** The shapes to look for in source files: key formats as they are, assignments only with a literal value. */
    public static List<Shape> sourceShapes() {
        return java.util.stream.Stream.concat(SHAPES.stream().filter(s -> !s.assignment()), SOURCE_LITERALS.stream()).toList();
    }

    /** The text with every credential-shaped span replaced by {@code ******} (assignment keys kept). */
    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text == null ? "" : text;
        }
        String out = text;
        for (Shape shape : SHAPES) {
            Matcher m = shape.pattern().matcher(out);
            out = shape.assignment()
                    ? m.replaceAll(r -> Matcher.quoteReplacement(r.group(1) + r.group(2) + "******"))
                    : m.replaceAll("******");
        }
        return out;
    }
}
