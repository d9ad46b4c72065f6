package dev.assay.generator;

import dev.assay.avro.Generation;
import dev.assay.embedded.EmbeddedKafkaBroker;
import dev.assay.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.Serdes;
import org.awaitility.Awaitility;

/** The generations topic as a downstream reader sees it (read_committed), for the integration tests. */
final class GenerationsTopic {
    private GenerationsTopic() {
    }

    /** Reads until {@code expected} records arrived (or the timeout), then once more so a duplicate would show. */
    static List<Generation> read(EmbeddedKafkaBroker broker, Topics topics, int expected, Duration timeout) {
        Properties props = new Properties();
        props.put("bootstrap.servers", broker.bootstrapServers());
        props.put("group.id", "it-reader-" + UUID.randomUUID());
        props.put("auto.offset.reset", "earliest");
        props.put("isolation.level", "read_committed");
        List<Generation> out = new ArrayList<>();
        try (KafkaConsumer<String, Generation> consumer = new KafkaConsumer<>(props, Serdes.String().deserializer(),
                topics.generations().valueSerde().deserializer())) {
            consumer.subscribe(List.of(topics.generations().name()));
            Awaitility.await().atMost(timeout).until(() -> {
                for (ConsumerRecord<String, Generation> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(r.value());
                }
                return out.size() >= expected;
            });
            for (ConsumerRecord<String, Generation> r : consumer.poll(Duration.ofSeconds(1))) {
                out.add(r.value());
            }
        }
        return out;
    }
}
