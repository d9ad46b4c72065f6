package dev.assay.generator;

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
                String p = path.get();
                Optional<String> problem = WorkspacePaths.problem(p);
                if (problem.isPresent()) {
                    return new Result.Failed("unsafe path '" + printable(p) + "': " + problem.get());
                }
                if (files.containsKey(p)) {
                    return new Result.Failed("path '" + printable(p) + "' is written twice");
                }
                String body = String.join("\n", lines.subList(start, end));
                files.put(p, body.isEmpty() ? "" : body + "\n");
                if (files.size() > maxFiles) {
                    return new Result.Failed("the answer writes more than " + maxFiles + " files");
                }
            }
            i = end + 1;
        }
        if (files.isEmpty()) {
            return new Result.Failed("the answer contains no code block with a path= attribute");
        }
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
