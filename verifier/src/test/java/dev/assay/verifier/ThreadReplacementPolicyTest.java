package dev.assay.verifier;

import static org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
import static org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.runtime.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ThreadReplacementPolicyTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
    private final ThreadReplacementPolicy policy = new ThreadReplacementPolicy(2, Duration.ofMinutes(10), clock);

    @Test
    void replacesDeadThreadsUntilTheBudgetIsSpentThenShutsTheClientDown() {
        assertThat(policy.handle(new IllegalStateException("1"))).isEqualTo(REPLACE_THREAD);
        clock.advance(Duration.ofMinutes(1));
        assertThat(policy.handle(new IllegalStateException("2"))).isEqualTo(REPLACE_THREAD);
        clock.advance(Duration.ofMinutes(1));
        assertThat(policy.handle(new IllegalStateException("3"))).isEqualTo(SHUTDOWN_CLIENT);
    }

    @Test
    void oldReplacementsLeaveTheWindow() {
        policy.handle(new IllegalStateException("1"));
        policy.handle(new IllegalStateException("2"));
        clock.advance(Duration.ofMinutes(11));
        assertThat(policy.handle(new IllegalStateException("3"))).isEqualTo(REPLACE_THREAD);
    }
}
