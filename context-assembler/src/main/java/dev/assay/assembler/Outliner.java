package dev.assay.assembler;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reduces a source file to its outline: imports and the signatures of its types, functions and methods, bodies
 * elided. Line-based rather than a parser per language: it must cope with any input, including code that does
 * not compile, and an outline only has to tell the model what exists.
 */
final class Outliner {
    private static final Pattern PY_SIGNATURE = Pattern.compile("^\\s*(@|(async\\s+)?def\\s|class\\s|import\\s|from\\s+\\S+\\s+import\\s)");
    private static final Pattern PY_TYPED_NAME = Pattern.compile("^\\s*[A-Za-z_]\\w*\\s*:\\s*[^=]+$");
    private static final Pattern JS_SIGNATURE = Pattern.compile(
            "^\\s*(export\\s+|import\\s|(export\\s+)?(default\\s+)?(async\\s+)?function\\b|(export\\s+)?(abstract\\s+)?class\\s"
                    + "|(export\\s+)?(declare\\s+)?(interface|type|enum)\\s"
                    + "|(const|let|var)\\s+\\w+\\s*=\\s*(async\\s*)?(\\([^)]*\\)|\\w+)\\s*=>"
                    + "|(const|let|var)\\s+\\w+\\s*=\\s*(async\\s+)?function\\b|module\\.exports|exports\\.\\w+\\s*="
                    + "|(static\\s+|async\\s+|get\\s+|set\\s+|public\\s+|private\\s+|protected\\s+)*#?\\w+\\s*\\([^)]*\\)\\s*(:\\s*[^{]+)?\\{\\s*$)");
    private static final Pattern JS_CONTROL = Pattern.compile("^\\s*(if|for|while|switch|catch|return|else)\\b");

    private Outliner() {
    }

    /** The outline, or empty when the file's language has no outline or nothing to show. */
    static Optional<String> outline(String path, String content) {
        String name = path.toLowerCase(Locale.ROOT);
        List<String> lines = content.lines().toList();
        List<String> out;
        if (name.endsWith(".py") || name.endsWith(".pyi")) {
            out = python(lines);
        } else if (name.endsWith(".java")) {
            out = java(lines);
        } else if (name.matches(".*\\.[cm]?[jt]sx?$")) {
            out = javascript(lines);
        } else {
            return Optional.empty();
        }
        if (out.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("# outline only: bodies elided to fit the token budget\n".replace("#", commentMarker(name))
                + String.join("\n", out) + "\n");
    }

    private static String commentMarker(String name) {
        return name.endsWith(".py") || name.endsWith(".pyi") ? "#" : "//";
    }

    private static List<String> python(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            boolean classLevelField = PY_TYPED_NAME.matcher(line).matches() && indent(line) <= 4;
            if (!PY_SIGNATURE.matcher(line).find() && !classLevelField) {
                continue;
            }
            out.add(line);
            String trimmed = line.strip();
            if (trimmed.startsWith("def ") || trimmed.startsWith("async def ") || trimmed.startsWith("class ")) {
                // Multi-line signatures: keep lines until the one ending with ':'.
                int j = i;
                while (!lines.get(j).strip().endsWith(":") && j + 1 < lines.size() && j - i < 10) {
                    j++;
                    out.add(lines.get(j));
                }
                i = j;
                if (!trimmed.startsWith("class ")) {
                    out.add(" ".repeat(indent(line) + 4) + "...");
                }
            }
        }
        return out;
    }

    /** Keeps declarations at type and member level (brace depth 0 and 1); method bodies (depth 2+) are elided. */
    private static List<String> java(List<String> lines) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        boolean inComment = false;
        for (String line : lines) {
            String trimmed = line.strip();
            if (inComment) {
                inComment = !trimmed.contains("*/");
                continue;
            }
            if (trimmed.startsWith("/*")) {
                inComment = !trimmed.contains("*/");
                continue;
            }
            int before = depth;
            depth = Math.max(0, depth + braceDelta(trimmed));
            if (trimmed.isEmpty() || trimmed.startsWith("//") || before > 1) {
                continue;
            }
            if (before == 1 && trimmed.endsWith("{") && trimmed.contains("(")) {
                out.add(line.substring(0, line.lastIndexOf('{')) + "{ ... }");
            } else if (before <= 1) {
                out.add(line);
            }
        }
        return out;
    }

    private static List<String> javascript(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            if (JS_SIGNATURE.matcher(line).find() && !JS_CONTROL.matcher(line).find()) {
                String trimmed = line.stripTrailing();
                out.add(trimmed.endsWith("{") ? trimmed + " ... }" : trimmed);
            }
        }
        return out;
    }

    /** Net braces opened on a line, ignoring braces inside string and char literals and after {@code //}. */
    private static int braceDelta(String line) {
        int delta = 0;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '/' && i + 1 < line.length() && line.charAt(i + 1) == '/') {
                break;
            } else if (c == '{') {
                delta++;
            } else if (c == '}') {
                delta--;
            }
        }
        return delta;
    }

    private static int indent(String line) {
        int n = 0;
        while (n < line.length() && line.charAt(n) == ' ') {
            n++;
        }
        return n;
    }
}
