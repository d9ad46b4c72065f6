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
 *   <li>{@code assembler.max.file.bytes} (262144): UTF-8 bytes of one inline file</li>
 *   <li>{@code assembler.max.total.bytes} (2097152): UTF-8 bytes of all inline files together</li>
 *   <li>{@code assembler.max.task.chars} (20000): length of the task text</li>
 *   <li>{@code assembler.token.budget.min} (256) / {@code assembler.token.budget.max} (200000): accepted
 *       {@code tokenBudget} range</li>
 *   <li>{@code assembler.languages} (PYTHON,JAVA,JAVASCRIPT): languages the pipeline can run</li>
 * </ul>
 */
public record AssemblerConfig(
        int maxFiles,
        int maxFileBytes,
        long maxTotalBytes,
        int maxTaskChars,
        int minTokenBudget,
        int maxTokenBudget,
        Set<Language> languages) {

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
    }

    /** The defaults documented above. */
    public static AssemblerConfig defaults() {
        return from(AssayConfig.of(java.util.Map.of()));
    }

    public static AssemblerConfig from(AssayConfig config) {
        return new AssemblerConfig(
                config.integer("assembler.max.files", 200),
                config.integer("assembler.max.file.bytes", 256 * 1024),
                config.longValue("assembler.max.total.bytes", 2L * 1024 * 1024),
                config.integer("assembler.max.task.chars", 20_000),
                config.integer("assembler.token.budget.min", 256),
                config.integer("assembler.token.budget.max", 200_000),
                languages(config.string("assembler.languages", "PYTHON,JAVA,JAVASCRIPT")));
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
