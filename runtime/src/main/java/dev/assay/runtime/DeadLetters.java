package dev.assay.runtime;

import dev.assay.schemas.DeadLetterHeaders;
import dev.assay.schemas.serde.WireFormatException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Builds dead-letter records the way Kafka Connect's DLQ reporter does: the original key and value bytes untouched,
 * and headers naming the origin and the error. Messages are cut short and scrubbed of anything shaped like a
 * credential, because exception messages can quote input.
 */
public final class DeadLetters {
    private static final int MAX_MESSAGE = 1_000;
    private static final Pattern CREDENTIAL = Pattern.compile(
            "(?i)((password|passwd|secret|token|api[_-]?key)\\s*[=:]\\s*)\\S+|(sk-|ghp_|AKIA)[A-Za-z0-9_\\-]{8,}");

    private DeadLetters() {
    }

    public static ProducerRecord<byte[], byte[]> of(String deadLetterTopic, String service, String sourceTopic,
            int partition, long offset, byte[] key, byte[] value, Throwable error) {
        Headers headers = new RecordHeaders();
        put(headers, DeadLetterHeaders.ORIGINAL_TOPIC, sourceTopic);
        put(headers, DeadLetterHeaders.ORIGINAL_PARTITION, Integer.toString(partition));
        put(headers, DeadLetterHeaders.ORIGINAL_OFFSET, Long.toString(offset));
        put(headers, DeadLetterHeaders.SERVICE, service);
        put(headers, DeadLetterHeaders.EXCEPTION_CLASS, error.getClass().getName());
        put(headers, DeadLetterHeaders.EXCEPTION_MESSAGE, scrub(String.valueOf(error.getMessage())));
        put(headers, DeadLetterHeaders.REASON, reason(error));
        return new ProducerRecord<>(deadLetterTopic, null, key, value, headers);
    }

    public static ProducerRecord<byte[], byte[]> of(String deadLetterTopic, String service,
            ConsumerRecord<byte[], byte[]> source, Throwable error) {
        return of(deadLetterTopic, service, source.topic(), source.partition(), source.offset(), source.key(),
                source.value(), error);
    }

    /** A short machine-readable reason: the wire-format reason when there is one, else PROCESSING_ERROR. */
    public static String reason(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof WireFormatException w) {
                return w.reason().name();
            }
            if (t instanceof RecordTooLargeForStageException) {
                return "OVERSIZED";
            }
        }
        return "PROCESSING_ERROR";
    }

    static String scrub(String message) {
        String cut = message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + "…" : message;
        return CREDENTIAL.matcher(cut).replaceAll(m -> m.group(1) != null ? m.group(1) + "******" : "******");
    }

    private static void put(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
