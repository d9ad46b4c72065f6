package dev.assay.console;

import dev.assay.avro.ApprovalDecision;
import dev.assay.runtime.AssayService;
import dev.assay.runtime.ServiceContext;
import dev.assay.runtime.ServiceLauncher;
import dev.assay.runtime.StreamsService;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The approval console service: a Kafka Streams app keeping {@link ConsoleTopology}'s view, a producer for decisions,
 * and the {@link ConsoleServer} web UI on {@value ConsoleConfig#PORT}. Run one replica: the view is partitioned by
 * request id, and a single instance holds every partition.
 */
public final class ConsoleApp implements AssayService {
    public static final String SERVICE = "console";
    private static final Logger log = LoggerFactory.getLogger(ConsoleApp.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(20);

    private final ServiceContext ctx;
    private final ConsoleConfig config;
    private final StreamsService view;
    private final Producer<String, ApprovalDecision> producer;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private ConsoleServer server;

    private ConsoleApp(ServiceContext ctx, ConsoleConfig config) {
        this.ctx = ctx;
        this.config = config;
        // A failed view makes the service not alive, and the supervisor restarts it (Streams' own default response).
        this.view = new StreamsService(SERVICE, ConsoleTopology.build(ctx.topics()), streamsProperties(ctx, config), ctx.meters(),
                e -> StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
        this.producer = new KafkaProducer<>(producerProperties(ctx), new StringSerializer(),
                ctx.topics().approvalDecisions().valueSerde().serializer());
    }

    public static void main(String[] args) {
        ServiceLauncher.run(SERVICE, args, ConsoleApp::create);
    }

    public static ConsoleApp create(ServiceContext ctx) {
        return new ConsoleApp(ctx, ConsoleConfig.from(ctx.config()));
    }

    static Properties streamsProperties(ServiceContext ctx, ConsoleConfig config) {
        Properties props = new Properties();
        props.putAll(ctx.settings().kafkaClientProperties());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.CLIENT_ID_CONFIG, config.applicationId() + "-" + ctx.settings().instanceId());
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir()
                .orElse(Path.of(System.getProperty("java.io.tmpdir"), "kafka-streams").toString()));
        // Only committed pipeline records are shown: an aborted verifier transaction never reaches a reviewer.
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG), "read_committed");
        // A record the view cannot read is logged and skipped; dead-lettering it is the pipeline stages' job.
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1_000);
        // Show records as they arrive rather than after the record cache flushes.
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        return props;
    }

    private static Map<String, Object> producerProperties(ServiceContext ctx) {
        Map<String, Object> props = new HashMap<>(ctx.settings().kafkaClientProperties());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, SERVICE + "-decisions-" + ctx.settings().instanceId());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
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
        view.start();
        DecisionSink sink = decision -> producer.send(new ProducerRecord<>(ctx.topics().approvalDecisions().name(),
                decision.getRequestId(), decision)).get(30, TimeUnit.SECONDS);
        server = ConsoleServer.start(config.bindAddress(), config.port(), new StreamsConsoleView(view.streams()), sink,
                new ConsoleAuth(config, Clock.systemUTC()), Clock.systemUTC(), config.closedLimit());
        log.info("approval console on http://{}:{}/ (auth: {})", config.bindAddress(), server.port(), authMethods());
    }

    private String authMethods() {
        StringBuilder out = new StringBuilder();
        config.sharedToken().ifPresent(t -> out.append("shared token as ").append(config.sharedTokenUser()).append("; "));
        if (!config.userTokens().isEmpty()) {
            out.append("personal tokens for ").append(config.userTokens().keySet()).append("; ");
        }
        config.authHeader().ifPresent(h -> out.append("proxy header ").append(h).append(" from ").append(config.trustedProxies()));
        return out.toString();
    }

    /** The port the web UI listens on (useful with port 0). */
    public int port() {
        if (server == null) {
            throw new IllegalStateException("the console is not started");
        }
        return server.port();
    }

    @Override
    public void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        if (server != null) {
            server.close();
        }
        view.stop();
        producer.close(CLOSE_TIMEOUT);
    }

    @Override
    public boolean isAlive() {
        return view.isAlive();
    }

    @Override
    public boolean isReady() {
        return view.isReady();
    }
}
