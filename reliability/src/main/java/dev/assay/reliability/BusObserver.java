package dev.assay.reliability;

import dev.assay.avro.Outcome;
import dev.assay.schemas.DeadLetterHeaders;
import dev.assay.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the outcome and dead-letter topics as a client would (read_committed, from the start): outcomes go into an
 * {@link OutcomeLedger}, dead letters are kept with their error headers. Survives broker restarts (the consumer
 * reconnects by itself).
 */
public final class BusObserver implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BusObserver.class);

    /** A dead-letter record's origin and error headers. */
    public record DeadLetter(String key, String originalTopic, String service, String reason, String exceptionClass,
            String message, int valueBytes) {
    }

    private final Topics topics;
    private final OutcomeLedger ledger;
    private final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();
    /** Outcome records already counted, by partition and offset: a re-read is the same record, not a duplicate. */
    private final java.util.Set<String> seenOutcomeOffsets = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.Set<String> seenDeadLetterOffsets = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicInteger reread = new java.util.concurrent.atomic.AtomicInteger();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    public BusObserver(Map<String, Object> kafkaProps, Topics topics, OutcomeLedger ledger) {
        this.topics = topics;
        this.ledger = ledger;
        Map<String, Object> props = new HashMap<>(kafkaProps);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "assay-fault-observer-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topics.outcomes().name(), topics.deadLetter()));
        this.thread = Thread.ofPlatform().name("bus-observer").daemon().start(this::run);
    }

    private void run() {
        try {
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    String position = record.topic() + "-" + record.partition() + "@" + record.offset();
                    boolean first = record.topic().equals(topics.outcomes().name()) ? seenOutcomeOffsets.add(position)
                            : seenDeadLetterOffsets.add(position);
                    if (!first) {
                        // After a broker restart the consumer may be reset and read the log again.
                        reread.incrementAndGet();
                        continue;
                    }
                    if (record.topic().equals(topics.outcomes().name())) {
                        Outcome o = topics.outcomes().valueSerde().deserializer().deserialize(record.topic(), record.value());
                        ledger.outcome(o.getRequestId(), o.getStatus().name());
                    } else {
                        deadLetters.add(new DeadLetter(record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8),
                                header(record, DeadLetterHeaders.ORIGINAL_TOPIC),
                                header(record, DeadLetterHeaders.SERVICE), header(record, DeadLetterHeaders.REASON),
                                header(record, DeadLetterHeaders.EXCEPTION_CLASS), header(record, DeadLetterHeaders.EXCEPTION_MESSAGE),
                                record.value() == null ? 0 : record.value().length));
                    }
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                log.error("observer woken up unexpectedly", e);
            }
        } finally {
            consumer.close();
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Records read a second time at the same offset (ignored), e.g. after an offset reset. */
    public int rereadRecords() {
        return reread.get();
    }

    public List<DeadLetter> deadLetters() {
        return List.copyOf(deadLetters);
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
