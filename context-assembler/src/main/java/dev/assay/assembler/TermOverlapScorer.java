package dev.assay.assembler;

import dev.assay.avro.SourceFile;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Relevance as the share of the task's terms that occur in a file's path or content. Identifiers are split at
 * camelCase and snake_case boundaries so "parseDate" in code matches "parse date" in the task.
 */
public final class TermOverlapScorer implements RelevanceScorer {
    private static final Pattern WORD = Pattern.compile("[A-Za-z][A-Za-z0-9]*");
    private static final Pattern CAMEL = Pattern.compile("(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])");
    private static final Set<String> STOP = Set.of("the", "and", "for", "with", "that", "this", "from", "into", "when",
            "then", "than", "are", "was", "were", "will", "should", "must", "can", "not", "all", "any", "each", "its",
            "has", "have", "use", "using", "write", "add", "make", "function", "code", "file", "files", "return",
            "returns", "def", "class", "public", "private", "static", "void", "int", "string", "new", "import");

    @Override
    public Map<String, Double> score(String task, List<SourceFile> files) {
        Set<String> taskTerms = terms(task);
        Map<String, Double> scores = new HashMap<>();
        for (SourceFile file : files) {
            if (taskTerms.isEmpty()) {
                scores.put(file.getPath(), 0.0);
                continue;
            }
            Set<String> fileTerms = terms(file.getPath() + "\n" + file.getContent());
            long shared = taskTerms.stream().filter(fileTerms::contains).count();
            scores.put(file.getPath(), (double) shared / taskTerms.size());
        }
        return scores;
    }

    /** Lower-case terms of three or more letters, identifiers split into their words, stop words dropped. */
    static Set<String> terms(String text) {
        return new LinkedHashSet<>(tokens(text));
    }

    /** Like {@link #terms} but every occurrence, in order: the input of term-frequency scoring. */
    static java.util.List<String> tokens(String text) {
        java.util.List<String> out = new java.util.ArrayList<>();
        Matcher m = WORD.matcher(text);
        while (m.find()) {
            String word = m.group();
            add(out, word);
            String[] parts = CAMEL.split(word);
            if (parts.length > 1) {
                for (String part : parts) {
                    add(out, part);
                }
            }
        }
        return out;
    }

    private static void add(java.util.Collection<String> out, String word) {
        String w = word.toLowerCase(Locale.ROOT);
        if (w.length() >= 3 && !STOP.contains(w)) {
            out.add(w);
        }
    }
}
