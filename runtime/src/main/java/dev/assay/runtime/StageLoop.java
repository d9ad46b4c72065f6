package dev.assay.runtime;

import dev.assay.schemas.Topic;
import dev.assay.schemas.Topics;
import dev.assay.schemas.serde.WireFormatException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consume → process → produce loop of the plain-consumer stages (assembler, generator, executor).
 *
 * <p>Each poll batch is processed in parallel on virtual threads (so slow model calls or sandboxes overlap),
 * then its outputs, its dead letters and its input offsets are committed in one Kafka transaction: a crash
 * re-processes the batch rather than losing or half-publishing it, and downstream readers use read_committed.
 * Bytes are deserialized here rather than in the consumer, so one bad record becomes a dead letter instead of
 * a poll that throws forever. A registry outage, or a handler's {@link RetriableStageException}, is retried (the batch
 * is rewound), never dead-lettered.
 */
public final class StageLoop implements AssayService {
    private static final Logger log = LoggerFactory.getLogger(StageLoop.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final CommonSettings settings;
    private final Topics topics;
    private final MeterRegistry meters;
    private final Map<String, Route<?>> routes;
    private final int maxPollRecords;
    private final int maxRecordBytes;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile boolean alive = true;
    private volatile boolean ready;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;

    private StageLoop(Builder builder) {
        this.settings = builder.settings;
        this.topics = builder.topics;
        this.meters = builder.meters;
        this.routes = Map.copyOf(builder.routes);
        this.maxPollRecords = builder.maxPollRecords;
        this.maxRecordBytes = builder.maxRecordBytes;
    }

    public static Builder builder(CommonSettings settings, Topics topics, MeterRegistry meters) {
        return new Builder(settings, topics, meters);
    }

    @Override
    public String name() {
        return settings.service();
    }

    @Override
    public synchronized void start() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        thread = Thread.ofPlatform().name(settings.service() + "-stage-loop").start(this::run);
    }

    @Override
    public void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        running.set(false);
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        Thread t = thread;
        if (t != null) {
            try {
                t.join(Duration.ofSeconds(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isAlive() {
        return alive;
    }

    @Override
    public boolean isReady() {
        return ready;
    }

    private void run() {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerProps(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(), new ByteArraySerializer(), new ByteArraySerializer());
             KafkaClientMetrics consumerMetrics = new KafkaClientMetrics(c);
             KafkaClientMetrics producerMetrics = new KafkaClientMetrics(producer);
             ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            consumer = c;
            consumerMetrics.bindTo(meters);
            producerMetrics.bindTo(meters);
            producer.initTransactions();
            c.subscribe(routes.keySet());
            log.info("{} consuming {}", settings.service(), routes.keySet());
            int failures = 0;
            while (running.get()) {
                ConsumerRecords<byte[], byte[]> records = c.poll(Duration.ofMillis(500));
                ready = true;
                if (records.isEmpty()) {
                    continue;
                }
                try {
                    processBatch(c, producer, workers, records);
                    failures = 0;
                } catch (RetryBatchException | KafkaException e) {
                    if (isFatal(e)) {
                        throw e;
                    }
                    failures++;
                    ready = false;
                    Duration backoff = backoff(failures);
                    log.warn("{}: batch of {} rewound, retrying in {}: {}", settings.service(), records.count(), backoff, e.toString());
                    abortQuietly(producer);
                    rewind(c, records);
                    sleep(backoff);
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                alive = false;
                log.error("{} woken up unexpectedly", settings.service(), e);
            }
        } catch (RuntimeException e) {
            alive = false;
            log.error("{} stage loop failed and stopped", settings.service(), e);
        } finally {
            ready = false;
            running.set(false);
        }
    }

    private void processBatch(KafkaConsumer<byte[], byte[]> c, KafkaProducer<byte[], byte[]> producer,
            ExecutorService workers, ConsumerRecords<byte[], byte[]> records) {
        List<Future<List<ProducerRecord<byte[], byte[]>>>> results = new ArrayList<>(records.count());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            results.add(workers.submit(() -> process(record)));
        }
        List<ProducerRecord<byte[], byte[]>> outputs = new ArrayList<>();
        for (Future<List<ProducerRecord<byte[], byte[]>>> result : results) {
            outputs.addAll(await(result));
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> inPartition = records.records(partition);
            offsets.put(partition, new OffsetAndMetadata(inPartition.getLast().offset() + 1));
        }
        producer.beginTransaction();
        outputs.forEach(producer::send);
        producer.sendOffsetsToTransaction(offsets, c.groupMetadata());
        producer.commitTransaction();
    }

    private List<ProducerRecord<byte[], byte[]>> process(ConsumerRecord<byte[], byte[]> record) {
        Route<?> route = routes.get(record.topic());
        Timer.Sample sample = Timer.start(meters);
        try {
            List<ProducerRecord<byte[], byte[]>> out = route.process(record, maxRecordBytes);
            count(record.topic(), "ok");
            return out;
        } catch (WireFormatException e) {
            if (e.retriable()) {
                throw new RetryBatchException(e);
            }
            return List.of(deadLetter(record, e));
        } catch (RetriableStageException e) {
            throw new RetryBatchException(e);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return List.of(deadLetter(record, e));
        } finally {
            sample.stop(Timer.builder("assay.stage.processing").tag("topic", record.topic())
                    .description("Time to handle one input record").publishPercentileHistogram().register(meters));
        }
    }

    private ProducerRecord<byte[], byte[]> deadLetter(ConsumerRecord<byte[], byte[]> record, Exception e) {
        String reason = DeadLetters.reason(e);
        log.warn("{}: dead-lettering {}-{}@{} ({}): {}", settings.service(), record.topic(), record.partition(),
                record.offset(), reason, e.getMessage());
        count(record.topic(), "dead_letter");
        Counter.builder("assay.dead.letters").tag("topic", record.topic()).tag("reason", reason)
                .description("Input records sent to the dead-letter topic").register(meters).increment();
        return DeadLetters.of(topics.deadLetter(), settings.service(), record, e);
    }

    private void count(String topic, String result) {
        Counter.builder("assay.stage.records").tag("topic", topic).tag("result", result)
                .description("Input records handled by this stage").register(meters).increment();
    }

    private static List<ProducerRecord<byte[], byte[]>> await(Future<List<ProducerRecord<byte[], byte[]>>> result) {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryBatchException(e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RetryBatchException retry) {
                throw retry;
            }
            throw new RetryBatchException(e.getCause());
        }
    }

    private static boolean isFatal(RuntimeException e) {
        return e instanceof ProducerFencedException || e instanceof OutOfOrderSequenceException
                || e instanceof AuthorizationException;
    }

    private static void abortQuietly(KafkaProducer<byte[], byte[]> producer) {
        try {
            producer.abortTransaction();
        } catch (IllegalStateException | KafkaException e) {
            log.debug("no transaction to abort: {}", e.toString());
        }
    }

    /** Puts every still-assigned partition of the batch back at the batch's first offset. */
    private static void rewind(KafkaConsumer<byte[], byte[]> c, ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition partition : records.partitions()) {
            if (c.assignment().contains(partition)) {
                c.seek(partition, records.records(partition).getFirst().offset());
            }
        }
    }

    private static Duration backoff(int failures) {
        long millis = Math.min(MAX_BACKOFF.toMillis(), 250L << Math.min(failures, 10));
        return Duration.ofMillis(millis);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Map<String, Object> consumerProps() {
        Map<String, Object> props = settings.kafkaClientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "assay-" + settings.service());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.instanceId() + "-consumer");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        return props;
    }

    private Map<String, Object> producerProps() {
        Map<String, Object> props = settings.kafkaClientProperties();
        props.put(ProducerConfig.CLIENT_ID_CONFIG, settings.instanceId() + "-producer");
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "assay-" + settings.instanceId());
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return props;
    }

    /** An input topic and what to do with its records. */
    private record Route<V extends SpecificRecord>(Topic<V> topic, StageHandler<V> handler) {
        List<ProducerRecord<byte[], byte[]>> process(ConsumerRecord<byte[], byte[]> record, int maxBytes) throws Exception {
            if (record.value() != null && record.value().length > maxBytes) {
                throw new RecordTooLargeForStageException(record.value().length, maxBytes);
            }
            V value = topic.valueSerde().deserializer().deserialize(record.topic(), record.value());
            if (value == null) {
                throw new IllegalArgumentException("tombstone (null value) on " + record.topic() + " is not a valid input");
            }
            String key = record.key() == null ? null : new String(record.key(), java.nio.charset.StandardCharsets.UTF_8);
            List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
            for (Emit<?> emit : handler.handle(key, value)) {
                byte[] bytes = emit.serializedValue();
                if (bytes != null && bytes.length > maxBytes) {
                    throw new RecordTooLargeForStageException(emit.topic().name(), bytes.length, maxBytes);
                }
                out.add(new ProducerRecord<>(emit.topic().name(),
                        emit.key() == null ? null : emit.key().getBytes(java.nio.charset.StandardCharsets.UTF_8), bytes));
            }
            return out;
        }
    }

    private static final class RetryBatchException extends RuntimeException {
        RetryBatchException(Throwable cause) {
            super(cause);
        }
    }

    public static final class Builder {
        private final CommonSettings settings;
        private final Topics topics;
        private final MeterRegistry meters;
        private final Map<String, Route<?>> routes = new LinkedHashMap<>();
        private int maxPollRecords = 50;
        // Below the broker's and producer's 1 MiB defaults, so an output that passes here is one Kafka accepts.
        private int maxRecordBytes = 1_000_000;

        private Builder(CommonSettings settings, Topics topics, MeterRegistry meters) {
            this.settings = settings;
            this.topics = topics;
            this.meters = meters;
        }

        public <V extends SpecificRecord> Builder on(Topic<V> topic, StageHandler<V> handler) {
            routes.put(topic.name(), new Route<>(topic, handler));
            return this;
        }

        /** Records handled in parallel per batch; also the number of slow calls in flight at once. */
        public Builder maxPollRecords(int value) {
            this.maxPollRecords = value;
            return this;
        }

        /** Larger input values are dead-lettered unread, and so are inputs whose outputs would be larger. */
        public Builder maxRecordBytes(int value) {
            this.maxRecordBytes = value;
            return this;
        }

        public StageLoop build() {
            if (routes.isEmpty()) {
                throw new IllegalStateException("a stage needs at least one input topic");
            }
            return new StageLoop(this);
        }
    }
}
