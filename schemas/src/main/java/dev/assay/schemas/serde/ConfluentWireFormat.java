package dev.assay.schemas.serde;

import java.nio.ByteBuffer;

/** Confluent's framing: magic byte 0, the schema id as a 4-byte big-endian int, then the Avro binary body. */
public final class ConfluentWireFormat {
    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_SIZE = 5;

    private ConfluentWireFormat() {
    }

    /** The schema id of framed bytes, or a {@link WireFormatException} when they are not in this format. */
    public static int schemaId(byte[] framed) {
        if (framed == null || framed.length < HEADER_SIZE) {
            throw new WireFormatException(WireFormatException.Reason.NOT_WIRE_FORMAT,
                    "record of " + (framed == null ? 0 : framed.length) + " bytes is shorter than the 5-byte header", null);
        }
        if (framed[0] != MAGIC_BYTE) {
            throw new WireFormatException(WireFormatException.Reason.NOT_WIRE_FORMAT,
                    "unknown magic byte 0x" + Integer.toHexString(framed[0] & 0xff), null);
        }
        return ByteBuffer.wrap(framed, 1, 4).getInt();
    }

    static byte[] header(int schemaId) {
        return ByteBuffer.allocate(HEADER_SIZE).put(MAGIC_BYTE).putInt(schemaId).array();
    }
}
