package dev.assay.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.avro.AssayRequest;
import dev.assay.avro.Outcome;
import dev.assay.avro.OutcomeStatus;
import dev.assay.embedded.EmbeddedKafkaBroker;
import dev.assay.schemas.DeadLetterHeaders;
import dev.assay.schemas.Topics;
import dev.assay.schemas.registry.InMemorySchemaRegistryClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The stage loop against a real broker: outputs and offsets in one transaction, dead letters (bad bytes, oversized input or output, handler bugs), retries on registry outages. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StageLoopIT {
    private EmbeddedKafkaBroker broker;

    @BeforeAll
    void startBroker(@TempDir Path dir) {
        broker = new EmbeddedKafkaBroker(dir).start();
    }

    @AfterAll
    void stopBroker() {
        broker.stop();
    }

    @Test
    void handlesGoodRecordsDeadLettersBadOnesAndRetriesThroughARegistryOutage() throws Exception {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        Topics topics = Topics.create("it-" + UUID.randomUUID() + ".", registry, true);
        CommonSettings settings = new CommonSettings("echo", "echo-1", broker.bootstrapServers(), "http://unused",
                "", true, 0, Map.of());
        TopicProvisioner.ensure(settings.kafkaClientProperties(), topics.names(), 2, (short) 1);

        StageLoop loop = StageLoop.builder(settings, topics, new SimpleMeterRegistry())
                .maxRecordBytes(10_000)
                .on(topics.requests(), (key, request) -> {
                    if (request.getTask().equals("explode")) {
                        throw new IllegalStateException("handler bug on " + key);
                    }
                    String reason = request.getTask().equals("inflate") ? "x".repeat(20_000) : "echo " + request.getTask();
                    return List.of(Emit.of(topics.outcomes(), key, Outcome.newBuilder().setRequestId(request.getRequestId())
                            .setStatus(OutcomeStatus.APPROVED).setReason(reason).build()));
                })
                .build();
        loop.start();
        try (var producer = new KafkaProducer<>(settings.kafkaClientProperties(), new ByteArraySerializer(), new ByteArraySerializer())) {
            send(producer, topics.requests().name(), "ok-1", serialize(topics, request("ok-1", "first")));
            send(producer, topics.requests().name(), "garbage", "definitely not avro".getBytes());
            send(producer, topics.requests().name(), "big", new byte[20_000]);
            send(producer, topics.requests().name(), "boom", serialize(topics, request("boom", "explode")));
            send(producer, topics.requests().name(), "inflate", serialize(topics, request("inflate", "inflate")));

            // A record written with a schema id the loop has never fetched, while the registry is down: retried, not dead-lettered.
            Schema older = SchemaBuilder.record("AssayRequest").namespace("dev.assay.avro").fields()
                    .requiredString("requestId").requiredString("task").endRecord();
            int olderId = registry.register(topics.requests().name() + "-value", older);
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> outputs(topics.outcomes().name()).size() == 1);
            registry.setAvailable(false);
            send(producer, topics.requests().name(), "legacy", frame(olderId, older, "legacy", "from an old producer"));
            Thread.sleep(3_000);
            assertThat(outputs(topics.outcomes().name())).hasSize(1);
            registry.setAvailable(true);

            Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(outputs(topics.outcomes().name())).extracting(r -> new String(r.key()))
                            .containsExactlyInAnyOrder("ok-1", "legacy"));
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                List<ConsumerRecord<byte[], byte[]>> dead = outputs(topics.deadLetter());
                assertThat(dead).extracting(r -> new String(r.key())).containsExactlyInAnyOrder("garbage", "big", "boom", "inflate");
                assertThat(dead).extracting(r -> header(r, DeadLetterHeaders.REASON))
                        .containsExactlyInAnyOrder("NOT_WIRE_FORMAT", "OVERSIZED", "PROCESSING_ERROR", "OVERSIZED");
                assertThat(dead).allSatisfy(r -> assertThat(header(r, DeadLetterHeaders.ORIGINAL_TOPIC)).isEqualTo(topics.requests().name()));
            });
            assertThat(loop.isAlive()).isTrue();
        } finally {
            loop.stop();
        }
    }

    private static AssayRequest request(String id, String task) {
        return AssayRequest.newBuilder().setRequestId(id).setTask(task).build();
    }

    private static byte[] serialize(Topics topics, AssayRequest request) {
        return topics.requests().valueSerde().serializer().serialize(topics.requests().name(), request);
    }

    private static byte[] frame(int id, Schema schema, String requestId, String task) throws Exception {
        GenericRecord record = new GenericData.Record(schema);
        record.put("requestId", requestId);
        record.put("task", task);
        var out = new java.io.ByteArrayOutputStream();
        out.write(0);
        out.write(java.nio.ByteBuffer.allocate(4).putInt(id).array());
        var encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, String key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value)).get();
    }

    private List<ConsumerRecord<byte[], byte[]>> outputs(String topic) {
        Map<String, Object> props = new HashMap<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            for (int i = 0; i < 6; i++) {
                consumer.poll(Duration.ofMillis(500)).forEach(out::add);
            }
        }
        return out;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
