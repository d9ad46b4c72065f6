package dev.assay.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.assay.avro.AssayRequest;
import dev.assay.avro.FixRequest;
import dev.assay.avro.Generation;
import dev.assay.avro.Outcome;
import dev.assay.avro.OutcomeStatus;
import dev.assay.runtime.AssayConfig;
import dev.assay.runtime.CommonSettings;
import dev.assay.schemas.Topic;
import dev.assay.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The whole pipeline on the embedded default, observed only through its topics: the README's demo as a test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineEndToEndIT {
    private static final Duration OUTCOME_TIMEOUT = Duration.ofMinutes(4);
    private final Path projectRoot = Path.of(System.getProperty("assay.project.root", "..")).toAbsolutePath().normalize();
    private Path dataDir;
    private DevStack stack;
    private Topics topics;
    private PipelineWatcher watcher;

    @BeforeAll
    void startStack() throws Exception {
        boolean sandbox = onPath("runsc") || onPath("bwrap");
        if (!Boolean.getBoolean("assay.require.tools")) {
            assumeTrue(sandbox, "no local sandbox (runsc or bwrap) on this machine: run ./assay setup");
        }
        dataDir = Files.createTempDirectory("assay-e2e-");
        stack = new DevStack(dataDir, AssayConfig.of(Map.of(
                "generator.scripted.dir", projectRoot.resolve("examples/completions").toString(),
                "devstack.partitions", "2"))).start();
        topics = stack.topics();
        watcher = new PipelineWatcher(kafkaProps(), topics, e -> { });
    }

    @AfterAll
    void stopStack() {
        if (watcher != null) {
            watcher.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void examplesEndWithTheirExpectedOutcomesAndAttempts() throws Exception {
        List<AssayRequest> examples = RequestFiles.readAll(projectRoot.resolve("examples/requests"));
        examples.forEach(this::submit);

        assertThat(watcher.awaitOutcomes(examples.stream().map(AssayRequest::getRequestId).toList(), OUTCOME_TIMEOUT))
                .as("every example reaches an outcome").isTrue();

        assertSingleOutcome("ex-slugify", OutcomeStatus.APPROVED, 1);
        assertSingleOutcome("ex-roman", OutcomeStatus.APPROVED, 2);
        assertSingleOutcome("ex-median", OutcomeStatus.FAILED, 3);
        Outcome invalid = assertSingleOutcome("ex-path-escape", OutcomeStatus.INVALID, 0);
        assertThat(invalid.getReason()).contains("../../etc/cron.d/assay");

        List<FixRequest> romanFixes = readAll(topics.fixRequests(), "ex-roman", 1);
        assertThat(romanFixes).singleElement().satisfies(fix -> {
            assertThat(fix.getAttempt()).isEqualTo(2);
            assertThat(fix.getFeedback()).contains("test_subtractive_numerals");
            assertThat(fix.getPreviousFiles()).extracting(f -> f.getPath()).containsExactly("roman.py");
        });
        assertThat(readAll(topics.fixRequests(), "ex-median", 2)).extracting(FixRequest::getAttempt).containsExactly(2, 3);
        assertThat(readAll(topics.generations(), "ex-roman", 2))
                .allSatisfy(g -> assertThat(g.getScripted()).as("scripted provider says so").isTrue())
                .extracting(Generation::getAttempt).containsExactly(1, 2);
    }

    @Test
    void malformedBytesOnEveryInputTopicGoToTheDeadLetterTopicAndThePipelineKeepsFlowing() throws Exception {
        List<String> inputs = List.of(topics.requests().name(), topics.contexts().name(), topics.generations().name(),
                topics.fixRequests().name(), topics.executions().name(), topics.approvalDecisions().name());
        byte[] unknownSchemaId = {0, 0, 0, 0x7f, 0x11, 1, 2, 3};
        try (var producer = new KafkaProducer<>(kafkaProps(), new StringSerializer(), new ByteArraySerializer())) {
            for (String topic : inputs) {
                producer.send(new ProducerRecord<>(topic, "poison", "not avro at all".getBytes())).get();
            }
            producer.send(new ProducerRecord<>(topics.requests().name(), "poison-id", unknownSchemaId)).get();
        }
        AssayRequest healthy = RequestFiles.read(projectRoot.resolve("examples/requests/01-slugify.json"));
        healthy.setRequestId("after-poison-" + UUID.randomUUID());
        submit(healthy);

        assertThat(watcher.awaitOutcomes(List.of(healthy.getRequestId()), OUTCOME_TIMEOUT)).isTrue();
        assertThat(watcher.outcomes(healthy.getRequestId())).singleElement()
                .extracting(Outcome::getStatus).isEqualTo(OutcomeStatus.APPROVED);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(watcher.deadLetters()).extracting(PipelineWatcher.DeadLetterSeen::sourceTopic)
                        .containsAll(inputs));
        assertThat(watcher.deadLetters()).filteredOn(d -> d.sourceTopic().equals(topics.requests().name()))
                .extracting(PipelineWatcher.DeadLetterSeen::reason)
                .contains("NOT_WIRE_FORMAT", "UNKNOWN_SCHEMA_ID");
        assertThat(stack.services()).allSatisfy(s -> assertThat(s.isAlive()).as(s.name() + " alive").isTrue());
    }

    private Outcome assertSingleOutcome(String requestId, OutcomeStatus status, int attempts) {
        List<Outcome> outcomes = watcher.outcomes(requestId);
        assertThat(outcomes).as("outcomes of " + requestId).hasSize(1);
        Outcome outcome = outcomes.getFirst();
        assertThat(outcome.getStatus()).as(requestId + " status (" + outcome.getReason() + ")").isEqualTo(status);
        assertThat(outcome.getAttempts()).as(requestId + " attempts").isEqualTo(attempts);
        return outcome;
    }

    private void submit(AssayRequest request) {
        try (var producer = new KafkaProducer<>(kafkaProps(), new StringSerializer(), topics.requests().valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(topics.requests().name(), request.getRequestId(), request)).get();
        } catch (Exception e) {
            throw new AssertionError("cannot submit " + request.getRequestId(), e);
        }
    }

    /** Reads the topic from the start until {@code expected} records for the request were seen (or 30 s passed). */
    private <V extends SpecificRecord> List<V> readAll(Topic<V> topic, String requestId, int expected) {
        Map<String, Object> props = kafkaProps();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "e2e-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<V> found = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), topic.valueSerde().deserializer())) {
            consumer.subscribe(List.of(topic.name()));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (found.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> {
                    if (requestId.equals(r.key())) {
                        found.add(r.value());
                    }
                });
            }
            // One more poll: a duplicate would show up here.
            consumer.poll(Duration.ofSeconds(1)).forEach(r -> {
                if (requestId.equals(r.key())) {
                    found.add(r.value());
                }
            });
        }
        return found;
    }

    private Map<String, Object> kafkaProps() {
        return CommonSettings.from("e2e", stack.config()).kafkaClientProperties();
    }

    private static boolean onPath(String command) {
        return System.getenv("PATH") != null && java.util.Arrays.stream(System.getenv("PATH").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
    }
}
