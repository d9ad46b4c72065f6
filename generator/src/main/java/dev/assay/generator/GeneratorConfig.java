package dev.assay.generator;

import dev.assay.avro.AssayRequest;
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
 *       (or any OpenAI-compatible server), {@code anthropic} or {@code replay}; the network ones read
 *       {@link ProviderSettings}</li>
 *   <li>{@code generator.scripted.dir}: directory of canned completions, required for the scripted provider</li>
 *   <li>{@code generator.replay.dir}: directory of recorded exchanges, required for the replay provider
 *       ({@link ReplayProvider})</li>
 *   <li>{@code generator.record.dir} (unset = off): save every model exchange there for later replay
 *       ({@link RecordingProvider}), after the provider's retries; not with the scripted provider, whose canned answers
 *       would replay as a real model's</li>
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
 *   <li>{@code generator.candidates} (1): candidates generated per attempt when the request names no number; each is
 *       executed and verified, and the first that passes wins</li>
 *   <li>{@code generator.candidates.max} (4): most candidates per attempt; a request asking for more gets this many</li>
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
        boolean structuredOutput,
        int candidates,
        int candidatesMax,
        Path replayDir,
        Path recordDir) {

    public GeneratorConfig {
        if (maxOutputTokens <= 0 || maxOutputChars <= 0 || maxFiles <= 0 || maxInFlight <= 0) {
            throw new IllegalArgumentException("generator.max.output.tokens, generator.max.output.chars, generator.max.files "
                    + "and generator.max.in.flight must be positive");
        }
        if (candidatesMax < 1 || candidates < 1 || candidates > candidatesMax) {
            throw new IllegalArgumentException("generator.candidates must be between 1 and generator.candidates.max (was "
                    + candidates + " and " + candidatesMax + ")");
        }
        if (recordDir != null && provider.equals(ScriptedProvider.NAME)) {
            throw new IllegalArgumentException("generator.record.dir cannot record the scripted provider: its canned "
                    + "completions would replay as a real model's");
        }
        dependencies = Map.copyOf(dependencies);
    }

    public static GeneratorConfig from(AssayConfig config) {
        String provider = config.string("generator.provider", ScriptedProvider.NAME).toLowerCase(Locale.ROOT);
        return new GeneratorConfig(provider, dirFor(provider, ScriptedProvider.NAME, config, "generator.scripted.dir"),
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
                config.bool("generator.structured.output", false),
                config.integer("generator.candidates", 1),
                config.integer("generator.candidates.max", 4),
                dirFor(provider, ReplayProvider.NAME, config, "generator.replay.dir"),
                config.find("generator.record.dir").map(Path::of).orElse(null));
    }

    /** The directory under {@code key}: required when {@code provider} is the one that reads it, else null. */
    private static Path dirFor(String provider, String readBy, AssayConfig config, String key) {
        return provider.equals(readBy) ? Path.of(config.required(key)) : null;
    }

    /** Candidates to generate for one attempt of this request: its own number if it names one, capped by the maximum. */
    public int candidatesFor(AssayRequest request) {
        Integer asked = request.getCandidates();
        return asked == null ? candidates : Math.clamp(asked, 1, candidatesMax);
    }

    /** The dependency sentence for a language; the standard library only when none is configured. */
    public String dependencies(Language language) {
        return dependencies.getOrDefault(language, "the language's standard library only");
    }
}
