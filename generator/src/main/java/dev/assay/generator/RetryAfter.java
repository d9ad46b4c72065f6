package dev.assay.generator;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** Reads the delay a provider asks for: {@code retry-after-ms} (OpenAI, Anthropic), else {@code Retry-After} in seconds or as an HTTP date. */
final class RetryAfter {
    private RetryAfter() {
    }

    /** @param header values of a header by (case-insensitive) name */
    static Optional<Duration> parse(Function<String, List<String>> header, Clock clock) {
        Optional<String> ms = first(header, "retry-after-ms");
        if (ms.isPresent()) {
            try {
                return Optional.of(Duration.ofMillis(Math.max(0, (long) Double.parseDouble(ms.get().trim()))));
            } catch (NumberFormatException e) {
                // fall through to Retry-After: a broken optional header must not hide the standard one
            }
        }
        Optional<String> value = first(header, "retry-after");
        if (value.isEmpty()) {
            return Optional.empty();
        }
        String v = value.get().trim();
        try {
            return Optional.of(Duration.ofMillis(Math.max(0, (long) (Double.parseDouble(v) * 1000))));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration until = Duration.between(clock.instant(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return Optional.of(until.isNegative() ? Duration.ZERO : until);
            } catch (DateTimeParseException notDate) {
                return Optional.empty();
            }
        }
    }

    private static Optional<String> first(Function<String, List<String>> header, String name) {
        List<String> values = header.apply(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.ofNullable(values.getFirst());
    }
}
