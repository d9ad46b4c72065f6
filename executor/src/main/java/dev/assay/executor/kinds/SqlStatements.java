package dev.assay.executor.kinds;

import java.util.ArrayList;
import java.util.List;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.alter.Alter;
import net.sf.jsqlparser.statement.create.index.CreateIndex;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.drop.Drop;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.truncate.Truncate;
import net.sf.jsqlparser.statement.update.Update;

/**
 * A SQL script as statements, each parsed with JSqlParser on its own so one it cannot read does not hide the others,
 * with the line it starts on. The script is cut at semicolons outside quotes, comments and PostgreSQL dollar-quoted
 * bodies — written here because JSqlParser parses a script whole and gives neither positions nor per-statement errors.
 *
 * @param parsed   the statements JSqlParser read
 * @param unparsed the statements it could not, with the reason
 */
record SqlStatements(List<Parsed> parsed, List<Unparsed> unparsed) {
    /** At most this many statements per script are parsed; a script's head tells what it is. */
    static final int MAX_STATEMENTS = 500;
    private static final long PARSE_TIMEOUT_MS = 2000;
    private static final int MAX_TEXT = 2000;

    record Parsed(Statement statement, String text, int line) {
    }

    record Unparsed(String text, int line, String reason) {
    }

    static SqlStatements parse(String script) {
        List<Parsed> parsed = new ArrayList<>();
        List<Unparsed> unparsed = new ArrayList<>();
        for (Chunk chunk : split(script)) {
            if (parsed.size() + unparsed.size() >= MAX_STATEMENTS) {
                break;
            }
            try {
                parsed.add(new Parsed(CCJSqlParserUtil.parse(chunk.text(), p -> p.withTimeOut(PARSE_TIMEOUT_MS)), chunk.text(), chunk.line()));
            } catch (Exception | StackOverflowError e) {
                // Unreadable SQL (a dialect JSqlParser lacks, a timeout, pathological nesting) is reported, not fatal.
                unparsed.add(new Unparsed(chunk.text(), chunk.line(), e.getClass().getSimpleName()));
            }
        }
        return new SqlStatements(List.copyOf(parsed), List.copyOf(unparsed));
    }

    private record Chunk(String text, int line) {
    }

    private static List<Chunk> split(String script) {
        List<Chunk> chunks = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int line = 1;
        int startLine = 1;
        boolean blank = true;
        int i = 0;
        int n = script.length();
        while (i < n) {
            char c = script.charAt(i);
            String dollar;
            if (c == '-' && i + 1 < n && script.charAt(i + 1) == '-') {
                int end = script.indexOf('\n', i);
                i = end < 0 ? n : end;
                continue;
            }
            if (c == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
                int end = script.indexOf("*/", i + 2);
                int stop = end < 0 ? n : end + 2;
                line += count(script, i, stop);
                i = stop;
                continue;
            }
            int literalEnd = -1;
            if (c == '\'' || c == '"' || c == '`') {
                literalEnd = quoted(script, i, c);
            } else if (c == '$' && (dollar = dollarTag(script, i)) != null) {
                int end = script.indexOf(dollar, i + dollar.length());
                literalEnd = end < 0 ? n : end + dollar.length();
            }
            if (literalEnd >= 0) {
                // A quoted or dollar-quoted literal: a ';' inside it ends no statement.
                if (blank) {
                    startLine = line;
                    blank = false;
                }
                current.append(script, i, literalEnd);
                line += count(script, i, literalEnd);
                i = literalEnd;
                continue;
            }
            if (c == ';') {
                add(chunks, current, startLine);
                current.setLength(0);
                blank = true;
                i++;
                continue;
            }
            if (c == '\n') {
                line++;
            }
            if (blank && !Character.isWhitespace(c)) {
                startLine = line;
                blank = false;
            }
            current.append(c);
            i++;
        }
        add(chunks, current, startLine);
        return chunks;
    }

    private static void add(List<Chunk> chunks, StringBuilder text, int line) {
        String statement = text.toString().strip();
        if (!statement.isEmpty()) {
            chunks.add(new Chunk(statement, line));
        }
    }

    /** The end of a quoted run starting at {@code from}; a doubled quote stays inside it. */
    private static int quoted(String s, int from, char quote) {
        int i = from + 1;
        while (i < s.length()) {
            if (s.charAt(i) == quote) {
                if (i + 1 < s.length() && s.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return s.length();
    }

    /** {@code $$} or {@code $tag$} at {@code at}, or null. */
    private static String dollarTag(String s, int at) {
        int i = at + 1;
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
            i++;
        }
        return i < s.length() && s.charAt(i) == '$' ? s.substring(at, i + 1) : null;
    }

    private static int count(String s, int from, int to) {
        int lines = 0;
        for (int i = from; i < to; i++) {
            if (s.charAt(i) == '\n') {
                lines++;
            }
        }
        return lines;
    }

    /** "DROP TABLE users", "SELECT", ... for reasons and messages. */
    static String describe(Statement statement) {
        return switch (statement) {
            case CreateTable t -> "CREATE TABLE " + t.getTable().getFullyQualifiedName();
            case Alter a -> "ALTER TABLE " + a.getTable().getFullyQualifiedName();
            case Drop d -> "DROP " + d.getType() + " " + d.getName().getFullyQualifiedName();
            case CreateIndex c -> "CREATE INDEX on " + c.getTable().getFullyQualifiedName();
            case Truncate t -> "TRUNCATE " + t.getTable().getFullyQualifiedName();
            case Select s -> "SELECT";
            case Insert ins -> "INSERT INTO " + ins.getTable().getFullyQualifiedName();
            case Update u -> "UPDATE " + u.getTable().getFullyQualifiedName();
            case Delete d -> "DELETE FROM " + d.getTable().getFullyQualifiedName();
            default -> statement.getClass().getSimpleName().toUpperCase(java.util.Locale.ROOT);
        };
    }

    static String cut(String text) {
        return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "…";
    }
}
