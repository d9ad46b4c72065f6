package dev.assay.reliability;

import dev.assay.avro.AuditEvent;
import dev.assay.avro.AuditEventType;
import dev.assay.schemas.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The kinds of record a stage must survive without stopping: bytes that are not Confluent wire format, wire format
 * naming a schema id the registry never issued, valid Avro of another record type (an {@link AuditEvent} registered
 * under its own subject), and a record larger than a stage accepts.
 */
public final class PoisonRecords {
    /** A schema id far beyond anything the registry has issued. */
    static final int UNKNOWN_SCHEMA_ID = 987_654_321;

    private PoisonRecords() {
    }

    /** The poison values for an input topic, by kind name. */
    public static Map<String, byte[]> all(Topics topics, int oversizedBytes) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put("garbage", "\u0007 definitely not Avro \u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1));
        out.put("unknown-schema-id", unknownSchemaId());
        out.put("wrong-type", wrongType(topics));
        out.put("oversized", oversized(oversizedBytes));
        return out;
    }

    /** Magic byte 0, then a schema id nobody registered, then some bytes. */
    static byte[] unknownSchemaId() {
        return ByteBuffer.allocate(16).put((byte) 0).putInt(UNKNOWN_SCHEMA_ID).put(new byte[] {2, 4, 6, 8}).array();
    }

    /** A well-formed audit event in wire format: valid Avro, registered schema, the wrong type for any input topic. */
    static byte[] wrongType(Topics topics) {
        AuditEvent event = AuditEvent.newBuilder().setRequestId("poison-wrong-type").setType(AuditEventType.RECEIVED)
                .setService("fault-suite").setOccurredAt(Instant.now()).build();
        return topics.audit().valueSerde().serializer().serialize(topics.audit().name(), event);
    }

    /** Wire-format-looking bytes (magic 0) of the given size, so only the size check can refuse them first. */
    static byte[] oversized(int bytes) {
        byte[] value = new byte[bytes];
        Arrays.fill(value, (byte) 'x');
        value[0] = 0;
        return value;
    }
}
