package dev.assay.verifier.audit;

import dev.assay.avro.AuditEvent;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hash chain over a request's audit events: each event's {@code hash} is SHA-256 over a canonical encoding of its
 * content and its {@code previousHash}, the hash of the request's event before it ({@code null} for the first).
 * Changing, dropping or reordering an event breaks a link that {@link AuditChainVerifier} finds.
 *
 * <p>The encoding is Assay's own rather than Avro binary so that a later schema version (new fields, new defaults)
 * cannot change the bytes old hashes were computed over: a version tag, then each field as a 4-byte length (-1 for
 * null) and its UTF-8 bytes, in a fixed order; numbers in decimal, the timestamp in epoch milliseconds (what the
 * {@code timestamp-millis} field keeps).
 */
public final class AuditChain {
    static final String VERSION = "assay.audit.chain.v1";

    private AuditChain() {
    }

    /** The event with {@code previousHash} set and its own hash computed over it. */
    public static AuditEvent seal(AuditEvent event, String previousHash) {
        AuditEvent linked = AuditEvent.newBuilder(event).setPreviousHash(previousHash).setHash(null).build();
        linked.setHash(hash(linked));
        return linked;
    }

    /** SHA-256 (lower-case hex) of the event's canonical encoding, including its previousHash but not its hash. */
    public static String hash(AuditEvent event) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical(event)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    static byte[] canonical(AuditEvent e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        field(out, VERSION);
        field(out, e.getRequestId());
        field(out, e.getType() == null ? null : e.getType().name());
        field(out, e.getService());
        field(out, Integer.toString(e.getAttempt()));
        field(out, e.getDetail());
        field(out, e.getOccurredAt() == null ? null : Long.toString(e.getOccurredAt().toEpochMilli()));
        field(out, e.getPreviousHash());
        return out.toByteArray();
    }

    private static void field(ByteArrayOutputStream out, String value) {
        if (value == null) {
            out.writeBytes(ByteBuffer.allocate(4).putInt(-1).array());
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
        out.writeBytes(bytes);
    }
}
