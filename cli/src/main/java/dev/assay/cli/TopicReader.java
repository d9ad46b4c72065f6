package dev.assay.cli;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads topics from their beginning without a consumer group (nothing is left behind on the cluster), committed
 * records only, optionally just one request's records (matched on the key bytes before any value is decoded).
 */
final class TopicReader implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration TRAILING = Duration.ofMillis(500);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final byte[] key;
    private final List<TopicPartition> partitions = new ArrayList<>();

    /** @param requestId only records with this key, or {@code null} for all */
    TopicReader(Map<String, Object> kafkaProps, List<String> topics, String requestId) {
        Map<String, Object> props = new HashMap<>(kafkaProps);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "assay-cli");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.key = requestId == null ? null : requestId.getBytes(StandardCharsets.UTF_8);
        for (String topic : topics) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos != null) {
                infos.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            }
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Hands every matching record up to the topics' current end to {@code handler}, in partition order. */
    void readToEnd(java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> handler, Duration timeout) {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        Instant deadline = Instant.now().plus(timeout);
        while (!reached(end)) {
            if (Instant.now().isAfter(deadline)) {
                throw new TimeoutException("reading " + partitions + " did not reach the end within " + timeout);
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                if (matches(record)) {
                    handler.accept(record);
                }
            }
        }
    }

    /**
     * Hands matching records to {@code handler} as they arrive, until it returns true (done) or the timeout passes;
     * {@code tick} runs after every poll (to redraw a progress line). Once done, the rest of that poll and one short
     * poll more are still handed over: records of other topics written in the same transaction (the final audit
     * events next to an outcome) may arrive just after it.
     *
     * @return true if the handler finished, false on timeout
     */
    boolean follow(Predicate<ConsumerRecord<byte[], byte[]>> handler, Runnable tick, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        boolean done = false;
        while (!done && Instant.now().isBefore(deadline)) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                if (matches(record)) {
                    done |= handler.test(record);
                }
            }
            tick.run();
        }
        if (done) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(TRAILING)) {
                if (matches(record)) {
                    handler.test(record);
                }
            }
        }
        return done;
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (TopicPartition p : partitions) {
            if (consumer.position(p) < end.getOrDefault(p, 0L)) {
                return false;
            }
        }
        return true;
    }

    private boolean matches(ConsumerRecord<byte[], byte[]> record) {
        return key == null || Arrays.equals(key, record.key());
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
