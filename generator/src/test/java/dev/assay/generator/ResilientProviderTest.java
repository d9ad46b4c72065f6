package dev.assay.generator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResilientProviderTest {
    private final ProviderSettings settings = new ProviderSettings("m", null, new ProviderSettings.ApiKey("k"), Duration.ofSeconds(1),
            5, Duration.ofMillis(100), Duration.ofMillis(1_000), Duration.ofSeconds(60), 50, 10, Duration.ofSeconds(30));

    @Test
    void backoffGrowsExponentiallyWithJitterUpToTheCap() {
        assertThat(ResilientProvider.delayMillis(1, null, settings, 0)).isEqualTo(50);
        assertThat(ResilientProvider.delayMillis(1, null, settings, 999)).isEqualTo(99);
        assertThat(ResilientProvider.delayMillis(2, null, settings, 0)).isEqualTo(100);
        assertThat(ResilientProvider.delayMillis(3, null, settings, 0)).isEqualTo(200);
        assertThat(ResilientProvider.delayMillis(10, null, settings, 0)).isEqualTo(500);
        assertThat(ResilientProvider.delayMillis(10, null, settings, 999)).isLessThanOrEqualTo(1_000);
    }

    @Test
    void retryAfterWinsOverBackoffWithAtMostTenPercentJitter() {
        ProviderCallException limited = ProviderCallException.retryable("429", Duration.ofSeconds(7), null);
        assertThat(ResilientProvider.delayMillis(1, limited, settings, 0)).isEqualTo(7_000);
        assertThat(ResilientProvider.delayMillis(1, limited, settings, 999)).isBetween(7_000L, 7_700L);
    }

    @Test
    void parsesRetryAfterInMillisecondsSecondsAndHttpDates() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);
        Map<String, List<String>> ms = Map.of("retry-after-ms", List.of("250"), "retry-after", List.of("9"));
        assertThat(RetryAfter.parse(ms::get, clock)).contains(Duration.ofMillis(250));
        assertThat(RetryAfter.parse(Map.of("retry-after", List.of("3"))::get, clock)).contains(Duration.ofSeconds(3));
        assertThat(RetryAfter.parse(Map.of("retry-after", List.of("Mon, 23 Nov 2026 10:00:05 GMT"))::get, clock))
                .contains(Duration.ofSeconds(5));
        assertThat(RetryAfter.parse(Map.of("retry-after", List.of("soon"))::get, clock)).isEmpty();
        assertThat(RetryAfter.parse(Map.<String, List<String>>of()::get, clock)).isEmpty();
    }
}
