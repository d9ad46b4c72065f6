package dev.assay.reliability;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sees a service's output the moment it is written, before its transaction commits (read_uncommitted, keys only), so
 * a test can SIGKILL the service while it is in the middle of a batch rather than between batches.
 */
public final class OutputTrigger implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OutputTrigger.class);

    private final Map<String, Map<String, Integer>> writesByTopic = new ConcurrentHashMap<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    public OutputTrigger(Map<String, Object> kafkaProps, List<String> topics) {
        topics.forEach(t -> writesByTopic.put(t, new ConcurrentHashMap<>()));
        Map<String, Object> props = new HashMap<>(kafkaProps);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "assay-fault-trigger-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(topics);
        this.thread = Thread.ofPlatform().name("output-trigger").daemon().start(this::run);
    }

    private void run() {
        try {
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                    if (record.key() != null) {
                        writesByTopic.get(record.topic()).merge(new String(record.key(), StandardCharsets.UTF_8), 1, Integer::sum);
                    }
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                log.error("trigger woken up unexpectedly", e);
            }
        } finally {
            consumer.close();
        }
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
        running.set(false);
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
