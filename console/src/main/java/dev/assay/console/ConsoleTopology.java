package dev.assay.console;

import dev.assay.schemas.Topics;
import dev.assay.verifier.JsonSerde;
import dev.assay.avro.ApprovalRequest;
import dev.assay.avro.AuditEvent;
import dev.assay.avro.Outcome;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The console's materialized view: approvals, outcomes and audit events (all keyed by request id, so one request's
 * records meet in one task) folded into one {@link RequestView} per request in the {@value #STORE} store, which the
 * web UI queries. Kafka is the only database: the store's changelog is a compacted topic.
 */
public final class ConsoleTopology {
    /** The key-value store of {@link RequestView} by request id. */
    public static final String STORE = "console-requests";

    private ConsoleTopology() {
    }

    /** Wraps each input so the three streams can be merged into one fold. */
    private record Update(Object record) {
    }

    public static Topology build(Topics topics) {
        StreamsBuilder builder = new StreamsBuilder();
        KStream<String, Update> approvals = builder.stream(topics.approvals().name(),
                Consumed.with(topics.approvals().keySerde(), topics.approvals().valueSerde())).mapValues(Update::new);
        KStream<String, Update> outcomes = builder.stream(topics.outcomes().name(),
                Consumed.with(topics.outcomes().keySerde(), topics.outcomes().valueSerde())).mapValues(Update::new);
        KStream<String, Update> audit = builder.stream(topics.audit().name(),
                Consumed.with(topics.audit().keySerde(), topics.audit().valueSerde())).mapValues(Update::new);
        approvals.merge(outcomes).merge(audit)
                .filter((key, update) -> key != null && update.record() != null)
                // The key is unchanged, so grouping does not repartition and the Update serde is never used.
                .groupByKey(Grouped.with(Serdes.String(), null))
                .aggregate(() -> null, (key, update, view) -> fold(view == null ? RequestView.empty(key) : view, update.record()),
                        Materialized.<String, RequestView, KeyValueStore<Bytes, byte[]>>as(STORE)
                                .withKeySerde(Serdes.String()).withValueSerde(new JsonSerde<>(RequestView.class)));
        return builder.build();
    }

    /** Applies one record of any of the three topics to a view. */
    static RequestView fold(RequestView view, Object record) {
        return switch (record) {
            case ApprovalRequest a -> view.with(a);
            case Outcome o -> view.with(o);
            case AuditEvent e -> view.with(e);
            default -> throw new IllegalArgumentException("not a console input: " + record.getClass().getName());
        };
    }
}
