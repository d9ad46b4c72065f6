package dev.assay.verifier;

import dev.assay.runtime.ServiceContext;
import dev.assay.runtime.ServiceLauncher;
import dev.assay.runtime.StreamsService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The verifier service: {@link VerifierTopology} on Kafka Streams with exactly-once v2, the {@link ErrorPolicy}
 * handlers, {@link ThreadReplacementPolicy} for dead stream threads, and Kafka Streams' own metrics bound to the
 * service's meter registry.
 */
public final class VerifierApp {
    /** The Streams application id: consumer group, transactional id prefix and internal topic prefix. */
    public static final String APPLICATION_ID = "assay-verifier";
    public static final String SERVICE = "verifier";

    private VerifierApp() {
    }

    public static void main(String[] args) {
        ServiceLauncher.run(SERVICE, args, VerifierApp::create);
    }

    public static StreamsService create(ServiceContext ctx) {
        VerifierConfig config = VerifierConfig.from(ctx.config());
        ThreadReplacementPolicy onThreadDeath = new ThreadReplacementPolicy(
                ctx.config().integer(VerifierConfig.THREAD_REPLACEMENTS_MAX, 10),
                Duration.ofMillis(ctx.config().longValue(VerifierConfig.THREAD_REPLACEMENTS_WINDOW_MS, 600_000)),
                config.clock());
        return new StreamsService(SERVICE, VerifierTopology.build(ctx.topics(), config, ctx.meters()), streamsProperties(ctx),
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
}
