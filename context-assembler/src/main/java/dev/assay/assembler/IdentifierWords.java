package dev.assay.assembler;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text as lexical ranking sees code: each word, lower case, followed by its camelCase parts when it has several
 * ({@code parseDate} gives {@code parsedate}, {@code parse}, {@code date}), each kept only if {@code keep} accepts it.
 * What a word is and which to keep are the caller's: the assembler's scorers and the context-recall reference differ.
 */
public final class IdentifierWords {
    private static final Pattern CAMEL = Pattern.compile("(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])");

    private IdentifierWords() {
    }

    /** Every occurrence, in order: the input of term-frequency scoring. */
    public static List<String> of(String text, Pattern word, Predicate<String> keep) {
        List<String> out = new ArrayList<>();
        Matcher m = word.matcher(text);
        while (m.find()) {
            add(out, m.group(), keep);
            String[] parts = CAMEL.split(m.group());
            if (parts.length > 1) {
                for (String part : parts) {
                    add(out, part, keep);
                }
            }
        }
        return out;
    }

    private static void add(List<String> out, String word, Predicate<String> keep) {
        String w = word.toLowerCase(Locale.ROOT);
        if (keep.test(w)) {
            out.add(w);
        }
    }
}
