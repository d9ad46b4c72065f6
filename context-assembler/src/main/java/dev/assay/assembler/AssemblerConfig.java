package dev.assay.assembler;

import dev.assay.avro.Language;
import dev.assay.runtime.AssayConfig;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The context assembler's limits, read once from {@link AssayConfig}.
 *
 * <p>Keys (env {@code ASSAY_<KEY>} with dots as underscores):
 * <ul>
 *   <li>{@code assembler.max.files} (200): inline files (and target paths) per request</li>
 *   <li>{@code assembler.max.file.bytes} (131072): UTF-8 bytes of one inline file</li>
 *   <li>{@code assembler.max.total.bytes} (327680): UTF-8 bytes of all inline files together; kept
 *       well under Kafka's 1 MiB default record size because contexts, generations and fix requests embed the files</li>
 *   <li>{@code assembler.max.task.chars} (20000): length of the task text</li>
 *   <li>{@code assembler.token.budget.min} (256) / {@code assembler.token.budget.max} (64000): accepted
 *       {@code tokenBudget} range; the maximum keeps a context (about 4 bytes a token) inside Kafka's default
 *       1 MiB record size together with the embedded request</li>
 *   <li>{@code assembler.languages} (PYTHON,JAVA,JAVASCRIPT): languages the pipeline can run</li>
 *   <li>{@code assembler.relevance} (bm25): the lexical score among the repository map's ranking seeds (and the whole
 *       ranking of files no parser reads), {@code bm25} (Lucene) or {@code overlap}</li>
 *   <li>{@code assembler.max.in.flight} (16): requests handled in parallel (bounds concurrent repository clones)</li>
 * </ul>
 */
public record AssemblerConfig(
        int maxFiles,
        int maxFileBytes,
        long maxTotalBytes,
        int maxTaskChars,
        int minTokenBudget,
        int maxTokenBudget,
        Set<Language> languages,
        String relevance,
        int maxInFlight) {

    public AssemblerConfig {
        require(maxFiles > 0, "assembler.max.files must be positive");
        require(maxFileBytes > 0, "assembler.max.file.bytes must be positive");
        require(maxTotalBytes >= maxFileBytes, "assembler.max.total.bytes must be at least assembler.max.file.bytes");
        require(maxTaskChars > 0, "assembler.max.task.chars must be positive");
        require(minTokenBudget > 0 && minTokenBudget <= maxTokenBudget,
                "assembler.token.budget.min must be positive and not above assembler.token.budget.max");
        require(!languages.isEmpty() && !languages.contains(Language.UNKNOWN),
                "assembler.languages must name at least one of PYTHON, JAVA, JAVASCRIPT");
        languages = Set.copyOf(languages);
        require(relevance.equals("bm25") || relevance.equals("overlap"), "assembler.relevance must be bm25 or overlap");
        require(maxInFlight > 0, "assembler.max.in.flight must be positive");
    }

    /** The defaults documented above. */
    public static AssemblerConfig defaults() {
        return from(AssayConfig.of(java.util.Map.of()));
    }

    public static AssemblerConfig from(AssayConfig config) {
        return new AssemblerConfig(
                config.integer("assembler.max.files", 200),
                config.integer("assembler.max.file.bytes", 128 * 1024),
                config.longValue("assembler.max.total.bytes", 320L * 1024),
                config.integer("assembler.max.task.chars", 20_000),
                config.integer("assembler.token.budget.min", 256),
                config.integer("assembler.token.budget.max", 64_000),
                languages(config.string("assembler.languages", "PYTHON,JAVA,JAVASCRIPT")),
                config.string("assembler.relevance", "bm25").toLowerCase(Locale.ROOT),
                config.integer("assembler.max.in.flight", 16));
    }

    /** The relevance scorer {@code assembler.relevance} names. */
    public RelevanceScorer relevanceScorer() {
        return relevance.equals("bm25") ? new Bm25Scorer() : new TermOverlapScorer();
    }

    private static Set<Language> languages(String csv) {
        Set<Language> out = EnumSet.noneOf(Language.class);
        Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(name -> {
            try {
                out.add(Language.valueOf(name.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("setting assembler.languages names an unknown language '" + name + "'", e);
            }
        });
        return out;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
