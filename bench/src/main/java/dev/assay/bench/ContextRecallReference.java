package dev.assay.bench;

import dev.assay.assembler.IdentifierWords;
import dev.assay.avro.SourceFile;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The context-recall dataset's reference ranking, exactly as its README defines it: BM25 (k1 = 1.2, b = 0.75,
 * idf = ln(1 + (N − df + 0.5) / (df + 0.5))) of whole files — path plus contents — against the task text, ties by
 * path. Written out rather than run through Lucene because Lucene stores document lengths in one lossy byte, which
 * moves the reference's ranks; the reference has to be the README's formula.
 */
final class ContextRecallReference {
    private static final Pattern ALPHANUMERIC = Pattern.compile("[A-Za-z0-9]+");
    private static final Pattern NUMBER = Pattern.compile("[0-9]+");
    private static final Set<String> STOP = Set.of("a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from",
            "has", "have", "if", "in", "into", "is", "it", "its", "not", "no", "of", "on", "or", "so", "such", "that", "the",
            "their", "then", "there", "these", "they", "this", "to", "was", "were", "when", "which", "will", "with");
    private static final double K1 = 1.2;
    private static final double B = 0.75;

    private ContextRecallReference() {
    }

    /** The paths of the {@code k} best files of {@code pool} for {@code task}, best first. */
    static List<String> topK(String task, List<SourceFile> pool, int k) {
        List<Map<String, Integer>> termCounts = new ArrayList<>(pool.size());
        Map<String, Integer> documentFrequency = new HashMap<>();
        long totalLength = 0;
        for (SourceFile f : pool) {
            Map<String, Integer> counts = new HashMap<>();
            List<String> tokens = tokens(f.getPath() + "\n" + f.getContent());
            tokens.forEach(t -> counts.merge(t, 1, Integer::sum));
            counts.keySet().forEach(t -> documentFrequency.merge(t, 1, Integer::sum));
            termCounts.add(counts);
            totalLength += tokens.size();
        }
        double averageLength = pool.isEmpty() ? 0 : (double) totalLength / pool.size();
        Set<String> query = new LinkedHashSet<>(tokens(task));
        List<Integer> order = new ArrayList<>();
        double[] scores = new double[pool.size()];
        for (int i = 0; i < pool.size(); i++) {
            Map<String, Integer> counts = termCounts.get(i);
            double length = counts.values().stream().mapToInt(Integer::intValue).sum();
            for (String term : query) {
                int tf = counts.getOrDefault(term, 0);
                if (tf == 0) {
                    continue;
                }
                int df = documentFrequency.get(term);
                double idf = Math.log(1 + (pool.size() - df + 0.5) / (df + 0.5));
                scores[i] += idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / averageLength));
            }
            order.add(i);
        }
        order.sort(Comparator.comparingDouble((Integer i) -> scores[i]).reversed().thenComparing(i -> pool.get(i).getPath()));
        return order.stream().limit(k).map(i -> pool.get(i).getPath()).toList();
    }

    /**
     * Words split on non-alphanumeric characters (so snake_case splits), camelCase words also into their parts,
     * lower case; numbers, one-letter tokens and stop words dropped.
     */
    static List<String> tokens(String text) {
        return IdentifierWords.of(text, ALPHANUMERIC, w -> w.length() > 1 && !NUMBER.matcher(w).matches() && !STOP.contains(w));
    }
}
