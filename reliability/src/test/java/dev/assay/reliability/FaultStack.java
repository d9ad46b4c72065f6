package dev.assay.reliability;

import dev.assay.avro.ArtifactKind;
import dev.assay.avro.AssayRequest;
import dev.assay.avro.Language;
import dev.assay.avro.SourceFile;
import dev.assay.embedded.EmbeddedKafkaBroker;
import dev.assay.registry.SchemaRegistryServer;
import dev.assay.runtime.AssayConfig;
import dev.assay.runtime.CommonSettings;
import dev.assay.runtime.TopicProvisioner;
import dev.assay.schemas.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The whole pipeline as separate processes: the KRaft broker (child JVM), the schema registry (in this JVM: it is
 * not under test), a faulty OpenAI-protocol model server (in this JVM) and the four services, each its own child JVM
 * started from its own {@code main} with {@code ASSAY_*} variables only.
 */
final class FaultStack implements AutoCloseable {
    /** What the good model answer writes; the requests' test imports it. */
    static final String SOLUTION = """
            The implementation:

            ```python path=fault_add.py
            def add(a, b):
                return a + b
            ```
            """;
    static final String TEST = "from fault_add import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n";
    /** Broker and producers carry up to this much, so an oversized record reaches the stages' own 4 MiB check. */
    static final int MAX_MESSAGE_BYTES = 8 * 1024 * 1024;
    /** How long the generator's circuit breaker stays open once a storm has opened it. */
    static final Duration BREAKER_OPEN = Duration.ofSeconds(3);

    final EmbeddedKafkaBroker broker;
    final SchemaRegistryServer registry;
    final FaultyChatServer model;
    final Topics topics;
    final Map<String, Object> kafkaProps;
    final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    final OutcomeLedger ledger = new OutcomeLedger();
    final BusObserver observer;
    final OutputTrigger trigger;
    private final String classPath;
    private final KafkaProducer<String, AssayRequest> requests;
    private final KafkaProducer<byte[], byte[]> raw;

    /**
     * @param dir    data of the broker and the verifier's state
     * @param logDir where each service's output goes (kept after the run, for a failure's post-mortem)
     */
    FaultStack(Path dir, Path logDir) throws InterruptedException, IOException {
        java.nio.file.Files.createDirectories(logDir);
        classPath = ClassPathSnapshot.of(dir.resolve("lib"));
        broker = new EmbeddedKafkaBroker(dir.resolve("kafka"), 0, Map.of("message.max.bytes", Integer.toString(MAX_MESSAGE_BYTES),
                "group.min.session.timeout.ms", "3000")).start();
        registry = new SchemaRegistryServer(broker.bootstrapServers(), Map.of(), SchemaRegistryServer.DEFAULT_STORE_TOPIC,
                "127.0.0.1", 0);
        registry.start();
        CommonSettings settings = CommonSettings.from("fault-suite", AssayConfig.of(Map.of(
                "kafka.bootstrap.servers", broker.bootstrapServers(), "registry.url", registry.url())));
        topics = settings.topics();
        kafkaProps = settings.kafkaClientProperties();
        TopicProvisioner.ensure(kafkaProps, topics.names(), 3, (short) 1);
        model = new FaultyChatServer(SOLUTION, Duration.ofSeconds(6));

        Map<String, String> common = new HashMap<>();
        common.put("ASSAY_KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        common.put("ASSAY_REGISTRY_URL", registry.url());
        // A SIGKILLed member is noticed after the session timeout; the default 45 s would dominate the suite.
        common.put("ASSAY_KAFKA_SESSION_TIMEOUT_MS", "6000");
        common.put("ASSAY_KAFKA_HEARTBEAT_INTERVAL_MS", "1500");
        // Lets a stage dead-letter an oversized record with its original bytes.
        common.put("ASSAY_KAFKA_MAX_REQUEST_SIZE", Integer.toString(MAX_MESSAGE_BYTES));
        add(logDir, "context-assembler", "dev.assay.assembler.ContextAssemblerApp", common, Map.of());
        add(logDir, "generator", "dev.assay.generator.GeneratorApp", common, Map.ofEntries(
                Map.entry("ASSAY_GENERATOR_PROVIDER", "openai"),
                Map.entry("ASSAY_GENERATOR_BASE_URL", model.baseUrl()),
                Map.entry("ASSAY_GENERATOR_API_KEY", "fault-suite-not-a-key"),
                Map.entry("ASSAY_GENERATOR_MODEL", "fault-model"),
                Map.entry("ASSAY_GENERATOR_TIMEOUT_SECONDS", "2"),
                Map.entry("ASSAY_GENERATOR_RETRY_MAX_ATTEMPTS", "3"),
                Map.entry("ASSAY_GENERATOR_RETRY_INITIAL_BACKOFF_MS", "100"),
                Map.entry("ASSAY_GENERATOR_RETRY_MAX_BACKOFF_MS", "400"),
                Map.entry("ASSAY_GENERATOR_RETRY_MAX_RETRY_AFTER_SECONDS", "2"),
                // The default (open at 50 % of the last 10 calls) opens on a burst of 5 concurrent transient 503s and
                // then fails their retries too; the suite opens it only when every call in the window failed.
                Map.entry("ASSAY_GENERATOR_BREAKER_FAILURE_RATE", "100"),
                Map.entry("ASSAY_GENERATOR_BREAKER_OPEN_SECONDS", Long.toString(BREAKER_OPEN.toSeconds()))));
        add(logDir, "executor", "dev.assay.executor.ExecutorApp", common, Map.of("ASSAY_EXECUTOR_SLOTS", "2"));
        add(logDir, "verifier", "dev.assay.verifier.VerifierApp", common, Map.of(
                "ASSAY_VERIFIER_STATE_DIR", dir.resolve("verifier-state").toString()));
        services.values().forEach(ServiceProcess::start);
        for (ServiceProcess service : services.values()) {
            service.awaitReady(Duration.ofMinutes(3));
        }
        observer = new BusObserver(kafkaProps, topics, ledger);
        trigger = new OutputTrigger(kafkaProps, List.of(topics.contexts().name(), topics.generations().name(),
                topics.executions().name(), topics.outcomes().name()));
        requests = new KafkaProducer<>(producerProps(), new StringSerializer(), topics.requests().valueSerde().serializer());
        raw = new KafkaProducer<>(producerProps(), new ByteArraySerializer(), new ByteArraySerializer());
    }

    private Map<String, Object> producerProps() {
        Map<String, Object> props = new HashMap<>(kafkaProps);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_MESSAGE_BYTES);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return props;
    }

    private void add(Path logDir, String name, String main, Map<String, String> common, Map<String, String> own) {
        Map<String, String> env = new HashMap<>(common);
        env.putAll(own);
        env.put("ASSAY_INSTANCE_ID", "fault-" + name);
        services.put(name, new ServiceProcess(name, main, env, logDir.resolve(name + ".log"), freePort(), classPath));
    }

    /** The topic a service writes its main output to: seeing its first record there means the service is mid-batch. */
    String outputOf(String service) {
        return switch (service) {
            case "context-assembler" -> topics.contexts().name();
            case "generator" -> topics.generations().name();
            case "executor" -> topics.executions().name();
            case "verifier" -> topics.outcomes().name();
            default -> throw new IllegalArgumentException(service);
        };
    }

    ServiceProcess service(String name) {
        return services.get(name);
    }

    /** Submits a request whose model answer passes its test (unless the task carries a fault marker). */
    void submit(String requestId, String taskSuffix) {
        AssayRequest request = AssayRequest.newBuilder().setRequestId(requestId).setTenant("fault-suite")
                .setTask("Write add(a, b) in fault_add.py. " + taskSuffix).setLanguage(Language.PYTHON)
                .setArtifactKind(ArtifactKind.UNIT_TEST).setTargetPaths(List.of("fault_add.py"))
                .setFiles(List.of(new SourceFile("test_fault_add.py", TEST))).setMaxAttempts(1)
                .setMetadata(Map.of()).setSubmittedAt(Instant.now()).build();
        ledger.submitted(requestId);
        try {
            requests.send(new ProducerRecord<>(topics.requests().name(), requestId, request)).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot submit " + requestId, e);
        }
    }

    /** Sends raw bytes to a topic (poison records); the broker's refusal is the caller's to see. */
    void sendRaw(String topic, String key, byte[] value) throws Exception {
        raw.send(new ProducerRecord<>(topic, key.getBytes(java.nio.charset.StandardCharsets.UTF_8), value)).get();
    }

    /** Waits until every request of the prefix has an outcome; false on timeout. */
    boolean awaitOutcomes(String prefix, int expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ledger.completed(prefix) < expected) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(200);
        }
        // A duplicate would come right behind the first outcome: give it the time to show up.
        Thread.sleep(2_000);
        return true;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        observer.close();
        trigger.close();
        requests.close();
        raw.close();
        services.values().forEach(ServiceProcess::stop);
        model.close();
        registry.stop();
        broker.stop();
    }
}
