package dev.assay.assembler;

import dev.assay.schemas.registry.InMemorySchemaRegistryClient;
import static dev.assay.assembler.Requests.valid;
import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.avro.AssayRequest;
import dev.assay.avro.AssembledContext;
import dev.assay.avro.Outcome;
import dev.assay.avro.OutcomeStatus;
import dev.assay.embedded.EmbeddedKafkaBroker;
import dev.assay.runtime.AssayConfig;
import dev.assay.runtime.AssayService;
import dev.assay.runtime.CommonSettings;
import dev.assay.runtime.ServiceContext;
import dev.assay.schemas.Topic;
import dev.assay.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.avro.specific.SpecificRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The assembler service end to end on a real broker: requests in, contexts and INVALID outcomes out, transactionally. */
class ContextAssemblerAppIT {
    @TempDir
    static Path dataDir;
    static EmbeddedKafkaBroker broker;
    static Topics topics;
    static AssayService service;

    @BeforeAll
    static void start() throws Exception {
        broker = new EmbeddedKafkaBroker(dataDir).start();
        topics = Topics.create("it.", new InMemorySchemaRegistryClient(), true);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(topics.names().stream().map(n -> new NewTopic(n, 1, (short) 1)).toList()).all().get();
        }
        AssayConfig config = AssayConfig.of(Map.of("kafka.bootstrap.servers", broker.bootstrapServers(),
                "registry.url", "http://registry.invalid", "topic.prefix", "it.", "instance.id", "assembler-it"));
        ServiceContext ctx = new ServiceContext(config, CommonSettings.from(ContextAssembler.SERVICE, config), topics,
                new SimpleMeterRegistry());
        service = ContextAssemblerApp.create(ctx);
        service.start();
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.stop();
        }
        if (broker != null) {
            broker.stop();
        }
    }

    @Test
    void assemblesValidRequestsAndRejectsInvalidOnes() {
        try (KafkaProducer<String, AssayRequest> producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers()),
                topics.requests().keySerde().serializer(), topics.requests().valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(topics.requests().name(), "req-ok", valid().setRequestId("req-ok").build()));
            producer.send(new ProducerRecord<>(topics.requests().name(), "req-bad", valid().setRequestId("req-bad").setTask(" ").build()));
        }

        List<AssembledContext> contexts = readAll(topics.contexts(), 1);
        List<Outcome> outcomes = readAll(topics.outcomes(), 1);

        assertThat(contexts).singleElement().satisfies(c -> {
            assertThat(c.getRequestId()).isEqualTo("req-ok");
            assertThat(c.getFiles()).isNotEmpty();
        });
        assertThat(outcomes).singleElement().satisfies(o -> {
            assertThat(o.getRequestId()).isEqualTo("req-bad");
            assertThat(o.getStatus()).isEqualTo(OutcomeStatus.INVALID);
            assertThat(o.getReason()).isEqualTo("task is blank");
        });
        assertThat(readAll(topics.auditEvents(), 3)).hasSize(3);
        assertThat(service.isReady()).isTrue();
    }

    private static <V extends SpecificRecord> List<V> readAll(Topic<V> topic, int expected) {
        Properties props = new Properties();
        props.put("bootstrap.servers", broker.bootstrapServers());
        props.put("group.id", "it-reader-" + topic.name());
        props.put("auto.offset.reset", "earliest");
        props.put("isolation.level", "read_committed");
        List<V> out = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(props, topic.keySerde().deserializer(),
                topic.valueSerde().deserializer())) {
            consumer.subscribe(List.of(topic.name()));
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(r.value());
                }
                return out.size() >= expected;
            });
        }
        return out;
    }
}
