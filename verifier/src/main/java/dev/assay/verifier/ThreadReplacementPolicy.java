package dev.assay.verifier;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces a dead stream thread (its transaction is aborted and the new thread resumes from committed offsets), but
 * only so often: past {@code maxReplacements} within {@code window} the client shuts down, the service stops being
 * alive and the supervisor restarts it with backoff, instead of a thread dying and being replaced in a hot loop that
 * no probe would see.
 */
public final class ThreadReplacementPolicy implements StreamsUncaughtExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(ThreadReplacementPolicy.class);

    private final int maxReplacements;
    private final Duration window;
    private final Clock clock;
    private final Deque<Instant> recent = new ArrayDeque<>();

    public ThreadReplacementPolicy(int maxReplacements, Duration window, Clock clock) {
        if (maxReplacements < 0 || window.isNegative()) {
            throw new IllegalArgumentException("maxReplacements and window must not be negative");
        }
        this.maxReplacements = maxReplacements;
        this.window = window;
        this.clock = clock;
    }

    @Override
    public synchronized StreamThreadExceptionResponse handle(Throwable error) {
        Instant now = clock.instant();
        while (!recent.isEmpty() && recent.peekFirst().isBefore(now.minus(window))) {
            recent.pollFirst();
        }
        if (recent.size() >= maxReplacements) {
            log.error("stream thread died after {} replacements within {}; shutting the client down", recent.size(), window, error);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        recent.addLast(now);
        log.error("stream thread died; replacing it ({} of {} within {})", recent.size(), maxReplacements, window, error);
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }
}
