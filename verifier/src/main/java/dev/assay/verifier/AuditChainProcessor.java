package dev.assay.verifier;

import dev.assay.avro.AuditEvent;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.LoggerFactory;

/** Chains other services' audit events; whatever hashes they carry are replaced (only the verifier chains). */
final class AuditChainProcessor implements Processor<String, AuditEvent, Object, Object> {
    private final String source;
    private AuditChainWriter chain;

    AuditChainProcessor(String source) {
        this.source = source;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.chain = new AuditChainWriter(context);
    }

    @Override
    public void process(Record<String, AuditEvent> record) {
        AuditEvent event = record.value();
        if (event == null) {
            LoggerFactory.getLogger(AuditChainProcessor.class).warn("ignoring a tombstone for {} on {}", record.key(), source);
            return;
        }
        if (record.key() != null && !record.key().equals(event.getRequestId())) {
            throw new IllegalArgumentException("record key '" + record.key() + "' is not its request id '"
                    + event.getRequestId() + "'");
        }
        chain.write(event.getRequestId(), List.of(event), record.timestamp());
    }
}
