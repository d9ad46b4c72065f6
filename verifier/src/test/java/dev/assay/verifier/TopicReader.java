package dev.assay.verifier;

import dev.assay.schemas.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;

/** Reads a topic from the start with read_committed, as a downstream service would, accumulating what it saw. */
final class TopicReader<K, V> implements AutoCloseable {
    private final KafkaConsumer<K, V> consumer;
    private final List<ConsumerRecord<K, V>> records = new ArrayList<>();

    TopicReader(String bootstrap, String topic, Deserializer<K> keys, Deserializer<V> values) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("group.id", "it-reader-" + topic + "-" + System.nanoTime());
        props.put("auto.offset.reset", "earliest");
        props.put("isolation.level", "read_committed");
        props.put("enable.auto.commit", "false");
        consumer = new KafkaConsumer<>(props, keys, values);
        consumer.subscribe(List.of(topic));
    }

    static <V extends SpecificRecord> TopicReader<String, V> of(String bootstrap, Topic<V> topic) {
        return new TopicReader<>(bootstrap, topic.name(), new StringDeserializer(), topic.valueSerde().deserializer());
    }

    /** Polls once and returns everything read so far. */
    List<ConsumerRecord<K, V>> poll() {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        return List.copyOf(records);
    }

    List<V> values() {
        return records.stream().map(ConsumerRecord::value).toList();
    }

    /** Polls until the records read so far satisfy {@code done}, or fails after {@code timeout}. */
    List<ConsumerRecord<K, V>> awaitUntil(Duration timeout, Predicate<List<ConsumerRecord<K, V>>> done) {
        // Stream threads killed on purpose rethrow their error; Awaitility would otherwise fail the wait with it.
        Awaitility.await().dontCatchUncaughtExceptions().atMost(timeout).pollInterval(Duration.ofMillis(1))
                .until(() -> done.test(poll()));
        return List.copyOf(records);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
