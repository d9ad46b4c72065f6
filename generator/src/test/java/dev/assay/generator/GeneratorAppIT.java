package dev.assay.generator;

import dev.assay.schemas.registry.InMemorySchemaRegistryClient;
import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.avro.AssembledContext;
import dev.assay.avro.FixRequest;
import dev.assay.avro.Generation;
import dev.assay.avro.GenerationStatus;
import dev.assay.embedded.EmbeddedKafkaBroker;
import dev.assay.runtime.AssayConfig;
import dev.assay.runtime.AssayService;
import dev.assay.runtime.CommonSettings;
import dev.assay.runtime.ServiceContext;
import dev.assay.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generator service end to end on a real broker with the scripted provider: a context and a fix request in, two generations out. */
class GeneratorAppIT {
    @TempDir
    Path dir;

    @Test
    void generatesForContextsAndFixRequests() throws Exception {
        Path scripts = Files.createDirectory(dir.resolve("scripts"));
        Files.writeString(scripts.resolve("req-1.attempt-1.md"), "```python path=slug.py\ndef slugify(t):\n    return t\n```\n");
        Files.writeString(scripts.resolve("req-1.attempt-2.md"), "```python path=slug.py\ndef slugify(t):\n    return t.lower()\n```\n");
        Topics topics = Topics.create("it.", new InMemorySchemaRegistryClient(), true);
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir.resolve("kafka")).start()) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                admin.createTopics(topics.names().stream().map(n -> new NewTopic(n, 1, (short) 1)).toList()).all().get();
            }
            AssayConfig config = AssayConfig.of(Map.of("kafka.bootstrap.servers", broker.bootstrapServers(),
                    "registry.url", "http://registry.invalid", "topic.prefix", "it.", "instance.id", "generator-it",
                    "generator.scripted.dir", scripts.toString()));
            AssayService service = GeneratorApp.create(new ServiceContext(config, CommonSettings.from(Generator.SERVICE, config),
                    topics, new SimpleMeterRegistry()));
            service.start();
            try {
                AssembledContext context = Fixtures.context();
                Map<String, Object> producerProps = Map.of("bootstrap.servers", broker.bootstrapServers());
                try (var p1 = new KafkaProducer<>(producerProps, Serdes.String().serializer(), topics.contexts().valueSerde().serializer());
                     var p2 = new KafkaProducer<>(producerProps, Serdes.String().serializer(), topics.fixRequests().valueSerde().serializer())) {
                    p1.send(new ProducerRecord<>(topics.contexts().name(), "req-1", context));
                    p2.send(new ProducerRecord<>(topics.fixRequests().name(), "req-1", FixRequest.newBuilder().setRequestId("req-1")
                            .setAttempt(2).setContext(context).setFeedback("test_basic failed").setRequestedAt(Instant.EPOCH).build()));
                }

                List<Generation> generations = GenerationsTopic.read(broker, topics, 2, Duration.ofSeconds(60));

                generations.sort(Comparator.comparingInt(Generation::getAttempt));
                assertThat(generations).extracting(Generation::getAttempt).containsExactly(1, 2);
                assertThat(generations).allSatisfy(g -> {
                    assertThat(g.getStatus()).isEqualTo(GenerationStatus.OK);
                    assertThat(g.getScripted()).isTrue();
                    assertThat(g.getTemplateVersion()).isEqualTo("v1");
                });
                assertThat(generations.get(1).getFiles().getFirst().getContent()).contains("t.lower()");
            } finally {
                service.stop();
            }
        }
    }
}
