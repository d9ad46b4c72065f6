package dev.assay.reliability;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import dev.assay.runtime.TopicFollower;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * Sees a service's output the moment it is written, before its transaction commits (read_uncommitted, keys only), so
 * a test can SIGKILL the service while it is in the middle of a batch rather than between batches.
 */
public final class OutputTrigger implements AutoCloseable {

    private final Map<String, Map<String, Integer>> writesByTopic = new ConcurrentHashMap<>();
    private final TopicFollower follower;

    public OutputTrigger(Map<String, Object> kafkaProps, List<String> topics) {
        topics.forEach(t -> writesByTopic.put(t, new ConcurrentHashMap<>()));
        Map<String, Object> props = new HashMap<>(kafkaProps);
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
        this.follower = TopicFollower.start("fault-trigger", props, topics, false, Duration.ofMillis(50), record -> {
            if (record.key() != null) {
                writesByTopic.get(record.topic()).merge(TopicFollower.key(record), 1, Integer::sum);
            }
        });
    }

    /** Waits until a record keyed with the prefix was written to the topic (committed or not); false on timeout. */
    public boolean awaitFirst(String topic, String keyPrefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (writesByTopic.get(topic).keySet().stream().noneMatch(k -> k.startsWith(keyPrefix))) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    /**
     * Keys of the prefix written more than once to the topic, counting records of aborted transactions: work a
     * restarted service redid because it was killed before committing (read_committed readers see it once).
     */
    public int rewritten(String topic, String keyPrefix) {
        return (int) writesByTopic.get(topic).entrySet().stream()
                .filter(e -> e.getKey().startsWith(keyPrefix) && e.getValue() > 1).count();
    }

    @Override
    public void close() {
        follower.close();
    }
}
