package dev.assay.verifier;

import dev.assay.runtime.DeadLetters;
import dev.assay.schemas.DeadLetterHeaders;
import dev.assay.schemas.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs one lifecycle step per input record against the request's state and forwards the step's records. */
final class StepProcessor<V extends SpecificRecord> implements Processor<String, V, Object, Object> {
    private static final Logger log = LoggerFactory.getLogger(StepProcessor.class);

    private final Topic<V> source;
    private final String deadLetterTopic;
    private final Function<V, String> requestId;
    private final BiFunction<RequestState, V, Step> step;
    private final Serializer<V> rawValue;
    private final VerifierMetrics metrics;
    private final PendingApprovals pending;
    private String task;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, RequestState> store;
    private AuditChainWriter chain;

    StepProcessor(Topic<V> source, String deadLetterTopic, Function<V, String> requestId,
            BiFunction<RequestState, V, Step> step, VerifierMetrics metrics, PendingApprovals pending) {
        this.source = source;
        this.metrics = metrics;
        this.pending = pending;
        this.deadLetterTopic = deadLetterTopic;
        this.requestId = requestId;
        this.step = step;
        this.rawValue = source.valueSerde().serializer();
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.store = context.getStateStore(VerifierTopology.REQUESTS_STORE);
        this.chain = new AuditChainWriter(context);
        this.task = context.taskId().toString();
        // The store is restored before processors start: rebuild this task's view of who waits for a decision.
        Map<String, Instant> waiting = new HashMap<>();
        try (KeyValueIterator<String, RequestState> all = store.all()) {
            all.forEachRemaining(kv -> {
                if (kv.value.phase() == RequestState.Phase.AWAITING_DECISION) {
                    waiting.put(kv.key, kv.value.gatedAt());
                }
            });
        }
        pending.replaceTask(task, waiting);
    }

    @Override
    public void close() {
        pending.dropTask(task);
    }

    @Override
    public void process(Record<String, V> record) {
        V value = record.value();
        if (value == null) {
            log.warn("ignoring a tombstone for {} on {}", record.key(), source.name());
            return;
        }
        String id = requestId.apply(value);
        if (record.key() != null && !record.key().equals(id)) {
            // Thrown, not handled here: the processing exception handler dead-letters the original bytes.
            throw new IllegalArgumentException("record key '" + record.key() + "' is not its request id '" + id + "'");
        }
        Step next = step.apply(store.get(id), value);
        metrics.record(source.name(), next);
        if (next.isIgnored()) {
            log.info("ignoring {} from {}: {}", source.valueType().getSimpleName(), source.name(), next.ignoredBecause());
            return;
        }
        if (next.rejection() != null) {
            log.warn("dead-lettering {} for {}: {} ({})", source.valueType().getSimpleName(), id,
                    next.rejection().reason(), next.rejection().message());
            forwardDeadLetter(record, id, next.rejection());
            return;
        }
        long ts = record.timestamp();
        forward(VerifierTopology.VERDICTS_SINK, id, next.verdict(), ts);
        forward(VerifierTopology.FIX_REQUESTS_SINK, id, next.fixRequest(), ts);
        forward(VerifierTopology.APPROVALS_SINK, id, next.approval(), ts);
        forward(VerifierTopology.OUTCOMES_SINK, id, next.outcome(), ts);
        chain.write(id, next.audit(), ts);
        if (next.state() != null) {
            store.put(id, next.state());
            if (next.state().phase() == RequestState.Phase.AWAITING_DECISION) {
                pending.waiting(task, id, next.state().gatedAt());
            } else {
                pending.decided(task, id);
            }
        }
    }

    private void forward(String sink, String key, Object value, long timestamp) {
        if (value != null) {
            context.forward(new Record<>(key, value, timestamp), sink);
        }
    }

    private void forwardDeadLetter(Record<String, V> record, String id, Step.Rejection rejection) {
        RecordMetadata meta = context.recordMetadata().orElse(null);
        byte[] key = (record.key() == null ? id : record.key()).getBytes(StandardCharsets.UTF_8);
        // The value as it is on the source topic: the same serializer and subject as the producer's.
        byte[] value = rawValue.serialize(source.name(), record.value());
        ProducerRecord<byte[], byte[]> dead = DeadLetters.of(deadLetterTopic, AuditEvents.SERVICE,
                meta == null ? source.name() : meta.topic(), meta == null ? -1 : meta.partition(),
                meta == null ? -1 : meta.offset(), key, value, new RejectedInputException(rejection));
        dead.headers().remove(DeadLetterHeaders.REASON);
        dead.headers().add(DeadLetterHeaders.REASON, rejection.reason().getBytes(StandardCharsets.UTF_8));
        context.forward(new Record<Object, Object>(dead.key(), dead.value(), record.timestamp(), dead.headers()),
                VerifierTopology.DEAD_LETTER_SINK);
    }

    /** The error a dead-lettered decision carries in its headers; never thrown. */
    private static final class RejectedInputException extends RuntimeException {
        RejectedInputException(Step.Rejection rejection) {
            super(rejection.reason() + ": " + rejection.message(), null, false, false);
        }
    }
}
