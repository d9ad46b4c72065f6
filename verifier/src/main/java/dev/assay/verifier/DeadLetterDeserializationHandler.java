package dev.assay.verifier;

import dev.assay.runtime.DeadLetters;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bytes that do not deserialize go to the dead-letter topic untouched, with origin and error headers, and the stream
 * moves on; a registry outage fails instead so the record is retried (see {@link ErrorPolicy}).
 */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);

    private String deadLetterTopic;
    private String service;

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetterTopic = ErrorPolicy.setting(configs, ErrorPolicy.DEAD_LETTER_TOPIC);
        service = ErrorPolicy.setting(configs, ErrorPolicy.SERVICE);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        if (ErrorPolicy.retriable(exception)) {
            log.warn("cannot deserialize {}-{}@{} for now, failing to retry: {}", record.topic(), record.partition(),
                    record.offset(), exception.getMessage());
            return Response.fail();
        }
        log.warn("dead-lettering unreadable record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                exception.getMessage());
        return Response.resume(List.of(DeadLetters.of(deadLetterTopic, service, record, exception)));
    }
}
