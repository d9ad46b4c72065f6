package dev.assay.runtime;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows topics from their start on a background thread, the way an outside observer does: its own throw-away
 * consumer group, no commits, and every record handed to a callback as raw bytes. The demo's watcher, the benchmarks
 * and the fault suite all look at the pipeline through one of these.
 */
public final class TopicFollower implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TopicFollower.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Consumer<ConsumerRecord<byte[], byte[]>> onRecord;
    private final Duration pollInterval;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    private TopicFollower(String name, KafkaConsumer<byte[], byte[]> consumer, Duration pollInterval,
            Consumer<ConsumerRecord<byte[], byte[]>> onRecord) {
        this.consumer = consumer;
        this.onRecord = onRecord;
        this.pollInterval = pollInterval;
        this.thread = Thread.ofPlatform().name(name).daemon().start(this::run);
    }

    /**
     * @param readCommitted false to see records of open and aborted transactions too (e.g. to catch a write before its
     *                      commit); true for what every downstream reader sees
     * @param kafkaProps    client settings; anything given here beyond the group, offset reset and isolation stays
     */
    public static TopicFollower start(String name, Map<String, Object> kafkaProps, Collection<String> topics,
            boolean readCommitted, Duration pollInterval, Consumer<ConsumerRecord<byte[], byte[]>> onRecord) {
        Map<String, Object> props = new HashMap<>(kafkaProps);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "assay-" + name + "-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.copyOf(topics));
        return new TopicFollower(name, consumer, pollInterval, onRecord);
    }

    /** A header's value as text, "" when the record has none of that name. */
    public static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** The record key as text, null when it has none. */
    public static String key(ConsumerRecord<byte[], ?> record) {
        return record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    }

    private void run() {
        try {
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(pollInterval)) {
                    try {
                        onRecord.accept(record);
                    } catch (RuntimeException e) {
                        // One record the observer cannot read must not blind it to the rest.
                        log.warn("{}: cannot handle {}-{}@{}: {}", Thread.currentThread().getName(), record.topic(), record.partition(),
                                record.offset(), e.toString());
                    }
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                log.error("{} woken up unexpectedly", Thread.currentThread().getName(), e);
            }
        } finally {
            consumer.close();
        }
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
