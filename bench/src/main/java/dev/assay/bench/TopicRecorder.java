package dev.assay.bench;

import dev.assay.schemas.Topic;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads pipeline topics from the outside as any client would (read_committed, its own group, from the start) and
 * keeps every record with the moment this process received it, per topic.
 */
public final class TopicRecorder implements AutoCloseable {

    /** One record as received: its key, value, broker timestamp and when it arrived here (nanoTime). */
    public record Seen<V>(String key, V value, long recordTimestampMs, long receivedNanos) {
    }

    private final Map<String, Topic<? extends SpecificRecord>> byName = new HashMap<>();
    private final Map<String, List<Seen<SpecificRecord>>> seen = new ConcurrentHashMap<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    public TopicRecorder(Map<String, Object> kafkaProps, List<Topic<? extends SpecificRecord>> topics) {
        topics.forEach(t -> {
            byName.put(t.name(), t);
            seen.put(t.name(), new CopyOnWriteArrayList<>());
        });
        Map<String, Object> props = new HashMap<>(kafkaProps);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "assay-bench-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(byName.keySet());
        this.thread = Thread.ofPlatform().name("topic-recorder").daemon().start(this::run);
    }

    private void run() {
        try {
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.nanoTime();
                    Topic<? extends SpecificRecord> topic = byName.get(record.topic());
                    SpecificRecord value = topic.valueSerde().deserializer().deserialize(record.topic(), record.value());
                    String key = record.key() == null ? null : new String(record.key(), java.nio.charset.StandardCharsets.UTF_8);
                    seen.get(record.topic()).add(new Seen<>(key, value, record.timestamp(), now));
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                throw e;
            }
        } finally {
            consumer.close();
        }
    }

    /** Every record seen on the topic so far, in arrival order. */
    @SuppressWarnings("unchecked")
    public <V extends SpecificRecord> List<Seen<V>> seen(Topic<V> topic) {
        return List.copyOf((List<Seen<V>>) (List<?>) seen.get(topic.name()));
    }

    /** Waits until {@code done} holds for the records of {@code topic}; false on timeout. */
    public <V extends SpecificRecord> boolean await(Topic<V> topic, Predicate<List<Seen<V>>> done, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(seen(topic))) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
