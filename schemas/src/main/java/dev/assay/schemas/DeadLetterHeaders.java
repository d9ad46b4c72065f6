package dev.assay.schemas;

/** Header names on dead-letter records, following Kafka Connect's DLQ reporter. */
public final class DeadLetterHeaders {
    public static final String ORIGINAL_TOPIC = "assay.error.topic";
    public static final String ORIGINAL_PARTITION = "assay.error.partition";
    public static final String ORIGINAL_OFFSET = "assay.error.offset";
    public static final String SERVICE = "assay.error.service";
    public static final String EXCEPTION_CLASS = "assay.error.exception.class";
    public static final String EXCEPTION_MESSAGE = "assay.error.exception.message";
    public static final String REASON = "assay.error.reason";

    private DeadLetterHeaders() {
    }
}
