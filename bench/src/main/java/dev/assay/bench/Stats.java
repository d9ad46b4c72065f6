package dev.assay.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Latency figures of one series, in milliseconds: count, nearest-rank percentiles, mean and max. Nearest rank
 * (the smallest value with at least p % of the values at or below it) so every figure is a value that was measured.
 */
public record Stats(int count, double p50, double p95, double p99, double mean, double max) {

    public static Stats of(Collection<? extends Number> millis) {
        List<Double> sorted = new ArrayList<>();
        millis.forEach(m -> sorted.add(m.doubleValue()));
        sorted.sort(null);
        if (sorted.isEmpty()) {
            return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double sum = 0;
        for (double v : sorted) {
            sum += v;
        }
        return new Stats(sorted.size(), rank(sorted, 50), rank(sorted, 95), rank(sorted, 99), sum / sorted.size(),
                sorted.getLast());
    }

    static double rank(List<Double> sorted, double percentile) {
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    /** {@code p50=12 p95=40 p99=41 mean=15 max=41 ms (n=20)}. */
    public String line() {
        if (count == 0) {
            return "no samples";
        }
        return "p50=" + fmt(p50) + " p95=" + fmt(p95) + " p99=" + fmt(p99) + " mean=" + fmt(mean) + " max=" + fmt(max)
                + " ms (n=" + count + ")";
    }

    /** Sub-10 ms values keep two decimals (Kafka hops), larger ones none. */
    static String fmt(double millis) {
        return String.format(java.util.Locale.ROOT, millis < 10 ? "%.2f" : "%.0f", millis);
    }
}
