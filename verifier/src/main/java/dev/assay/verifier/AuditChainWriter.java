package dev.assay.verifier;

import dev.assay.avro.AuditEvent;
import dev.assay.verifier.audit.AuditChain;
import java.util.List;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Seals events onto their request's chain and forwards them to the audit topic. */
final class AuditChainWriter {
    private final ProcessorContext<Object, Object> context;
    private final KeyValueStore<String, String> heads;

    AuditChainWriter(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.heads = context.getStateStore(VerifierTopology.AUDIT_CHAIN_STORE);
    }

    void write(String requestId, List<AuditEvent> events, long timestamp) {
        if (events.isEmpty()) {
            return;
        }
        String head = heads.get(requestId);
        for (AuditEvent event : events) {
            AuditEvent sealed = AuditChain.seal(event, head);
            head = sealed.getHash();
            context.forward(new Record<Object, Object>(requestId, sealed, timestamp), VerifierTopology.AUDIT_SINK);
        }
        heads.put(requestId, head);
    }
}
