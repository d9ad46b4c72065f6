package dev.assay.verifier;

import dev.assay.runtime.AssayService;
import dev.assay.runtime.ServiceContext;
import dev.assay.runtime.ServiceLauncher;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The verifier service: {@link VerifierTopology} on {@link KafkaStreams} with exactly-once v2, the
 * {@link ErrorPolicy} handlers, {@link ThreadReplacementPolicy} for dead stream threads, and Kafka Streams' own
 * metrics bound to the service's meter registry.
 */
public final class VerifierApp implements AssayService {
    /** The Streams application id: consumer group, transactional id prefix and internal topic prefix. */
    public static final String APPLICATION_ID = "assay-verifier";
    public static final String SERVICE = "verifier";

    private static final Logger log = LoggerFactory.getLogger(VerifierApp.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaStreams streams;
    private final MeterRegistry meters;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private KafkaStreamsMetrics metrics;

    VerifierApp(Topology topology, Properties properties, MeterRegistry meters, StreamsUncaughtExceptionHandler onThreadDeath) {
        this.streams = new KafkaStreams(topology, properties);
        this.streams.setUncaughtExceptionHandler(onThreadDeath);
        this.meters = meters;
    }

    public static void main(String[] args) {
        ServiceLauncher.run(SERVICE, args, VerifierApp::create);
    }

    public static VerifierApp create(ServiceContext ctx) {
        VerifierConfig config = VerifierConfig.from(ctx.config());
        ThreadReplacementPolicy onThreadDeath = new ThreadReplacementPolicy(
                ctx.config().integer(VerifierConfig.THREAD_REPLACEMENTS_MAX, 10),
                Duration.ofMillis(ctx.config().longValue(VerifierConfig.THREAD_REPLACEMENTS_WINDOW_MS, 600_000)),
                config.clock());
        return new VerifierApp(VerifierTopology.build(ctx.topics(), config, ctx.meters()), streamsProperties(ctx),
                ctx.meters(), onThreadDeath);
    }

    /**
     * Bootstrap servers and the {@code kafka.*} pass-through settings, then what the verifier fixes: application id,
     * exactly_once_v2 and the error policy. State lives in {@value VerifierConfig#STATE_DIR} (default: a directory
     * under java.io.tmpdir named after the application id).
     */
    public static Properties streamsProperties(ServiceContext ctx) {
        Properties props = new Properties();
        props.putAll(ctx.settings().kafkaClientProperties());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.CLIENT_ID_CONFIG, APPLICATION_ID + "-" + ctx.settings().instanceId());
        props.put(StreamsConfig.STATE_DIR_CONFIG, ctx.config().string(VerifierConfig.STATE_DIR,
                Path.of(System.getProperty("java.io.tmpdir"), "kafka-streams").toString()));
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, ctx.config().integer(VerifierConfig.STREAM_THREADS, 1));
        props.putAll(ErrorPolicy.streamsProperties(ctx.topics().deadLetter(), SERVICE));
        return props;
    }

    @Override
    public String name() {
        return SERVICE;
    }

    @Override
    public void start() {
        if (stopped.get() || !started.compareAndSet(false, true)) {
            return;
        }
        metrics = new KafkaStreamsMetrics(streams);
        metrics.bindTo(meters);
        streams.start();
        log.info("verifier started as {}", APPLICATION_ID);
    }

    @Override
    public void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        // Leave the group so the tasks move to the other instances now, not after the session times out.
        boolean closed = streams.close(CloseOptions.timeout(CLOSE_TIMEOUT)
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        if (!closed) {
            log.warn("Kafka Streams did not close within {}", CLOSE_TIMEOUT);
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

    /** The Streams state, for tests and diagnostics. */
    public KafkaStreams.State state() {
        return streams.state();
    }
}
