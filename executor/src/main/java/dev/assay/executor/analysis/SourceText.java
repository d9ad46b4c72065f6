package dev.assay.executor.analysis;

import com.github.javaparser.Position;
import com.github.javaparser.ast.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Offsets in a source text from JavaParser's 1-based line/column positions (tab size 1; \n, \r\n and \r end lines). */
final class SourceText {
    private final String text;
    private final int[] lineStarts;

    private SourceText(String text) {
        this.text = text;
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                i++;
                starts.add(i + 1);
            } else if (c == '\n' || c == '\r') {
                starts.add(i + 1);
            }
        }
        lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
    }

    static SourceText of(String text) {
        return new SourceText(text);
    }

    /** The node's text as [start, end) offsets, when its range maps onto the text. */
    Optional<int[]> span(Node node) {
        if (node.getRange().isEmpty()) {
            return Optional.empty();
        }
        int start = offset(node.getRange().get().begin);
        int end = offset(node.getRange().get().end);
        if (start < 0 || end < 0 || end < start || end >= text.length()) {
            return Optional.empty();
        }
        return Optional.of(new int[] {start, end + 1});
    }

    private int offset(Position p) {
        if (p.line < 1 || p.line > lineStarts.length || p.column < 1) {
            return -1;
        }
        int offset = lineStarts[p.line - 1] + p.column - 1;
        int lineEnd = p.line < lineStarts.length ? lineStarts[p.line] : text.length();
        return offset < lineEnd ? offset : -1;
    }

    /** Whether {@code text} starts with the node's first token and ends with its last (a check on the offsets). */
    static boolean matchesTokens(Node node, String text) {
        return node.getTokenRange().map(r -> text.startsWith(r.getBegin().getText()) && text.endsWith(r.getEnd().getText()))
                .orElse(false);
    }

    /**
     * The line breaks of {@code s} as written (\n, \r\n, \r), followed by the indentation of its last line: what
     * replaces a piece of a statement so that the lines around it keep their numbers and their look.
     */
    static String layout(String s) {
        StringBuilder out = new StringBuilder();
        int lastBreak = -1;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
                out.append("\r\n");
                i++;
                lastBreak = i;
            } else if (c == '\n' || c == '\r') {
                out.append(c);
                lastBreak = i;
            }
        }
        if (lastBreak >= 0) {
            int i = lastBreak + 1;
            while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                out.append(s.charAt(i++));
            }
        }
        return out.toString();
    }
}
