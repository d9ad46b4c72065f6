package dev.assay.generator;

import java.time.Duration;
import java.util.Optional;

/**
 * A failed model call attempt. Retryable failures (rate limits, overload, server errors, timeouts, connection
 * problems) are retried and count against the provider's circuit breaker; the others (bad request, auth, refusal,
 * malformed answer) fail the generation at once. The message names the cause without quoting keys or prompts.
 */
public final class ProviderCallException extends RuntimeException {
    private final boolean retryable;
    private final Duration retryAfter;

    public ProviderCallException(String message, boolean retryable, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    public static ProviderCallException fatal(String message, Throwable cause) {
        return new ProviderCallException(message, false, null, cause);
    }

    public static ProviderCallException retryable(String message, Duration retryAfter, Throwable cause) {
        return new ProviderCallException(message, true, retryAfter, cause);
    }

    public boolean retryable() {
        return retryable;
    }

    /** What the provider asked for in {@code Retry-After} / {@code retry-after-ms}, if anything. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** HTTP statuses worth another attempt: timeout, conflict, rate limit, server errors (incl. Anthropic's 529). */
    static boolean retryableStatus(int status) {
        return status == 408 || status == 409 || status == 429 || status >= 500;
    }
}
