package dev.assay.generator;

import dev.assay.avro.AssembledContext;
import dev.assay.avro.AssayRequest;
import dev.assay.avro.ContextFile;
import dev.assay.avro.Finding;
import dev.assay.avro.FixRequest;
import dev.assay.avro.Language;
import dev.assay.avro.SourceFile;
import dev.assay.avro.TestCaseResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders prompts from the versioned templates under {@code prompts/<version>/} on the class path:
 * {@code system.md} (or {@code system-structured.md} for structured output), {@code task.md} (attempt 1) and
 * {@code fix.md} (later attempts). The version is recorded on
 * every Generation so a result can be traced to the exact wording that produced it; change wording in a new version.
 *
 * <p>Repository files, previous files and run feedback are wrapped in {@code <untrusted-file>} /
 * {@code <untrusted-feedback>} tags; any closing tag inside them is neutralised so the data cannot end its own
 * wrapper and pose as instructions. Placeholders are substituted in one pass, so {@code {{task}}} inside data is
 * left as text.
 */
public final class PromptBuilder {
    public static final String DEFAULT_VERSION = "v1";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-z_]+)}}");
    private static final Pattern CLOSING_TAG = Pattern.compile("(?i)<\\s*/\\s*(untrusted-)");
    /** Previous output and feedback are cut to this many characters: enough to diagnose, bounded for the budget. */
    static final int MAX_FEEDBACK_CHARS = 8_000;

    private final String version;
    private final GeneratorConfig config;
    private final String system;
    private final String task;
    private final String fix;

    /**
     * With {@code generator.structured.output} the system message asks for the JSON of {@link StructuredOutput}
     * ({@code system-structured.md}) and the recorded version is {@code <version>-structured}, so the wording
     * behind each Generation stays traceable.
     */
    public PromptBuilder(String version, GeneratorConfig config) {
        this.version = config.structuredOutput() ? version + "-structured" : version;
        this.config = config;
        this.system = load(version, config.structuredOutput() ? "system-structured.md" : "system.md");
        this.task = load(version, "task.md");
        this.fix = load(version, "fix.md");
    }

    public String version() {
        return version;
    }

    /** The prompt for attempt 1. */
    public Prompt initial(AssembledContext context) {
        Map<String, String> values = common(context);
        return new Prompt(context.getRequestId(), 1, systemFor(context.getRequest()), render(task, values), version,
                config.maxOutputTokens());
    }

    /** The prompt for attempt {@code fix.attempt}: the task again, plus the previous files and what failed. */
    public Prompt fix(FixRequest fixRequest) {
        AssembledContext context = fixRequest.getContext();
        Map<String, String> values = common(context);
        values.put("attempt", Integer.toString(fixRequest.getAttempt()));
        values.put("previous_attempt", Integer.toString(fixRequest.getAttempt() - 1));
        StringBuilder previous = new StringBuilder();
        for (SourceFile f : fixRequest.getPreviousFiles()) {
            previous.append(wrapFile(f.getPath(), "PREVIOUS_ATTEMPT", false, f.getContent()));
        }
        values.put("previous_files", previous.isEmpty() ? "(none)" : previous.toString().stripTrailing());
        values.put("feedback", neutralise(feedback(fixRequest)));
        return new Prompt(context.getRequestId(), fixRequest.getAttempt(), systemFor(context.getRequest()),
                render(fix, values), version, config.maxOutputTokens());
    }

    private String systemFor(AssayRequest request) {
        Map<String, String> values = new HashMap<>();
        Language language = request.getLanguage();
        values.put("language", display(language));
        values.put("dependencies", config.dependencies(language));
        values.put("limits", config.sandboxLimits());
        values.put("fence_language", language.name().toLowerCase(Locale.ROOT));
        return render(system, values);
    }

    private static Map<String, String> common(AssembledContext context) {
        AssayRequest request = context.getRequest();
        Map<String, String> values = new HashMap<>();
        values.put("task", request.getTask().strip());
        values.put("targets", request.getTargetPaths().isEmpty()
                ? "(not fixed: choose sensible new paths; do not overwrite the context files)"
                : String.join("\n", request.getTargetPaths().stream().map(p -> "- " + p).toList()));
        values.put("omitted", context.getOmittedPaths().isEmpty() ? ""
                : " Left out for lack of space: " + String.join(", ", context.getOmittedPaths()) + ".");
        StringBuilder files = new StringBuilder();
        for (ContextFile f : context.getFiles()) {
            files.append(wrapFile(f.getPath(), f.getReason().name(), f.getOutlineOnly(), f.getContent()));
        }
        values.put("files", files.isEmpty() ? "(none)" : files.toString().stripTrailing());
        return values;
    }

    private static String feedback(FixRequest fix) {
        StringBuilder out = new StringBuilder(fix.getFeedback().strip());
        if (!fix.getFailedTests().isEmpty()) {
            out.append("\n\nFailed tests:");
            for (TestCaseResult t : fix.getFailedTests()) {
                out.append("\n- ").append(t.getName()).append(" (").append(t.getStatus()).append(')');
                if (t.getMessage() != null && !t.getMessage().isBlank()) {
                    out.append(": ").append(t.getMessage().strip());
                }
            }
        }
        if (!fix.getFindings().isEmpty()) {
            out.append("\n\nFindings:");
            for (Finding f : fix.getFindings()) {
                out.append("\n- [").append(f.getSeverity()).append("] ").append(f.getCheck()).append(": ").append(f.getMessage());
                if (f.getPath() != null) {
                    out.append(" (").append(f.getPath()).append(f.getLine() == null ? "" : ":" + f.getLine()).append(')');
                }
            }
        }
        if (!fix.getPreviousOutput().isBlank()) {
            out.append("\n\nOutput of the run:\n").append(tail(fix.getPreviousOutput(), MAX_FEEDBACK_CHARS));
        }
        return tail(out.toString(), 2 * MAX_FEEDBACK_CHARS);
    }

    private static String wrapFile(String path, String reason, boolean outlineOnly, String content) {
        String body = neutralise(content);
        return "<untrusted-file path=\"" + attribute(path) + "\" reason=\"" + reason + "\""
                + (outlineOnly ? " outline-only=\"true\"" : "") + ">\n"
                + body + (body.endsWith("\n") ? "" : "\n") + "</untrusted-file>\n\n";
    }

    /** Keeps data from closing its wrapper: {@code </untrusted-file>} becomes {@code <\/untrusted-file>}. */
    static String neutralise(String text) {
        return CLOSING_TAG.matcher(text).replaceAll("<\\\\/$1");
    }

    private static String attribute(String value) {
        return value.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** The end of a long text, which is where test runners print the failure summary. */
    private static String tail(String text, int max) {
        return text.length() <= max ? text : "[… " + (text.length() - max) + " characters cut …]\n" + text.substring(text.length() - max);
    }

    private static String display(Language language) {
        return switch (language) {
            case PYTHON -> "Python 3";
            case JAVA -> "Java 21";
            case JAVASCRIPT -> "JavaScript (Node.js, ES modules or CommonJS as the context shows)";
            case UNKNOWN -> "the language of the context files";
        };
    }

    private static String render(String template, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalStateException("prompt template uses unknown placeholder {{" + m.group(1) + "}}");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String load(String version, String name) {
        String resource = "/prompts/" + version + "/" + name;
        try (InputStream in = PromptBuilder.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no prompt template " + resource + " (unknown template version '" + version + "'?)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read prompt template " + resource, e);
        }
    }
}
