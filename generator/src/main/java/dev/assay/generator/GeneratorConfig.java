package dev.assay.generator;

import dev.assay.avro.Language;
import dev.assay.runtime.AssayConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * The generator's settings, read once from {@link AssayConfig}.
 *
 * <p>Keys (env {@code ASSAY_<KEY>} with dots as underscores):
 * <ul>
 *   <li>{@code generator.provider} (scripted): which {@link ModelProvider} answers: {@code scripted}, {@code openai}
 *       (or any OpenAI-compatible server) or {@code anthropic}; the network ones read {@link ProviderSettings}</li>
 *   <li>{@code generator.scripted.dir}: directory of canned completions, required for the scripted provider</li>
 *   <li>{@code generator.prompt.version} (v1): prompt template version under {@code prompts/}</li>
 *   <li>{@code generator.max.output.tokens} (4096): answer length asked of the model</li>
 *   <li>{@code generator.max.output.chars} (200000): longer answers fail the generation</li>
 *   <li>{@code generator.max.files} (50): most files one answer may write</li>
 *   <li>{@code generator.dependencies.python|java|javascript}: allowed dependencies, as told to the model</li>
 *   <li>{@code generator.sandbox.limits}: the sandbox limits, as told to the model</li>
 *   <li>{@code generator.max.in.flight} (8): records handled in parallel, so at most this many model calls at once</li>
 *   <li>{@code generator.budget.request.tokens} (200000): tokens in + out one request may spend over all its attempts,
 *       0 = unlimited ({@link TokenBudgets}, tracked per instance)</li>
 *   <li>{@code generator.budget.tenant.tokens} (0 = unlimited): tokens in + out one tenant may spend per window, per instance</li>
 *   <li>{@code generator.budget.tenant.window} (PT1H): the tenant budget's rolling window, an ISO-8601 duration</li>
 *   <li>{@code generator.structured.output} (false): ask the model for JSON files ({@link StructuredOutput}): OpenAI
 *       {@code response_format} json_schema, Anthropic a forced tool call; off by default because local
 *       OpenAI-compatible servers may not support it</li>
 * </ul>
 */
public record GeneratorConfig(
        String provider,
        Path scriptedDir,
        String promptVersion,
        int maxOutputTokens,
        int maxOutputChars,
        int maxFiles,
        Map<Language, String> dependencies,
        String sandboxLimits,
        int maxInFlight,
        long budgetRequestTokens,
        long budgetTenantTokens,
        Duration budgetTenantWindow,
        boolean structuredOutput) {

    public GeneratorConfig {
        if (maxOutputTokens <= 0 || maxOutputChars <= 0 || maxFiles <= 0 || maxInFlight <= 0) {
            throw new IllegalArgumentException("generator.max.output.tokens, generator.max.output.chars, generator.max.files "
                    + "and generator.max.in.flight must be positive");
        }
        dependencies = Map.copyOf(dependencies);
    }

    public static GeneratorConfig from(AssayConfig config) {
        String provider = config.string("generator.provider", ScriptedProvider.NAME).toLowerCase(Locale.ROOT);
        Path scriptedDir = provider.equals(ScriptedProvider.NAME) ? Path.of(config.required("generator.scripted.dir")) : null;
        return new GeneratorConfig(provider, scriptedDir,
                config.string("generator.prompt.version", PromptBuilder.DEFAULT_VERSION),
                config.integer("generator.max.output.tokens", 4096),
                config.integer("generator.max.output.chars", 200_000),
                config.integer("generator.max.files", 50),
                Map.of(Language.PYTHON, config.string("generator.dependencies.python", "the Python standard library; pytest for tests"),
                        Language.JAVA, config.string("generator.dependencies.java", "the JDK standard library; JUnit 5 for tests"),
                        Language.JAVASCRIPT, config.string("generator.dependencies.javascript",
                                "Node.js built-in modules; node:test and node:assert for tests")),
                config.string("generator.sandbox.limits", "a wall-clock timeout of about 30 s, 512 MiB of memory, "
                        + "a small number of threads, 1 MiB of output, a small writable working directory"),
                config.integer("generator.max.in.flight", 8),
                config.longValue("generator.budget.request.tokens", 200_000),
                config.longValue("generator.budget.tenant.tokens", 0),
                Duration.parse(config.string("generator.budget.tenant.window", "PT1H")),
                config.bool("generator.structured.output", false));
    }

    /** The dependency sentence for a language; the standard library only when none is configured. */
    public String dependencies(Language language) {
        return dependencies.getOrDefault(language, "the language's standard library only");
    }
}
