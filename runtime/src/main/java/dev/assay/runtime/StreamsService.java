package dev.assay.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka Streams application as an Assay service: Streams' own metrics on the service's registry, ready while
 * RUNNING, no longer alive once it has failed (ERROR or NOT_RUNNING after a start), and a stop that leaves the group so
 * its tasks move to the other instances at once rather than after the session times out.
 */
public final class StreamsService implements AssayService {
    private static final Logger log = LoggerFactory.getLogger(StreamsService.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final KafkaStreams streams;
    private final MeterRegistry meters;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private KafkaStreamsMetrics metrics;

    /** @param onThreadDeath what to do when a stream thread dies (Streams' default shuts the client down) */
    public StreamsService(String name, Topology topology, Properties properties, MeterRegistry meters,
            StreamsUncaughtExceptionHandler onThreadDeath) {
        this.name = name;
        this.streams = new KafkaStreams(topology, properties);
        this.streams.setUncaughtExceptionHandler(onThreadDeath);
        this.meters = meters;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start() {
        if (stopped.get() || !started.compareAndSet(false, true)) {
            return;
        }
        metrics = new KafkaStreamsMetrics(streams);
        metrics.bindTo(meters);
        streams.start();
        log.info("{} started", name);
    }

    @Override
    public void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        boolean closed = streams.close(CloseOptions.timeout(CLOSE_TIMEOUT)
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        if (!closed) {
            log.warn("{}: Kafka Streams did not close within {}", name, CLOSE_TIMEOUT);
        }
        if (metrics != null) {
            metrics.close();
        }
    }

    @Override
    public boolean isAlive() {
        KafkaStreams.State state = streams.state();
        return !(started.get() && (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING));
    }

    @Override
    public boolean isReady() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    /** The Streams client, for interactive queries of its stores. */
    public KafkaStreams streams() {
        return streams;
    }

    /** The Streams state, for tests and diagnostics. */
    public KafkaStreams.State state() {
        return streams.state();
    }
}
