package dev.assay.schemas;

import dev.assay.avro.ApprovalDecision;
import dev.assay.avro.ApprovalRequest;
import dev.assay.avro.AssayRequest;
import dev.assay.avro.AssembledContext;
import dev.assay.avro.AuditEvent;
import dev.assay.avro.ExecutionResult;
import dev.assay.avro.FixRequest;
import dev.assay.avro.Generation;
import dev.assay.avro.Outcome;
import dev.assay.avro.Verdict;
import dev.assay.schemas.registry.SchemaRegistryClient;
import dev.assay.schemas.serde.AvroSerde;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * The catalogue of Assay's topics. Services take topics from here and never spell a topic name;
 * the names are {@code <prefix><noun>} with the default prefix {@code assay.}.
 *
 * @param audit       the tamper-evident trail: every state change of a request, hash-chained per request; the verifier
 *                    is its only writer
 * @param auditEvents state changes as the other stages report them, unchained; the verifier seals them into
 *                    {@code audit}
 * @param deadLetter records no stage could read: original key and value bytes, error headers
 *                   (see {@code DeadLetterHeaders}); it has no value schema of its own
 */
public record Topics(
        Topic<AssayRequest> requests,
        Topic<AssembledContext> contexts,
        Topic<Generation> generations,
        Topic<ExecutionResult> executions,
        Topic<Verdict> verdicts,
        Topic<FixRequest> fixRequests,
        Topic<ApprovalRequest> approvals,
        Topic<ApprovalDecision> approvalDecisions,
        Topic<Outcome> outcomes,
        Topic<AuditEvent> audit,
        Topic<AuditEvent> auditEvents,
        String deadLetter) {

    public static final String DEFAULT_PREFIX = "assay.";

    /** Builds the catalogue; {@code autoRegister} lets serializers register schemas (dev), else they must exist. */
    public static Topics create(String prefix, SchemaRegistryClient registry, boolean autoRegister) {
        Factory f = new Factory(prefix, registry, autoRegister);
        return new Topics(
                f.topic("requests", AssayRequest.class),
                f.topic("contexts", AssembledContext.class),
                f.topic("generations", Generation.class),
                f.topic("executions", ExecutionResult.class),
                f.topic("verdicts", Verdict.class),
                f.topic("fix-requests", FixRequest.class),
                f.topic("approvals", ApprovalRequest.class),
                f.topic("approval-decisions", ApprovalDecision.class),
                f.topic("outcomes", Outcome.class),
                f.topic("audit", AuditEvent.class),
                f.topic("audit-events", AuditEvent.class),
                prefix + "dead-letter");
    }

    /** Every typed topic, in pipeline order. */
    public List<Topic<?>> typed() {
        return List.of(requests, contexts, generations, executions, verdicts, fixRequests, approvals,
                approvalDecisions, outcomes, audit, auditEvents);
    }

    /** Every topic name including the dead-letter topic. */
    public List<String> names() {
        return java.util.stream.Stream.concat(typed().stream().map(Topic::name), java.util.stream.Stream.of(deadLetter)).toList();
    }

    private record Factory(String prefix, SchemaRegistryClient registry, boolean autoRegister) {
        <V extends SpecificRecord> Topic<V> topic(String noun, Class<V> type) {
            return new Topic<>(prefix + noun, type, new AvroSerde<>(registry, type, autoRegister));
        }
    }
}
