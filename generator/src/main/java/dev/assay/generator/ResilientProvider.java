package dev.assay.generator;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RemoteModel} behind resilience4j: retries with exponential backoff and jitter that honour the provider's
 * Retry-After, inside a circuit breaker per provider that stops calling a provider that keeps failing (each attempt
 * counts; only retryable failures count as failures, a bad request says nothing about the provider's health).
 * The SDKs' own retries are switched off so this is the only policy.
 *
 * <p>Meters: {@code assay.generator.provider.calls{provider,outcome}} per attempt, {@code
 * assay.generator.provider.retries{provider}}, and resilience4j's {@code resilience4j.circuitbreaker.*} per provider.
 */
public final class ResilientProvider implements ModelProvider {
    private static final Logger log = LoggerFactory.getLogger(ResilientProvider.class);

    private final RemoteModel model;
    private final Retry retry;
    private final CircuitBreaker breaker;
    private final MeterRegistry meters;
    private final ProviderSettings settings;

    public ResilientProvider(RemoteModel model, ProviderSettings settings, MeterRegistry meters) {
        this(model, settings, meters, () -> ThreadLocalRandom.current().nextLong(1_000));
    }

    /** @param jitter per-mille random source, injectable for tests */
    ResilientProvider(RemoteModel model, ProviderSettings settings, MeterRegistry meters, LongSupplier jitter) {
        this.model = model;
        this.meters = meters;
        this.settings = settings;
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .failureRateThreshold(settings.breakerFailureRate())
                .slidingWindowSize(settings.breakerWindow())
                .minimumNumberOfCalls(Math.min(settings.breakerWindow(), 5))
                .waitDurationInOpenState(settings.breakerOpen())
                .permittedNumberOfCallsInHalfOpenState(1)
                .recordException(e -> e instanceof ProviderCallException p && p.retryable())
                .build());
        this.breaker = breakers.circuitBreaker("model-" + model.name());
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters);
        this.retry = Retry.of("model-" + model.name(), RetryConfig.<Completion>custom()
                .maxAttempts(settings.maxAttempts())
                .retryOnException(e -> e instanceof ProviderCallException p && worthRetrying(p, settings))
                .intervalBiFunction((IntervalBiFunction<Completion>) (attempt, outcome) ->
                        delayMillis(attempt, outcome.isLeft() ? outcome.getLeft() : null, settings, jitter.getAsLong()))
                .build());
        retry.getEventPublisher().onRetry(e -> {
            log.warn("{} call attempt {} failed, retrying in {}: {}", model.name(), e.getNumberOfRetryAttempts(),
                    e.getWaitInterval(), e.getLastThrowable() == null ? "" : e.getLastThrowable().getMessage());
            Counter.builder("assay.generator.provider.retries").tag("provider", model.name())
                    .description("Model call attempts that were retried").register(meters).increment();
        });
    }

    /**
     * Wait before retry {@code attempt} (1-based): the provider's Retry-After when given (plus up to 10 % jitter so
     * parallel callers spread out), else {@code initial * 2^(attempt-1)} capped at the maximum, scaled by a random
     * 50–100 % ("equal jitter").
     */
    static long delayMillis(int attempt, Throwable failure, ProviderSettings settings, long perMille) {
        if (failure instanceof ProviderCallException p && p.retryAfter().isPresent()) {
            long asked = p.retryAfter().get().toMillis();
            return asked + asked * perMille / 10_000;
        }
        long exponential = settings.initialBackoff().toMillis() << Math.min(attempt - 1, 20);
        long capped = Math.min(exponential, settings.maxBackoff().toMillis());
        return capped / 2 + capped / 2 * perMille / 1_000;
    }

    /** Retryable, and the provider does not ask for a longer wait than a worker may block for. */
    static boolean worthRetrying(ProviderCallException failure, ProviderSettings settings) {
        return failure.retryable() && failure.retryAfter().map(d -> d.compareTo(settings.maxRetryAfter()) <= 0).orElse(true);
    }

    @Override
    public String name() {
        return model.name();
    }

    @Override
    public String model() {
        return model.model();
    }

    @Override
    public Completion complete(Prompt prompt) throws ModelProviderException {
        try {
            // The breaker sees one result per generation, after its retries: a burst of transient errors that the
            // retries ride out must not open the circuit for every other request.
            return CircuitBreaker.decorateCheckedSupplier(breaker, Retry.decorateCheckedSupplier(retry, () -> timedCall(prompt))).get();
        } catch (CallNotPermittedException e) {
            throw new ModelProviderException(model.name() + " is unavailable: circuit breaker open after repeated failures", e);
        } catch (ProviderCallException e) {
            String reason = e.getMessage();
            if (e.retryable() && !worthRetrying(e, settings)) {
                reason += " (asked to retry after " + e.retryAfter().orElseThrow().toSeconds() + " s, more than the "
                        + settings.maxRetryAfter().toSeconds() + " s allowed)";
            } else if (e.retryable()) {
                reason += " (gave up after retries)";
            }
            throw new ModelProviderException(reason, e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("unexpected checked failure from " + model.name(), e);
        }
    }

    private Completion timedCall(Prompt prompt) {
        Timer.Sample sample = Timer.start(meters);
        String outcome = "ok";
        try {
            return model.call(prompt);
        } catch (ProviderCallException e) {
            outcome = e.retryable() ? "retryable_error" : "error";
            throw e;
        } finally {
            sample.stop(Timer.builder("assay.generator.provider.calls").tag("provider", model.name()).tag("outcome", outcome)
                    .description("Model call attempts").register(meters));
        }
    }

    @Override
    public void close() {
        model.close();
    }

    CircuitBreaker.State breakerState() {
        return breaker.getState();
    }
}
