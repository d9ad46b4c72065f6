package dev.assay.assembler;

import dev.assay.avro.SourceFile;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Relevance as the share of the task's terms that occur in a file's path or content. Identifiers are split at
 * camelCase and snake_case boundaries so "parseDate" in code matches "parse date" in the task.
 */
public final class TermOverlapScorer implements RelevanceScorer {
    private static final Pattern WORD = Pattern.compile("[A-Za-z][A-Za-z0-9]*");
    private static final Set<String> STOP = Set.of("the", "and", "for", "with", "that", "this", "from", "into", "when",
            "then", "than", "are", "was", "were", "will", "should", "must", "can", "not", "all", "any", "each", "its",
            "has", "have", "use", "using", "write", "add", "make", "function", "code", "file", "files", "return",
            "returns", "def", "class", "public", "private", "static", "void", "int", "string", "new", "import");

    @Override
    public Index index(List<SourceFile> files) {
        Map<String, Set<String>> fileTerms = new HashMap<>();
        files.forEach(f -> fileTerms.put(f.getPath(), terms(f.getPath() + "\n" + f.getContent())));
        return task -> {
            Set<String> taskTerms = terms(task);
            Map<String, Double> scores = new HashMap<>();
            fileTerms.forEach((path, terms) -> scores.put(path,
                    taskTerms.isEmpty() ? 0.0 : (double) taskTerms.stream().filter(terms::contains).count() / taskTerms.size()));
            return scores;
        };
    }

    /** Lower-case terms of three or more letters, identifiers split into their words, stop words dropped. */
    static Set<String> terms(String text) {
        return new LinkedHashSet<>(tokens(text));
    }

    /** Like {@link #terms} but every occurrence, in order: the input of term-frequency scoring. */
    static List<String> tokens(String text) {
        return IdentifierWords.of(text, WORD, w -> w.length() >= 3 && !STOP.contains(w));
    }
}
