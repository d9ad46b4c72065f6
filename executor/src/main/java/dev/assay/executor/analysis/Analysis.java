package dev.assay.executor.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the analysis of one execution found (harness/PROTOCOL.md, "Analysis report"): the trusted test set derived from
 * the request's test files, those files rewritten so their constant expectations stay outside the test run, the
 * expectations themselves, tamper findings and kind signals on the generated files. Produced by the Python and
 * JavaScript analyzers inside the sandbox, and by {@link JavaAnalyzer} in the executor.
 *
 * @param tests          the request's test units, each of which must run and pass
 * @param rewrittenFiles request test files whose sealed assertions were replaced by probes, by workspace path
 * @param expectations   by probe id
 * @param findings       tamper findings on generated files
 * @param errors         request test files the analysis could not read (a syntax error): their tests still run
 * @param signals        what the generated code is, read from its code (harness/PROTOCOL.md "Kind signals")
 */
public record Analysis(List<TrustedTest> tests, Map<String, String> rewrittenFiles, Map<Integer, Expectation> expectations,
        List<StaticFinding> findings, List<String> errors, List<KindSignal> signals) {
    /** The kinds a signal may name. */
    public static final Set<String> SIGNAL_KINDS = Set.of("API_ENDPOINT", "DB_QUERY", "MIGRATION", "INFRASTRUCTURE");

    public Analysis {
        tests = List.copyOf(tests);
        rewrittenFiles = Map.copyOf(rewrittenFiles);
        expectations = Map.copyOf(expectations);
        findings = List.copyOf(findings);
        errors = List.copyOf(errors);
        signals = List.copyOf(signals);
    }

    /** An analysis without kind signals. */
    public Analysis(List<TrustedTest> tests, Map<String, String> rewrittenFiles, Map<Integer, Expectation> expectations,
            List<StaticFinding> findings, List<String> errors) {
        this(tests, rewrittenFiles, expectations, findings, errors, List.of());
    }

    /** Nothing trusted, nothing sealed, nothing found: what a dry run needs. */
    public static Analysis empty() {
        return new Analysis(List.of(), Map.of(), Map.of(), List.of(), List.of(), List.of());
    }

    /** How a trusted unit is matched against what ran. */
    public enum Kind {
        /** By {@code function} id. */
        EXACT,
        /** By file: the file's tests cannot be listed statically; every test of it counts and one must run. */
        FILE
    }

    /** How strong a unit's evidence is. */
    public enum Evidence { SEALED, IN_PROCESS }

    /**
     * One unit of the trusted test set.
     *
     * @param function     the unit's id (harness/PROTOCOL.md "Test ids"), or the file path for {@link Kind#FILE}
     * @param file         the workspace-relative test file
     * @param skipInSource its trusted source allows it to skip
     * @param probes       sealed probes it must reach
     * @param line         where it is declared (1-based), 0 when unknown
     */
    public record TrustedTest(String function, String file, Kind kind, boolean skipInSource, Evidence evidence,
            List<Integer> probes, int line) {
        public TrustedTest {
            probes = List.copyOf(probes);
        }
    }

    /**
     * A sealed assertion's expectation.
     *
     * @param kind      the comparison (e.g. {@code py.eq}, {@code js.deepStrict}, {@code java.equals})
     * @param expected  the expected value in the canonical encoding, or null for kinds without one (truthy)
     * @param tolerance the kind's tolerance object, or null
     * @param path      the test file
     * @param line      the assertion's first line
     * @param source    the assertion as written, for messages
     */
    public record Expectation(String kind, JsonNode expected, JsonNode tolerance, String path, int line, String source) {
    }

    /** The severity a tamper finding carries. */
    public enum Severity { CRITICAL, HIGH, MEDIUM }

    /** A tamper finding on a generated file (rule ids: harness/PROTOCOL.md). */
    public record StaticFinding(String rule, Severity severity, String message, String path, Integer line) {
    }

    /**
     * What a place in a generated file shows the code to be (harness/PROTOCOL.md "Kind signals").
     *
     * @param kind   one of {@link #SIGNAL_KINDS}
     * @param path   the generated file
     * @param line   where (1-based), or null
     * @param reason what was seen, for people ("Flask route @app.get('/orders/<id>')")
     * @param sql    the statement's text when a literal is handed to a database call, else null
     */
    public record KindSignal(String kind, String path, Integer line, String reason, String sql) {
    }

    /**
     * Reads an analyzer's report.
     *
     * @throws IllegalArgumentException when it is not the protocol's shape
     */
    public static Analysis parse(JsonNode report) {
        if (report == null || !report.isObject() || !report.path("tests").isArray()) {
            throw new IllegalArgumentException("analysis report has no tests array");
        }
        List<TrustedTest> tests = new ArrayList<>();
        for (JsonNode t : report.get("tests")) {
            List<Integer> probes = new ArrayList<>();
            t.path("probes").forEach(p -> probes.add(p.asInt()));
            tests.add(new TrustedTest(text(t, "function"), text(t, "file"),
                    "file".equals(t.path("kind").asText("exact")) ? Kind.FILE : Kind.EXACT,
                    t.path("skipInSource").asBoolean(false),
                    "SEALED".equals(t.path("evidence").asText()) ? Evidence.SEALED : Evidence.IN_PROCESS,
                    probes, t.path("line").asInt(0)));
        }
        Map<String, String> files = new LinkedHashMap<>();
        report.path("files").properties().forEach(e -> files.put(e.getKey(), e.getValue().asText()));
        Map<Integer, Expectation> expectations = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : report.path("expectations").properties()) {
            JsonNode x = e.getValue();
            int id;
            try {
                id = Integer.parseInt(e.getKey());
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("analysis report has a probe id that is not a number: " + e.getKey(), ex);
            }
            expectations.put(id, new Expectation(text(x, "kind"), x.hasNonNull("expected") ? x.get("expected") : null,
                    x.hasNonNull("tolerance") ? x.get("tolerance") : null, x.path("path").asText(""), x.path("line").asInt(0),
                    x.path("source").asText("")));
        }
        List<StaticFinding> findings = new ArrayList<>();
        for (JsonNode f : report.path("findings")) {
            Severity severity;
            try {
                severity = Severity.valueOf(f.path("severity").asText("CRITICAL"));
            } catch (IllegalArgumentException ex) {
                severity = Severity.CRITICAL;
            }
            findings.add(new StaticFinding(text(f, "rule"), severity, f.path("message").asText(""),
                    f.hasNonNull("path") ? f.get("path").asText() : null, f.hasNonNull("line") ? f.get("line").asInt() : null));
        }
        List<String> errors = new ArrayList<>();
        report.path("errors").forEach(e -> errors.add(e.path("name").asText("?") + ": " + e.path("message").asText("")));
        List<KindSignal> signals = new ArrayList<>();
        for (JsonNode s : report.path("signals")) {
            String kind = text(s, "kind");
            if (!SIGNAL_KINDS.contains(kind)) {
                throw new IllegalArgumentException("analysis report has a signal of an unknown kind: " + s);
            }
            signals.add(new KindSignal(kind, text(s, "path"), s.hasNonNull("line") ? s.get("line").asInt() : null,
                    s.path("reason").asText(""), s.hasNonNull("sql") ? s.get("sql").asText() : null));
        }
        return new Analysis(tests, files, expectations, findings, errors, signals);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new IllegalArgumentException("analysis report entry without " + field + ": " + node);
        }
        return value.asText();
    }
}
