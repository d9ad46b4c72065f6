package dev.assay.verifier;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests waiting for a person, by stream task, for the gauges {@code assay.approvals.pending} and
 * {@code assay.approvals.oldest.pending} (seconds; the {@code AssayApprovalWaitingTooLong} alert). Each task rebuilds
 * its part from its state store when it starts, so a restart or a task moving between instances keeps the gauge right.
 */
final class PendingApprovals {
    private final Map<String, Map<String, Instant>> byTask = new ConcurrentHashMap<>();
    private final Clock clock;

    PendingApprovals(Clock clock) {
        this.clock = clock;
    }

    void replaceTask(String task, Map<String, Instant> pending) {
        byTask.put(task, new ConcurrentHashMap<>(pending));
    }

    void dropTask(String task) {
        byTask.remove(task);
    }

    void waiting(String task, String requestId, Instant since) {
        byTask.computeIfAbsent(task, t -> new ConcurrentHashMap<>()).put(requestId, since);
    }

    void decided(String task, String requestId) {
        Map<String, Instant> pending = byTask.get(task);
        if (pending != null) {
            pending.remove(requestId);
        }
    }

    int count() {
        return byTask.values().stream().mapToInt(Map::size).sum();
    }

    /** Age of the oldest pending approval in seconds; 0 when none waits. */
    double oldestAgeSeconds() {
        return byTask.values().stream().flatMap(m -> m.values().stream()).min(Instant::compareTo)
                .map(oldest -> Math.max(0, Duration.between(oldest, clock.instant()).toMillis() / 1000.0)).orElse(0.0);
    }
}
