package dev.assay.verifier;

import dev.assay.runtime.DeadLetters;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record that makes a processor throw goes to the dead-letter topic as its original source bytes, with origin and
 * error headers, and the stream moves on; a registry outage fails instead so the record is retried.
 */
public final class DeadLetterProcessingHandler implements ProcessingExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterProcessingHandler.class);

    private String deadLetterTopic;
    private String service;

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetterTopic = ErrorPolicy.setting(configs, ErrorPolicy.DEAD_LETTER_TOPIC);
        service = ErrorPolicy.setting(configs, ErrorPolicy.SERVICE);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (ErrorPolicy.retriable(exception)) {
            log.warn("processor {} cannot process {}-{}@{} for now, failing to retry: {}", context.processorNodeId(),
                    context.topic(), context.partition(), context.offset(), exception.getMessage());
            return Response.fail();
        }
        log.warn("dead-lettering {}-{}@{} after processor {} failed", context.topic(), context.partition(),
                context.offset(), context.processorNodeId(), exception);
        return Response.resume(List.of(DeadLetters.of(deadLetterTopic, service, context.topic(), context.partition(),
                context.offset(), context.sourceRawKey(), context.sourceRawValue(), exception)));
    }
}
