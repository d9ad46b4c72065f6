package dev.assay.verifier;

import dev.assay.avro.ApprovalDecision;
import dev.assay.avro.AuditEvent;
import dev.assay.avro.ExecutionResult;
import dev.assay.runtime.DeadLetters;
import dev.assay.schemas.DeadLetterHeaders;
import dev.assay.schemas.Topic;
import dev.assay.schemas.Topics;
import dev.assay.verifier.audit.AuditChain;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The verifier's Kafka Streams topology: execution results and approval decisions (both keyed by request id, so
 * co-partitioned) drive one {@link RequestLifecycle} over one state store; each step's records go to the verdict,
 * fix-request, approval, outcome, audit and dead-letter topics. Under exactly_once_v2 the state change and the
 * records of a step commit together.
 *
 * <p>Audit events are chained per request (see {@link AuditChain}) in a second store; with
 * {@link VerifierConfig#rawAuditTopic()} set, other services' unchained events are read from that topic and
 * chained into the same per-request chains, so the audit topic has a single writer.
 */
public final class VerifierTopology {
    /** State store of {@link RequestState} by request id. */
    public static final String REQUESTS_STORE = "verifier-requests";
    /** State store of each request's audit chain head (the hash of its last audit event written). */
    public static final String AUDIT_CHAIN_STORE = "verifier-audit-chain";

    static final String RESULTS_SOURCE = "executions-source";
    static final String DECISIONS_SOURCE = "approval-decisions-source";
    static final String RESULTS_PROCESSOR = "results";
    static final String DECISIONS_PROCESSOR = "decisions";
    static final String RAW_AUDIT_SOURCE = "raw-audit-source";
    static final String AUDIT_CHAIN_PROCESSOR = "audit-chain";
    static final String VERDICTS_SINK = "verdicts-sink";
    static final String FIX_REQUESTS_SINK = "fix-requests-sink";
    static final String APPROVALS_SINK = "approvals-sink";
    static final String OUTCOMES_SINK = "outcomes-sink";
    static final String AUDIT_SINK = "audit-sink";
    static final String DEAD_LETTER_SINK = "dead-letter-sink";

    private VerifierTopology() {
    }

    /** The topology, with its counters going nowhere (tests). */
    public static Topology build(Topics topics, VerifierConfig config) {
        return build(topics, config, new SimpleMeterRegistry());
    }

    /** The topology, counting verdicts, gate decisions, outcomes, ignored inputs and refused decisions in {@code meters}. */
    public static Topology build(Topics topics, VerifierConfig config, MeterRegistry meters) {
        RequestLifecycle lifecycle = config.lifecycle();
        VerifierMetrics metrics = new VerifierMetrics(meters);
        Topology topology = new Topology();
        topology.addSource(RESULTS_SOURCE, topics.executions().keySerde().deserializer(),
                topics.executions().valueSerde().deserializer(), topics.executions().name());
        topology.addSource(DECISIONS_SOURCE, topics.approvalDecisions().keySerde().deserializer(),
                topics.approvalDecisions().valueSerde().deserializer(), topics.approvalDecisions().name());
        topology.addProcessor(RESULTS_PROCESSOR, () -> new StepProcessor<>(topics.executions(), topics.deadLetter(),
                ExecutionResult::getRequestId, lifecycle::onResult, metrics), RESULTS_SOURCE);
        topology.addProcessor(DECISIONS_PROCESSOR, () -> new StepProcessor<>(topics.approvalDecisions(), topics.deadLetter(),
                ApprovalDecision::getRequestId, lifecycle::onDecision, metrics), DECISIONS_SOURCE);
        topology.addStateStore(requestStore(), RESULTS_PROCESSOR, DECISIONS_PROCESSOR);
        String[] parents = {RESULTS_PROCESSOR, DECISIONS_PROCESSOR};
        String[] auditParents = parents;
        if (config.rawAuditTopic().isPresent()) {
            // Other services' events come in unchained and leave on the audit topic in the same chains as ours.
            Topic<AuditEvent> raw = new Topic<>(config.rawAuditTopic().get(), AuditEvent.class, topics.audit().valueSerde());
            topology.addSource(RAW_AUDIT_SOURCE, raw.keySerde().deserializer(), raw.valueSerde().deserializer(), raw.name());
            topology.addProcessor(AUDIT_CHAIN_PROCESSOR, () -> new ChainProcessor(raw.name()), RAW_AUDIT_SOURCE);
            auditParents = new String[] {RESULTS_PROCESSOR, DECISIONS_PROCESSOR, AUDIT_CHAIN_PROCESSOR};
        }
        topology.addStateStore(chainStore(), auditParents);
        sink(topology, VERDICTS_SINK, topics.verdicts(), parents);
        sink(topology, FIX_REQUESTS_SINK, topics.fixRequests(), parents);
        sink(topology, APPROVALS_SINK, topics.approvals(), parents);
        sink(topology, OUTCOMES_SINK, topics.outcomes(), parents);
        sink(topology, AUDIT_SINK, topics.audit(), auditParents);
        topology.addSink(DEAD_LETTER_SINK, topics.deadLetter(), new ByteArraySerializer(), new ByteArraySerializer(), parents);
        return topology;
    }

    static StoreBuilder<KeyValueStore<String, String>> chainStore() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(AUDIT_CHAIN_STORE),
                org.apache.kafka.common.serialization.Serdes.String(), org.apache.kafka.common.serialization.Serdes.String());
    }

    /** Seals events onto their request's chain and forwards them to the audit topic. */
    static final class ChainWriter {
        private final ProcessorContext<Object, Object> context;
        private final KeyValueStore<String, String> heads;

        ChainWriter(ProcessorContext<Object, Object> context) {
            this.context = context;
            this.heads = context.getStateStore(AUDIT_CHAIN_STORE);
        }

        void write(String requestId, List<AuditEvent> events, long timestamp) {
            if (events.isEmpty()) {
                return;
            }
            String head = heads.get(requestId);
            for (AuditEvent event : events) {
                AuditEvent sealed = AuditChain.seal(event, head);
                head = sealed.getHash();
                context.forward(new Record<Object, Object>(requestId, sealed, timestamp), AUDIT_SINK);
            }
            heads.put(requestId, head);
        }
    }

    /** Chains other services' audit events; whatever hashes they carry are replaced (only the verifier chains). */
    static final class ChainProcessor implements Processor<String, AuditEvent, Object, Object> {
        private final String source;
        private ChainWriter chain;

        ChainProcessor(String source) {
            this.source = source;
        }

        @Override
        public void init(ProcessorContext<Object, Object> context) {
            this.chain = new ChainWriter(context);
        }

        @Override
        public void process(Record<String, AuditEvent> record) {
            AuditEvent event = record.value();
            if (event == null) {
                LoggerFactory.getLogger(ChainProcessor.class).warn("ignoring a tombstone for {} on {}", record.key(), source);
                return;
            }
            if (record.key() != null && !record.key().equals(event.getRequestId())) {
                throw new IllegalArgumentException("record key '" + record.key() + "' is not its request id '"
                        + event.getRequestId() + "'");
            }
            chain.write(event.getRequestId(), List.of(event), record.timestamp());
        }
    }

    static StoreBuilder<KeyValueStore<String, RequestState>> requestStore() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(REQUESTS_STORE),
                org.apache.kafka.common.serialization.Serdes.String(), new JsonSerde<>(RequestState.class));
    }

    private static void sink(Topology topology, String name, Topic<?> topic, String... parents) {
        topology.addSink(name, topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer(), parents);
    }

    /** Runs one lifecycle step per input record against the request's state and forwards the step's records. */
    static final class StepProcessor<V extends SpecificRecord> implements Processor<String, V, Object, Object> {
        private static final Logger log = LoggerFactory.getLogger(StepProcessor.class);

        private final Topic<V> source;
        private final String deadLetterTopic;
        private final Function<V, String> requestId;
        private final BiFunction<RequestState, V, Step> step;
        private final Serializer<V> rawValue;
        private final VerifierMetrics metrics;
        private ProcessorContext<Object, Object> context;
        private KeyValueStore<String, RequestState> store;
        private ChainWriter chain;

        StepProcessor(Topic<V> source, String deadLetterTopic, Function<V, String> requestId,
                BiFunction<RequestState, V, Step> step, VerifierMetrics metrics) {
            this.source = source;
            this.metrics = metrics;
            this.deadLetterTopic = deadLetterTopic;
            this.requestId = requestId;
            this.step = step;
            this.rawValue = source.valueSerde().serializer();
        }

        @Override
        public void init(ProcessorContext<Object, Object> context) {
            this.context = context;
            this.store = context.getStateStore(REQUESTS_STORE);
            this.chain = new ChainWriter(context);
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
            forward(VERDICTS_SINK, id, next.verdict(), ts);
            forward(FIX_REQUESTS_SINK, id, next.fixRequest(), ts);
            forward(APPROVALS_SINK, id, next.approval(), ts);
            forward(OUTCOMES_SINK, id, next.outcome(), ts);
            chain.write(id, next.audit(), ts);
            if (next.state() != null) {
                store.put(id, next.state());
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
                    DEAD_LETTER_SINK);
        }
    }

    /** The error a dead-lettered decision carries in its headers; never thrown. */
    static final class RejectedInputException extends RuntimeException {
        RejectedInputException(Step.Rejection rejection) {
            super(rejection.reason() + ": " + rejection.message(), null, false, false);
        }
    }
}
