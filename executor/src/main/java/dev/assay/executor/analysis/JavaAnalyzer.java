package dev.assay.executor.analysis;

import com.github.javaparser.JavaParser;
import com.github.javaparser.ParseResult;
import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.Problem;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.body.TypeDeclaration;
import dev.assay.executor.analysis.Analysis.Evidence;
import dev.assay.executor.analysis.Analysis.Kind;
import dev.assay.executor.analysis.Analysis.KindSignal;
import dev.assay.executor.analysis.Analysis.Severity;
import dev.assay.executor.analysis.Analysis.StaticFinding;
import dev.assay.executor.analysis.Analysis.TrustedTest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Java analysis in the executor (harness/PROTOCOL.md "Analysis report"; Java needs no sandbox for it: JavaParser only
 * parses, nothing is loaded or run). From the request's {@code .java} files: the trusted test set, those files with
 * their sealed assertions rewritten into {@code dev.assay.harness.Probe.record} calls, and the expected values; from
 * the generated {@code .java} files: tamper findings ({@link JavaTamper}) and kind signals ({@link JavaSignals}).
 *
 * <p>Pathological input (nesting deep enough to exhaust the parser's stack) becomes an error or a finding, never a
 * crash. Instances are stateless and may be shared.
 */
public final class JavaAnalyzer {
    private static final int FIRST_PROBE = 1;
    /** Generated sources past this size are not parsed (JavaParser needs seconds per megabyte): HIGH, not a stall. */
    static final int MAX_GENERATED_CHARS = 1_000_000;

    /**
     * Analyses one execution's files.
     *
     * @param requestFiles   the request's files, workspace path → content (tests included; only {@code .java} counts)
     * @param generatedFiles the generated files, workspace path → content
     * @param targetPaths    what the request asked for (not needed by the Java rules; accepted for symmetry with the
     *                       sandboxed analyzers)
     */
    public Analysis analyze(Map<String, String> requestFiles, Map<String, String> generatedFiles, List<String> targetPaths) {
        List<TrustedTest> tests = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        List<StaticFinding> findings = new ArrayList<>();

        Map<String, CompilationUnit> request = new TreeMap<>();
        for (Map.Entry<String, String> e : new TreeMap<>(requestFiles).entrySet()) {
            if (!e.getKey().endsWith(".java")) {
                continue;
            }
            ParsedOrError parsed = parse(e.getValue());
            if (parsed.unit() != null) {
                request.put(e.getKey(), parsed.unit());
            } else {
                errors.add(e.getKey() + ": " + parsed.error());
                tests.add(new TrustedTest(e.getKey(), e.getKey(), Kind.FILE, false, Evidence.IN_PROCESS, List.of(), 0));
            }
        }
        Map<String, CompilationUnit> generated = new TreeMap<>();
        for (Map.Entry<String, String> e : new TreeMap<>(generatedFiles).entrySet()) {
            if (!e.getKey().endsWith(".java")) {
                continue;
            }
            if (e.getValue().length() > MAX_GENERATED_CHARS) {
                findings.add(new StaticFinding("unanalyzable", Severity.HIGH, "larger than " + MAX_GENERATED_CHARS
                        + " characters: the tamper analysis does not read it", e.getKey(), null));
                continue;
            }
            ParsedOrError parsed = parse(e.getValue());
            if (parsed.unit() != null) {
                generated.put(e.getKey(), parsed.unit());
            } else {
                // javac decides whether it compiles; what JavaParser cannot read, the analysis cannot vouch for.
                findings.add(new StaticFinding("unanalyzable", Severity.HIGH, "the tamper analysis cannot read this file: "
                        + parsed.error(), e.getKey(), null));
            }
        }
        Set<String> workspaceTypes = new HashSet<>();
        request.values().forEach(u -> u.findAll(TypeDeclaration.class).forEach(t -> workspaceTypes.add(t.getNameAsString())));
        generated.values().forEach(u -> u.findAll(TypeDeclaration.class).forEach(t -> workspaceTypes.add(t.getNameAsString())));

        Map<String, String> rewritten = Map.of();
        Map<Integer, Analysis.Expectation> expectations = Map.of();
        List<JavaTests.Source> sources = new ArrayList<>();
        request.forEach((path, unit) -> sources.add(new JavaTests.Source(path, requestFiles.get(path), unit,
                new JavaNames(unit, workspaceTypes))));
        try {
            JavaTests javaTests = new JavaTests(sources);
            javaTests.analyze(FIRST_PROBE);
            tests.addAll(javaTests.tests);
            rewritten = javaTests.rewritten;
            expectations = javaTests.expectations;
        } catch (StackOverflowError e) {
            for (JavaTests.Source s : sources) {
                errors.add(s.path() + ": too deeply nested to analyse");
                tests.add(new TrustedTest(s.path(), s.path(), Kind.FILE, false, Evidence.IN_PROCESS, List.of(), 0));
            }
        }
        List<KindSignal> signals = new ArrayList<>();
        for (Map.Entry<String, CompilationUnit> e : generated.entrySet()) {
            try {
                JavaTypes types = new JavaTypes(e.getValue(), new JavaNames(e.getValue(), workspaceTypes));
                findings.addAll(JavaTamper.scan(e.getKey(), e.getValue(), types, workspaceTypes));
                signals.addAll(JavaSignals.scan(e.getKey(), e.getValue(), types));
            } catch (StackOverflowError ex) {
                findings.add(new StaticFinding("unanalyzable", Severity.HIGH, "too deeply nested to analyse", e.getKey(), null));
            }
        }
        return new Analysis(tests, rewritten, expectations, findings, errors, signals);
    }

    private record ParsedOrError(CompilationUnit unit, String error) {
    }

    private static ParsedOrError parse(String source) {
        ParserConfiguration config = new ParserConfiguration()
                .setLanguageLevel(ParserConfiguration.LanguageLevel.JAVA_25)
                .setTabSize(1)
                .setStoreTokens(true)
                .setAttributeComments(false);
        try {
            ParseResult<CompilationUnit> result = new JavaParser(config).parse(source);
            if (result.isSuccessful() && result.getResult().isPresent()) {
                return new ParsedOrError(result.getResult().get(), null);
            }
            List<Problem> problems = result.getProblems();
            String first = problems.isEmpty() ? "unknown" : problems.get(0).getVerboseMessage();
            return new ParsedOrError(null, "syntax error: " + firstLine(first));
        } catch (StackOverflowError e) {
            return new ParsedOrError(null, "syntax error: too deeply nested to parse");
        } catch (RuntimeException e) {
            return new ParsedOrError(null, "syntax error: " + e.getClass().getSimpleName());
        }
    }

    private static String firstLine(String s) {
        String line = s.lines().findFirst().orElse(s);
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
}
