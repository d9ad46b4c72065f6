package dev.assay.bench;

import dev.assay.runtime.TopicFollower;
import dev.assay.schemas.Topic;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;

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
    private final TopicFollower follower;

    public TopicRecorder(Map<String, Object> kafkaProps, List<Topic<? extends SpecificRecord>> topics) {
        topics.forEach(t -> {
            byName.put(t.name(), t);
            seen.put(t.name(), new CopyOnWriteArrayList<>());
        });
        this.follower = TopicFollower.start("bench-recorder", kafkaProps, byName.keySet(), true, Duration.ofMillis(100), record -> {
            long now = System.nanoTime();
            Topic<? extends SpecificRecord> topic = byName.get(record.topic());
            SpecificRecord value = topic.valueSerde().deserializer().deserialize(record.topic(), record.value());
            seen.get(record.topic()).add(new Seen<>(TopicFollower.key(record), value, record.timestamp(), now));
        });
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
        follower.close();
    }
}
