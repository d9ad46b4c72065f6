package dev.assay.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/** Bytes that could not be turned into (or from) an Assay record, with a reason a dead-letter record can carry. */
public class WireFormatException extends SerializationException {

    /** Why the bytes were refused. Only {@link #REGISTRY_UNAVAILABLE} is worth retrying. */
    public enum Reason {
        NOT_WIRE_FORMAT, UNKNOWN_SCHEMA_ID, INCOMPATIBLE_SCHEMA, MALFORMED_AVRO, REGISTRY_UNAVAILABLE, REGISTRY_REFUSED
    }

    private final Reason reason;

    public WireFormatException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    public boolean retriable() {
        return reason == Reason.REGISTRY_UNAVAILABLE;
    }
}
