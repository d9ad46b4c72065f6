package dev.assay.verifier.checks;

import dev.assay.avro.ArtifactKind;
import dev.assay.avro.Finding;
import dev.assay.avro.Language;
import dev.assay.avro.Severity;
import dev.assay.avro.SourceFile;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Flags APIs through which generated code can escape its task: process execution, dynamic evaluation, raw
 * network access, native calls and reflection that breaks encapsulation. Generated code is untrusted input
 * (OWASP LLM05), so these are found deterministically, line by line, and not left to a model.
 *
 * <p>Severity depends on the artifact kind: shelling out is expected of an infrastructure script and a socket of
 * an API endpoint, so there the finding is MEDIUM (the gate still sees it); elsewhere it is HIGH and fails the
 * attempt. Dynamic evaluation is HIGH everywhere.
 */
public final class DangerousApiCheck implements Check {

    /** One dangerous API: where it applies, how it looks, and the kinds of artifact that legitimately use it. */
    public record Rule(String id, Language language, Pattern pattern, Severity severity, Set<ArtifactKind> expectedIn,
            String why) {

        Severity severityFor(ArtifactKind kind) {
            return expectedIn.contains(kind) ? Severity.MEDIUM : severity;
        }
    }

    private static final Set<ArtifactKind> OPS = EnumSet.of(ArtifactKind.INFRASTRUCTURE, ArtifactKind.MIGRATION);
    private static final Set<ArtifactKind> NETWORKED = EnumSet.of(ArtifactKind.API_ENDPOINT, ArtifactKind.INFRASTRUCTURE);
    private static final Set<ArtifactKind> NONE = EnumSet.noneOf(ArtifactKind.class);

    /** The built-in rules. */
    public static final List<Rule> DEFAULT_RULES = List.of(
            rule("python.subprocess", Language.PYTHON, "\\bsubprocess\\b", Severity.HIGH, OPS,
                    "runs external processes"),
            rule("python.os-system", Language.PYTHON, "\\bos\\s*\\.\\s*(system|popen|exec[lv]p?e?|spawn\\w*|fork)\\s*\\(",
                    Severity.HIGH, OPS, "runs external processes"),
            rule("python.eval", Language.PYTHON, "(?<![\\w.])eval\\s*\\(", Severity.HIGH, NONE,
                    "evaluates dynamic code"),
            rule("python.exec", Language.PYTHON, "(?<![\\w.])exec\\s*\\(", Severity.HIGH, NONE,
                    "executes dynamic code"),
            rule("python.dynamic-import", Language.PYTHON, "\\b__import__\\s*\\(", Severity.HIGH, NONE,
                    "imports modules by computed name"),
            rule("python.socket", Language.PYTHON, "^\\s*(import\\s+socket\\b|from\\s+socket\\s+import\\b)|\\bsocket\\s*\\.\\s*socket\\s*\\(",
                    Severity.HIGH, NETWORKED, "opens raw network connections"),
            rule("python.ctypes", Language.PYTHON, "\\bctypes\\b", Severity.HIGH, NONE,
                    "calls native code"),
            rule("java.runtime-exec", Language.JAVA, "Runtime\\s*\\.\\s*getRuntime\\s*\\(\\s*\\)\\s*\\.\\s*exec\\s*\\(",
                    Severity.HIGH, OPS, "runs external processes"),
            rule("java.process-builder", Language.JAVA, "\\bProcessBuilder\\b", Severity.HIGH, OPS,
                    "runs external processes"),
            rule("java.set-accessible", Language.JAVA, "\\.\\s*setAccessible\\s*\\(", Severity.HIGH,
                    EnumSet.of(ArtifactKind.UNIT_TEST), "breaks encapsulation through reflection"),
            rule("java.socket", Language.JAVA, "\\bjava\\.net\\.(Socket|ServerSocket|DatagramSocket|URL|URLConnection|HttpURLConnection)\\b|\\bnew\\s+(Server|Datagram)?Socket\\s*\\(|\\bjava\\.net\\.http\\b",
                    Severity.HIGH, NETWORKED, "opens network connections"),
            rule("js.child-process", Language.JAVASCRIPT, "\\bchild_process\\b", Severity.HIGH, OPS,
                    "runs external processes"),
            rule("js.eval", Language.JAVASCRIPT, "(?<![\\w.$])eval\\s*\\(", Severity.HIGH, NONE,
                    "evaluates dynamic code"),
            rule("js.new-function", Language.JAVASCRIPT, "\\bnew\\s+Function\\s*\\(", Severity.HIGH, NONE,
                    "compiles dynamic code"),
            rule("js.network", Language.JAVASCRIPT,
                    "(require\\s*\\(\\s*|\\bfrom\\s+|\\bimport\\s+)['\"](node:)?(net|http|https|http2|dgram|tls|dns)['\"]",
                    Severity.HIGH, NETWORKED, "opens network connections"));

    private final List<Rule> rules;

    public DangerousApiCheck() {
        this(DEFAULT_RULES);
    }

    public DangerousApiCheck(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    @Override
    public String id() {
        return "dangerous-api";
    }

    @Override
    public List<Finding> inspect(CheckSubject subject) {
        List<Finding> findings = new ArrayList<>();
        for (SourceFile file : subject.files()) {
            Language language = subject.languageOf(file);
            List<Rule> applicable = rules.stream().filter(r -> r.language() == language).toList();
            if (applicable.isEmpty()) {
                continue;
            }
            String[] lines = file.getContent().split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i];
                if (isCommentLine(line, language)) {
                    continue;
                }
                for (Rule rule : applicable) {
                    if (rule.pattern().matcher(line).find()) {
                        Severity severity = rule.severityFor(subject.kind());
                        String note = severity == rule.severity() ? "" : " (expected in " + subject.kind() + ", flagged for review)";
                        findings.add(Findings.of(rule.id(), severity, "uses " + describe(rule) + ": " + rule.why() + note,
                                file.getPath(), i + 1));
                    }
                }
            }
        }
        return findings;
    }

    private static String describe(Rule rule) {
        return rule.id().substring(rule.id().indexOf('.') + 1);
    }

    private static boolean isCommentLine(String line, Language language) {
        String t = line.strip();
        return switch (language) {
            case PYTHON -> t.startsWith("#");
            case JAVA, JAVASCRIPT -> t.startsWith("//") || t.startsWith("*") || t.startsWith("/*");
            default -> false;
        };
    }

    private static Rule rule(String id, Language language, String regex, Severity severity, Set<ArtifactKind> expectedIn,
            String why) {
        return new Rule(id, language, Pattern.compile(regex), severity, Set.copyOf(expectedIn), why);
    }
}
