package dev.assay.bench;

import dev.assay.runtime.TopicProvisioner;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The floor a pipeline stage cannot beat, measured on the same broker in the same run: (1) a plain hop, produce
 * (acks=all, idempotent) then consume, one record at a time; (2) a transactional relay hop, the shape of every Assay
 * stage without its work: read_committed consume, produce in a transaction with the offsets, commit, read back.
 * Records carry their send time; latency is read-back time minus send time, in this process. The topics are the
 * benchmark's own, outside the pipeline's catalogue.
 */
public final class KafkaHop {
    /** Prefix of the benchmark's scratch topics (not pipeline topics, so not in the catalogue). */
    static final String TOPIC_PREFIX = "assay-bench-hop-";
    private static final int PAYLOAD_BYTES = 1024;

    /** Plain and transactional hop latencies. */
    public record Result(Stats plain, Stats transactional) {
    }

    private KafkaHop() {
    }

    public static Result measure(Map<String, Object> kafkaProps, int records) throws InterruptedException {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String in = TOPIC_PREFIX + run + "-in";
        String out = TOPIC_PREFIX + run + "-out";
        TopicProvisioner.ensure(kafkaProps, List.of(in, out), 1, (short) 1);
        Stats plain = plainHop(kafkaProps, in, records);
        Stats transactional = relayHop(kafkaProps, in, out, records);
        return new Result(plain, transactional);
    }

    private static Stats plainHop(Map<String, Object> props, String topic, int records) {
        List<Long> micros = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = producer(props, null);
             KafkaConsumer<byte[], byte[]> consumer = consumer(props, "read_uncommitted")) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            consumer.seekToEnd(List.of(new TopicPartition(topic, 0)));
            consumer.position(new TopicPartition(topic, 0));
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, stamp(System.nanoTime())));
                micros.add(awaitOne(consumer));
            }
        }
        return Stats.of(micros.stream().map(m -> m / 1000.0).toList());
    }

    private static Stats relayHop(Map<String, Object> props, String in, String out, int records) throws InterruptedException {
        AtomicBoolean running = new AtomicBoolean(true);
        Thread relay = Thread.ofPlatform().name("bench-relay").start(() -> {
            try (KafkaConsumer<byte[], byte[]> consumer = consumer(props, "read_committed");
                 KafkaProducer<byte[], byte[]> producer = producer(props, "assay-bench-relay-" + UUID.randomUUID())) {
                producer.initTransactions();
                TopicPartition partition = new TopicPartition(in, 0);
                consumer.assign(List.of(partition));
                consumer.seekToEnd(List.of(partition));
                consumer.position(partition);
                while (running.get()) {
                    ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(50));
                    if (batch.isEmpty()) {
                        continue;
                    }
                    producer.beginTransaction();
                    long last = -1;
                    for (ConsumerRecord<byte[], byte[]> r : batch) {
                        producer.send(new ProducerRecord<>(out, r.value()));
                        last = r.offset();
                    }
                    producer.sendOffsetsToTransaction(Map.of(partition, new OffsetAndMetadata(last + 1)), consumer.groupMetadata());
                    producer.commitTransaction();
                }
            }
        });
        List<Long> micros = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = producer(props, null);
             KafkaConsumer<byte[], byte[]> consumer = consumer(props, "read_committed")) {
            TopicPartition partition = new TopicPartition(out, 0);
            consumer.assign(List.of(partition));
            consumer.seekToEnd(List.of(partition));
            consumer.position(partition);
            Thread.sleep(500);
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(in, stamp(System.nanoTime())));
                micros.add(awaitOne(consumer));
            }
        } finally {
            running.set(false);
            relay.join(Duration.ofSeconds(30));
        }
        return Stats.of(micros.stream().map(m -> m / 1000.0).toList());
    }

    /** Waits for the next record and returns its latency in microseconds. */
    private static long awaitOne(KafkaConsumer<byte[], byte[]> consumer) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                return (System.nanoTime() - ByteBuffer.wrap(r.value()).getLong()) / 1000;
            }
        }
        throw new IllegalStateException("no record came back within 60 s");
    }

    private static byte[] stamp(long nanos) {
        return ByteBuffer.allocate(PAYLOAD_BYTES).putLong(nanos).array();
    }

    private static KafkaProducer<byte[], byte[]> producer(Map<String, Object> base, String transactionalId) {
        Map<String, Object> props = new HashMap<>(base);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        if (transactionalId != null) {
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> base, String isolation) {
        Map<String, Object> props = new HashMap<>(base);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "assay-bench-hop-" + UUID.randomUUID());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
