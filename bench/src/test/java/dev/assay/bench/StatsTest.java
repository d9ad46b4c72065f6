package dev.assay.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void percentilesAreNearestRankValuesThatWereMeasured() {
        Stats stats = Stats.of(IntStream.rangeClosed(1, 100).boxed().toList());

        assertThat(stats.count()).isEqualTo(100);
        assertThat(stats.p50()).isEqualTo(50);
        assertThat(stats.p95()).isEqualTo(95);
        assertThat(stats.p99()).isEqualTo(99);
        assertThat(stats.max()).isEqualTo(100);
        assertThat(stats.mean()).isEqualTo(50.5);
    }

    @Test
    void smallSeriesUseTheirLargestValueForHighPercentiles() {
        Stats stats = Stats.of(List.of(30L, 10L, 20L));

        assertThat(stats.p50()).isEqualTo(20);
        assertThat(stats.p95()).isEqualTo(30);
        assertThat(stats.line()).isEqualTo("p50=20 p95=30 p99=30 mean=20 max=30 ms (n=3)");
    }

    @Test
    void subTenMillisecondValuesKeepTwoDecimals() {
        assertThat(Stats.of(List.of(1.234, 2.5)).line()).startsWith("p50=1.23 p95=2.50");
    }

    @Test
    void anEmptySeriesSaysSo() {
        assertThat(Stats.of(List.of()).line()).isEqualTo("no samples");
    }
}
