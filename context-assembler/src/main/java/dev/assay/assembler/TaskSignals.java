package dev.assay.assembler;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a task names, as seeds of the repository map's ranking: identifiers written as code (in backticks, with
 * {@code snake_case}, {@code camelCase}, a call's parentheses or a dotted path, test names included), capitalised
 * words (which may name types), and literal spans (backticked code, quoted strings such as error messages, command
 * line options) to look for verbatim in files.
 */
record TaskSignals(Set<String> codeIdentifiers, Set<String> capitalisedWords, Set<String> literals) {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");
    private static final Pattern BACKTICKED = Pattern.compile("`+([^`\\n]{1,200})`+");
    private static final Pattern QUOTED = Pattern.compile("\"([^\"\\n]{4,200})\"|'([^'\\n]{4,200})'");
    private static final Pattern OPTION = Pattern.compile("(?<![\\w-])--?[A-Za-z][\\w-]{2,}");
    private static final Pattern CODE_LIKE = Pattern.compile(".*(_|[a-z][A-Z]|[0-9]).*");
    private static final int MIN_LITERAL = 4;

    static TaskSignals of(String task) {
        Set<String> code = new LinkedHashSet<>();
        Set<String> capitalised = new LinkedHashSet<>();
        Set<String> literals = new LinkedHashSet<>();
        Matcher backticked = BACKTICKED.matcher(task);
        while (backticked.find()) {
            String span = backticked.group(1).strip();
            addLiteral(literals, span);
            IDENTIFIER.matcher(span).results().map(r -> r.group()).filter(w -> w.length() >= 3).forEach(code::add);
        }
        Matcher quoted = QUOTED.matcher(task);
        while (quoted.find()) {
            addLiteral(literals, quoted.group(1) != null ? quoted.group(1) : quoted.group(2));
        }
        OPTION.matcher(task).results().forEach(r -> addLiteral(literals, r.group()));
        Matcher words = IDENTIFIER.matcher(task);
        while (words.find()) {
            String word = words.group();
            boolean called = words.end() < task.length() && task.charAt(words.end()) == '(';
            boolean dotted = (words.start() > 0 && task.charAt(words.start() - 1) == '.')
                    || (words.end() + 1 < task.length() && task.charAt(words.end()) == '.' && Character.isLetter(task.charAt(words.end() + 1)));
            if (word.length() < 3) {
                continue;
            }
            if (called || dotted || CODE_LIKE.matcher(word).matches()) {
                code.add(word);
            } else if (Character.isUpperCase(word.charAt(0))) {
                capitalised.add(word);
            }
        }
        return new TaskSignals(Set.copyOf(code), Set.copyOf(capitalised), Set.copyOf(literals));
    }

    private static void addLiteral(Set<String> literals, String span) {
        String s = span.strip();
        if (s.length() >= MIN_LITERAL) {
            literals.add(s);
        }
    }
}
