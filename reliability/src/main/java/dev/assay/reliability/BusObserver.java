package dev.assay.reliability;

import dev.assay.avro.Outcome;
import dev.assay.runtime.TopicFollower;
import dev.assay.schemas.DeadLetterHeaders;
import dev.assay.schemas.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Watches the outcome and dead-letter topics as a client would (read_committed, from the start): outcomes go into an
 * {@link OutcomeLedger}, dead letters are kept with their error headers. Survives broker restarts (the consumer
 * reconnects by itself).
 */
public final class BusObserver implements AutoCloseable {

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
    private final TopicFollower follower;

    public BusObserver(Map<String, Object> kafkaProps, Topics topics, OutcomeLedger ledger) {
        this.topics = topics;
        this.ledger = ledger;
        Map<String, Object> props = new HashMap<>(kafkaProps);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        this.follower = TopicFollower.start("fault-observer", props, List.of(topics.outcomes().name(), topics.deadLetter()),
                true, Duration.ofMillis(200), this::observe);
    }

    private void observe(ConsumerRecord<byte[], byte[]> record) {
        String position = record.topic() + "-" + record.partition() + "@" + record.offset();
        boolean first = record.topic().equals(topics.outcomes().name()) ? seenOutcomeOffsets.add(position)
                : seenDeadLetterOffsets.add(position);
        if (!first) {
            // After a broker restart the consumer may be reset and read the log again.
            reread.incrementAndGet();
            return;
        }
        if (record.topic().equals(topics.outcomes().name())) {
            Outcome o = topics.outcomes().valueSerde().deserializer().deserialize(record.topic(), record.value());
            ledger.outcome(o.getRequestId(), o.getStatus().name());
        } else {
            deadLetters.add(new DeadLetter(TopicFollower.key(record), TopicFollower.header(record, DeadLetterHeaders.ORIGINAL_TOPIC),
                    TopicFollower.header(record, DeadLetterHeaders.SERVICE), TopicFollower.header(record, DeadLetterHeaders.REASON),
                    TopicFollower.header(record, DeadLetterHeaders.EXCEPTION_CLASS),
                    TopicFollower.header(record, DeadLetterHeaders.EXCEPTION_MESSAGE),
                    record.value() == null ? 0 : record.value().length));
        }
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
        follower.close();
    }
}
