package dev.assay.executor;

import static dev.assay.executor.Generations.file;
import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.avro.ExecutionResult;
import dev.assay.avro.ExecutionStatus;
import dev.assay.avro.Generation;
import dev.assay.embedded.EmbeddedKafkaBroker;
import dev.assay.executor.sandbox.TestSandboxes;
import dev.assay.runtime.AssayConfig;
import dev.assay.runtime.AssayService;
import dev.assay.runtime.CommonSettings;
import dev.assay.runtime.ServiceContext;
import dev.assay.runtime.TopicProvisioner;
import dev.assay.schemas.Topic;
import dev.assay.schemas.Topics;
import dev.assay.schemas.registry.InMemorySchemaRegistryClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The executor service on a real broker: a generation in, its execution result and an EXECUTED audit event out. */
class ExecutorIT {

    @Test
    void executesGenerationsFromKafkaAndPublishesResultsAndAudit(@TempDir Path dir) throws Exception {
        TestSandboxes.any();
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir).start()) {
            Topics topics = Topics.create("it-" + UUID.randomUUID() + ".", new InMemorySchemaRegistryClient(), true);
            AssayConfig config = AssayConfig.of(Map.of("kafka.bootstrap.servers", broker.bootstrapServers(),
                    "registry.url", "http://unused", "executor.timeout.seconds", "20", "executor.slots", "2"));
            CommonSettings settings = CommonSettings.from("executor", config);
            TopicProvisioner.ensure(settings.kafkaClientProperties(), topics.names(), 2, (short) 1);
            AssayService service = ExecutorApp.create(new ServiceContext(config, settings, topics, new SimpleMeterRegistry()));
            service.start();
            try (var producer = new KafkaProducer<>(settings.kafkaClientProperties(), new StringSerializer(), new ByteArraySerializer())) {
                Generation passing = Generations.python(List.of(file("test_calc.py", "from calc import add\ndef test_add():\n    assert add(1, 2) == 3\n")),
                        List.of(file("calc.py", "def add(a, b):\n    return a + b\n")));
                Generation failed = Generations.failed("provider unavailable");
                failed.setRequestId("req-2");
                for (Generation g : List.of(passing, failed)) {
                    producer.send(new ProducerRecord<>(topics.generations().name(), g.getRequestId(),
                            topics.generations().valueSerde().serializer().serialize(topics.generations().name(), g))).get();
                }
            }
            Awaitility.await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                Map<String, ExecutionResult> results = new HashMap<>();
                read(broker, topics.executions()).forEach(r -> results.put(r.getRequestId(), r));
                assertThat(results).containsOnlyKeys("req-1", "req-2");
                assertThat(results.get("req-1").getStatus()).isEqualTo(ExecutionStatus.PASSED);
                assertThat(results.get("req-2").getStatus()).isEqualTo(ExecutionStatus.NOT_RUN);
            });
            assertThat(service.isAlive()).isTrue();
            service.stop();
        }
    }

    private static <V extends SpecificRecord> List<V> read(EmbeddedKafkaBroker broker, Topic<V> topic) {
        Map<String, Object> props = new HashMap<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
        List<V> out = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic.name()));
            for (int i = 0; i < 4; i++) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> out.add(topic.valueSerde().deserializer().deserialize(topic.name(), r.value())));
            }
        }
        return out;
    }
}
