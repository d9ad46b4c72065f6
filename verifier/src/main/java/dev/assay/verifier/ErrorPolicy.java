package dev.assay.verifier;

import dev.assay.schemas.serde.WireFormatException;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The verifier's error policy, set in the Streams config rather than in lambdas: unreadable input and records that
 * make a processor throw go to the dead-letter topic with Assay's headers and processing resumes; a schema registry
 * outage fails the stream thread instead (the record is not bad, the registry is away), and the uncaught-exception
 * handler ({@link ThreadReplacementPolicy}) replaces the thread, which re-reads from the last committed offset.
 */
public final class ErrorPolicy {
    /** Streams config key the handlers read the dead-letter topic name from. */
    public static final String DEAD_LETTER_TOPIC = "assay.dead.letter.topic";
    /** Streams config key the handlers read the service name from (the DLQ service header). */
    public static final String SERVICE = "assay.service";

    private ErrorPolicy() {
    }

    /** Streams properties installing the handlers, for the app and for {@code TopologyTestDriver} alike. */
    public static Map<String, Object> streamsProperties(String deadLetterTopic, String service) {
        return Map.of(
                StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterDeserializationHandler.class,
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class,
                // No global stores today; opting in now is what Kafka 5.0 will do by default.
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true,
                DEAD_LETTER_TOPIC, deadLetterTopic,
                SERVICE, service);
    }

    /** True when the cause chain holds an error worth retrying rather than dead-lettering (a registry outage). */
    public static boolean retriable(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof WireFormatException w && w.retriable()) {
                return true;
            }
        }
        return false;
    }


    static String setting(Map<String, ?> configs, String key) {
        Object value = configs.get(key);
        if (value == null || value.toString().isBlank()) {
            throw new ConfigException(key, value, "required by the verifier's error handlers");
        }
        return value.toString();
    }
}
