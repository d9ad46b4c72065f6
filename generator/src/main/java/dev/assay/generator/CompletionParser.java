package dev.assay.generator;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.assay.avro.SourceFile;
import dev.assay.schemas.WorkspacePaths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Extracts files from a completion: each file is a fenced code block whose info string names it, e.g.
 * <pre>
 * ```python path=solution.py
 * ...
 * ```
 * </pre>
 * ({@code file=} is accepted too, values may be quoted). Blocks without a path are explanation and ignored.
 * A structured answer ({@link StructuredOutput}) goes through the same checks via {@link #parseStructured}.
 * The completion is untrusted input: every defect yields a {@link Result.Failed} with a reason, never an exception.
 *
 * <p>Write policy (what the model may write), checked by {@link WritePolicy}: when the request lists target paths,
 * exactly those and all of them; otherwise any new path. Never a test file the request supplied, unless the
 * request asks for tests ({@code UNIT_TEST}) and names that file as a target; and without target paths never any
 * file the request supplied.
 */
public final class CompletionParser {
    private static final Pattern OPEN = Pattern.compile("^ {0,3}(`{3,}|~{3,})(.*)$");
    private static final Pattern PATH_ATTR = Pattern.compile("(?:^|\\s)(?:path|file)\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)'|(\\S+))");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final int maxChars;
    private final int maxFiles;

    /**
     * @param maxChars longest completion accepted, in characters
     * @param maxFiles most files one completion may write
     */
    public CompletionParser(int maxChars, int maxFiles) {
        this.maxChars = maxChars;
        this.maxFiles = maxFiles;
    }

    /** What parsing gave. */
    public sealed interface Result {
        record Parsed(List<SourceFile> files) implements Result {
        }

        record Failed(String reason) implements Result {
        }
    }

    public Result parse(String completion, WritePolicy policy) {
        if (completion == null || completion.isBlank()) {
            return new Result.Failed("the model returned an empty answer");
        }
        if (completion.length() > maxChars) {
            return new Result.Failed("the answer has " + completion.length() + " characters, more than the cap of " + maxChars);
        }
        Map<String, String> files = new LinkedHashMap<>();
        List<String> lines = completion.lines().toList();
        int i = 0;
        while (i < lines.size()) {
            Matcher open = OPEN.matcher(lines.get(i));
            if (!open.matches() || (open.group(1).charAt(0) == '`' && open.group(2).contains("`"))) {
                i++;
                continue;
            }
            String fence = open.group(1);
            Optional<String> path = pathOf(open.group(2));
            int start = i + 1;
            int end = start;
            while (end < lines.size() && !isClose(lines.get(end), fence)) {
                end++;
            }
            if (end == lines.size()) {
                return new Result.Failed("the answer ends inside an unterminated code block"
                        + path.map(p -> " for '" + printable(p) + "'").orElse("") + " (output truncated?)");
            }
            if (path.isPresent()) {
                String body = String.join("\n", lines.subList(start, end));
                Optional<String> problem = add(files, path.get(), body.isEmpty() ? "" : body + "\n");
                if (problem.isPresent()) {
                    return new Result.Failed(problem.get());
                }
            }
            i = end + 1;
        }
        if (files.isEmpty()) {
            return new Result.Failed("the answer contains no code block with a path= attribute");
        }
        return finish(files, policy);
    }

    /** Parses a completion in its own format: fenced blocks, or the JSON of a structured answer. */
    public Result parse(Completion completion, WritePolicy policy) {
        return switch (completion.format()) {
            case MARKDOWN -> parse(completion.text(), policy);
            case FILES_JSON -> parseStructured(completion.text(), policy);
        };
    }

    /**
     * Parses a structured answer, {@code {"files":[{"path":..., "content":...}]}} ({@link StructuredOutput}), with the
     * same checks as fenced blocks: size, safe and unique paths, file count, write policy.
     */
    public Result parseStructured(String json, WritePolicy policy) {
        if (json == null || json.isBlank()) {
            return new Result.Failed("the model returned an empty answer");
        }
        if (json.length() > maxChars) {
            return new Result.Failed("the answer has " + json.length() + " characters, more than the cap of " + maxChars);
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            // Location only: the parser's message quotes the untrusted answer.
            JsonLocation at = e.getLocation();
            return new Result.Failed("the structured answer is not valid JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        }
        JsonNode list = root == null ? null : root.get("files");
        if (list == null || !list.isArray()) {
            return new Result.Failed("the structured answer has no \"files\" array");
        }
        Map<String, String> files = new LinkedHashMap<>();
        int index = 0;
        for (JsonNode file : list) {
            JsonNode path = file.get("path");
            JsonNode content = file.get("content");
            if (path == null || !path.isTextual() || content == null || !content.isTextual()) {
                return new Result.Failed("file " + index + " of the structured answer lacks a string \"path\" or \"content\"");
            }
            Optional<String> problem = add(files, path.asText(), content.asText());
            if (problem.isPresent()) {
                return new Result.Failed(problem.get());
            }
            index++;
        }
        if (files.isEmpty()) {
            return new Result.Failed("the structured answer writes no file");
        }
        return finish(files, policy);
    }

    /** Adds one file after the checks shared by both formats; the reason when it must fail the answer. */
    private Optional<String> add(Map<String, String> files, String path, String content) {
        Optional<String> problem = WorkspacePaths.problem(path);
        if (problem.isPresent()) {
            return Optional.of("unsafe path '" + printable(path) + "': " + problem.get());
        }
        if (files.containsKey(path)) {
            return Optional.of("path '" + printable(path) + "' is written twice");
        }
        files.put(path, content);
        if (files.size() > maxFiles) {
            return Optional.of("the answer writes more than " + maxFiles + " files");
        }
        return Optional.empty();
    }

    private static Result finish(Map<String, String> files, WritePolicy policy) {
        Optional<String> refused = policy.check(files.keySet());
        if (refused.isPresent()) {
            return new Result.Failed(refused.get());
        }
        List<SourceFile> out = new ArrayList<>(files.size());
        files.forEach((p, content) -> out.add(SourceFile.newBuilder().setPath(p).setContent(content).build()));
        return new Result.Parsed(List.copyOf(out));
    }

    private static Optional<String> pathOf(String info) {
        Matcher m = PATH_ATTR.matcher(info);
        if (!m.find()) {
            return Optional.empty();
        }
        for (int g = 1; g <= 3; g++) {
            if (m.group(g) != null) {
                return Optional.of(m.group(g));
            }
        }
        return Optional.empty();
    }

    /** A closing fence: the opening's character, at least as many, nothing else but spaces (CommonMark). */
    private static boolean isClose(String line, String fence) {
        String t = line.strip();
        if (t.length() < fence.length() || line.length() - line.stripLeading().length() > 3) {
            return false;
        }
        char c = fence.charAt(0);
        return t.chars().allMatch(ch -> ch == c);
    }

    static String printable(String path) {
        String cleaned = path.codePoints().map(c -> c < 0x20 || c == 0x7f ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return cleaned.length() > 80 ? cleaned.substring(0, 80) + "…" : cleaned;
    }
}
