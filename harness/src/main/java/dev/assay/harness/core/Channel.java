package dev.assay.harness.core;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The report channel (harness/PROTOCOL.md "Records"): the per-run nonce and a stream on the process's original
 * standard output. The nonce is kept as two random shares (never as a {@link String}, never whole in memory except
 * inside the one buffer each record is written from, which is wiped), in a class of the harness's named module, whose
 * package is neither exported nor opened: reflection from workspace code cannot read it. Exactly one report, then
 * nothing more.
 */
final class Channel {
    private static final int NONCE_LENGTH = 64;

    private final byte[] share;
    private final byte[] masked;
    private final FileOutputStream out;
    private boolean reported;

    private Channel(byte[] share, byte[] masked, FileOutputStream out) {
        this.share = share;
        this.masked = masked;
        this.out = out;
    }

    /**
     * A channel for {@code nonce} (64 lowercase hex characters), which is wiped here.
     *
     * @throws IllegalArgumentException when the nonce is not the protocol's shape
     */
    static Channel open(char[] nonce) {
        try {
            if (nonce.length != NONCE_LENGTH) {
                throw new IllegalArgumentException("the nonce is not 64 characters");
            }
            byte[] share = new byte[NONCE_LENGTH];
            new SecureRandom().nextBytes(share);
            byte[] masked = new byte[NONCE_LENGTH];
            for (int i = 0; i < NONCE_LENGTH; i++) {
                char c = nonce[i];
                if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                    throw new IllegalArgumentException("the nonce is not lowercase hex");
                }
                masked[i] = (byte) (c ^ share[i]);
            }
            return new Channel(share, masked, new FileOutputStream(FileDescriptor.out));
        } finally {
            Arrays.fill(nonce, '\0');
        }
    }

    /** Writes one record that is not the report ({@code BEGIN}, {@code EVENT}); ignored after the report. */
    synchronized void record(String kind, String json) {
        if (!reported) {
            write(kind, json);
        }
    }

    /** Writes the report, once; false when it was written before. */
    synchronized boolean report(String json) {
        if (reported) {
            return false;
        }
        reported = true;
        write("REPORT", json);
        return true;
    }

    synchronized boolean reported() {
        return reported;
    }

    private void write(String kind, String json) {
        byte[] tail = (" " + kind + " " + json + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] record = new byte[1 + NONCE_LENGTH + tail.length];
        record[0] = '\n';
        for (int i = 0; i < NONCE_LENGTH; i++) {
            record[1 + i] = (byte) (masked[i] ^ share[i]);
        }
        System.arraycopy(tail, 0, record, 1 + NONCE_LENGTH, tail.length);
        try {
            out.write(record);
            out.flush();
        } catch (IOException e) {
            // Standard output is gone (the executor stopped reading): there is no one left to tell.
        } finally {
            Arrays.fill(record, (byte) 0);
        }
    }
}
