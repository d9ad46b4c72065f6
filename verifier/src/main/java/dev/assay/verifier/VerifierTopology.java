package dev.assay.verifier;

import dev.assay.avro.ApprovalDecision;
import dev.assay.avro.AuditEvent;
import dev.assay.avro.ExecutionResult;
import dev.assay.schemas.Topic;
import dev.assay.schemas.Topics;
import dev.assay.verifier.audit.AuditChain;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The verifier's Kafka Streams topology: execution results and approval decisions (both keyed by request id, so
 * co-partitioned) drive one {@link RequestLifecycle} over one state store; each step's records go to the verdict,
 * fix-request, approval, outcome, audit and dead-letter topics. Under exactly_once_v2 the state change and the
 * records of a step commit together.
 *
 * <p>Audit events are chained per request (see {@link AuditChain}) in a second store; the other services' unchained
 * events are read from {@code topics.auditEvents()} and chained into the same per-request chains, so the audit topic
 * has a single writer.
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
        PendingApprovals pending = new PendingApprovals(config.clock());
        Gauge.builder("assay.approvals.pending", pending, PendingApprovals::count).strongReference(true)
                .description("Gated requests waiting for a person's decision").register(meters);
        Gauge.builder("assay.approvals.oldest.pending", pending, PendingApprovals::oldestAgeSeconds).strongReference(true)
                .baseUnit("seconds").description("How long the oldest pending approval has waited").register(meters);
        Topology topology = new Topology();
        topology.addSource(RESULTS_SOURCE, topics.executions().keySerde().deserializer(),
                topics.executions().valueSerde().deserializer(), topics.executions().name());
        topology.addSource(DECISIONS_SOURCE, topics.approvalDecisions().keySerde().deserializer(),
                topics.approvalDecisions().valueSerde().deserializer(), topics.approvalDecisions().name());
        topology.addProcessor(RESULTS_PROCESSOR, () -> new StepProcessor<>(topics.executions(), topics.deadLetter(),
                ExecutionResult::getRequestId, lifecycle::onResult, metrics, pending), RESULTS_SOURCE);
        topology.addProcessor(DECISIONS_PROCESSOR, () -> new StepProcessor<>(topics.approvalDecisions(), topics.deadLetter(),
                ApprovalDecision::getRequestId, lifecycle::onDecision, metrics, pending), DECISIONS_SOURCE);
        topology.addStateStore(requestStore(), RESULTS_PROCESSOR, DECISIONS_PROCESSOR);
        String[] parents = {RESULTS_PROCESSOR, DECISIONS_PROCESSOR};
        // Other services' events come in unchained and leave on the audit topic in the same chains as ours.
        Topic<AuditEvent> raw = topics.auditEvents();
        topology.addSource(RAW_AUDIT_SOURCE, raw.keySerde().deserializer(), raw.valueSerde().deserializer(), raw.name());
        topology.addProcessor(AUDIT_CHAIN_PROCESSOR, () -> new AuditChainProcessor(raw.name()), RAW_AUDIT_SOURCE);
        String[] auditParents = {RESULTS_PROCESSOR, DECISIONS_PROCESSOR, AUDIT_CHAIN_PROCESSOR};
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

    static StoreBuilder<KeyValueStore<String, RequestState>> requestStore() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(REQUESTS_STORE),
                org.apache.kafka.common.serialization.Serdes.String(), new JsonSerde<>(RequestState.class));
    }

    private static void sink(Topology topology, String name, Topic<?> topic, String... parents) {
        topology.addSink(name, topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer(), parents);
    }
}
