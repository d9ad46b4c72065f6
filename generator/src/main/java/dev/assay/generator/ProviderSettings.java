package dev.assay.generator;

import dev.assay.runtime.AssayConfig;
import java.time.Duration;

/**
 * Settings of a network model provider and of the retry and circuit-breaker policy around it.
 *
 * <p>Keys: {@code generator.model} (required), {@code generator.api.key} (required; never logged),
 * {@code generator.base.url} (the provider's public endpoint when unset; for OpenAI-compatible servers give the
 * URL ending in {@code /v1}), {@code generator.timeout.seconds} (120), {@code generator.retry.max.attempts} (4,
 * including the first), {@code generator.retry.initial.backoff.ms} (500), {@code generator.retry.max.backoff.ms}
 * (20000), {@code generator.retry.max.retry.after.seconds} (60: a longer Retry-After fails the call instead of
 * blocking a worker), {@code generator.breaker.failure.rate} (50 %), {@code generator.breaker.window} (10 calls),
 * {@code generator.breaker.open.seconds} (30).
 */
public record ProviderSettings(
        String model,
        String baseUrl,
        ApiKey apiKey,
        Duration timeout,
        int maxAttempts,
        Duration initialBackoff,
        Duration maxBackoff,
        Duration maxRetryAfter,
        float breakerFailureRate,
        int breakerWindow,
        Duration breakerOpen) {

    public ProviderSettings {
        if (maxAttempts < 1 || breakerWindow < 1 || breakerFailureRate <= 0 || breakerFailureRate > 100) {
            throw new IllegalArgumentException("generator.retry.max.attempts and generator.breaker.window must be positive, "
                    + "generator.breaker.failure.rate in (0, 100]");
        }
    }

    public static ProviderSettings from(AssayConfig config) {
        return new ProviderSettings(
                config.required("generator.model"),
                config.find("generator.base.url").orElse(null),
                new ApiKey(config.required("generator.api.key")),
                Duration.ofSeconds(config.integer("generator.timeout.seconds", 120)),
                config.integer("generator.retry.max.attempts", 4),
                Duration.ofMillis(config.integer("generator.retry.initial.backoff.ms", 500)),
                Duration.ofMillis(config.integer("generator.retry.max.backoff.ms", 20_000)),
                Duration.ofSeconds(config.integer("generator.retry.max.retry.after.seconds", 60)),
                config.integer("generator.breaker.failure.rate", 50),
                config.integer("generator.breaker.window", 10),
                Duration.ofSeconds(config.integer("generator.breaker.open.seconds", 30)));
    }

    /** An API key that does not print itself. */
    public record ApiKey(String value) {
        @Override
        public String toString() {
            return "******";
        }
    }
}
