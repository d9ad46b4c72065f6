package dev.assay.executor.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Drains one output stream of a sandboxed process with bounded memory: the first {@code limit} bytes of program
 * output are kept, the rest is counted and dropped, and {@code onLimit} runs once when the limit is exceeded (the
 * caller kills the run). With a nonce, every line that starts with {@code <nonce> } is a harness record
 * (harness/PROTOCOL.md): it goes to the records, which have their own bound and do not count against the output limit.
 * Whether anything but whitespace followed the REPORT record is remembered, since nothing may follow it.
 */
final class OutputCapture implements Runnable {
    /** All records of one run together; past this they are cut, and a cut record does not parse. */
    static final int MAX_RECORD_BYTES = 8 * 1024 * 1024;

    private final InputStream in;
    private final int limit;
    private final byte[] prefix;
    private final Runnable onLimit;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final List<String> records = new ArrayList<>();
    private final ByteArrayOutputStream record = new ByteArrayOutputStream();
    private int recordBytes;
    /** The start of the current line, held back until it is known whether it starts a record. */
    private final byte[] lineStart;
    private int lineLength;
    private boolean inRecord;
    private boolean lineDecided;
    private boolean outputAfterReport;
    /** A REPORT record has been seen: it must be the last thing on the stream. */
    private boolean reported;
    private boolean limitReported;
    private boolean truncated;
    private long total;
    private volatile IOException failure;

    OutputCapture(InputStream in, int limit, String nonce, Runnable onLimit) {
        this.in = in;
        this.limit = limit;
        this.prefix = nonce == null ? null : (nonce + " ").getBytes(StandardCharsets.UTF_8);
        this.lineStart = new byte[prefix == null ? 0 : prefix.length];
        this.lineDecided = prefix == null;
        this.onLimit = onLimit;
    }

    @Override
    public void run() {
        byte[] buffer = new byte[8192];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                accept(buffer, 0, n);
            }
        } catch (IOException e) {
            // The stream is closed under us when the process tree is destroyed; keep what was read.
            failure = e;
        }
        finish();
    }

    /** Splits a finished text (a Kubernetes pod log) the same way a live stream is split. */
    static OutputCapture of(String text, int limit, String nonce) {
        OutputCapture capture = new OutputCapture(InputStream.nullInputStream(), limit, nonce, () -> { });
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        capture.accept(bytes, 0, bytes.length);
        capture.finish();
        return capture;
    }

    private synchronized void accept(byte[] buffer, int offset, int n) {
        for (int i = offset; i < offset + n; i++) {
            byte b = buffer[i];
            if (inRecord) {
                if (b == '\n') {
                    addRecord();
                    inRecord = false;
                    startLine();
                } else if (recordBytes++ < MAX_RECORD_BYTES) {
                    record.write(b);
                }
                continue;
            }
            if (!lineDecided) {
                if (b != '\n' && lineLength < lineStart.length && b == prefix[lineLength]) {
                    lineStart[lineLength++] = b;
                    if (lineLength == prefix.length) {
                        inRecord = true;
                        lineLength = 0;
                    }
                    continue;
                }
                // Not a record: the held-back bytes are ordinary output after all.
                lineDecided = true;
                for (int k = 0; k < lineLength; k++) {
                    output(lineStart[k]);
                }
                lineLength = 0;
            }
            output(b);
            if (b == '\n') {
                startLine();
            }
        }
    }

    private void addRecord() {
        String text = decode(record.toByteArray());
        records.add(text);
        reported |= text.startsWith("REPORT ");
        record.reset();
    }

    private void startLine() {
        lineDecided = prefix == null;
        lineLength = 0;
    }

    private void output(byte b) {
        total++;
        if (reported && !Character.isWhitespace(b)) {
            outputAfterReport = true;
        }
        if (kept.size() < limit) {
            kept.write(b);
        } else {
            truncated = true;
        }
        if (total > limit && !limitReported) {
            limitReported = true;
            onLimit.run();
        }
    }

    /** End of stream: a record cut off without its newline still counts, a held-back line start is output. */
    private synchronized void finish() {
        if (inRecord) {
            addRecord();
            inRecord = false;
        } else if (!lineDecided) {
            for (int k = 0; k < lineLength; k++) {
                output(lineStart[k]);
            }
        }
        lineLength = 0;
        lineDecided = true;
    }

    synchronized String text() {
        return decode(kept.toByteArray());
    }

    synchronized List<String> records() {
        return List.copyOf(records);
    }

    synchronized boolean outputAfterReport() {
        return outputAfterReport;
    }

    synchronized boolean truncated() {
        return truncated;
    }

    IOException failure() {
        return failure;
    }

    private static String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalStateException("REPLACE decoding cannot fail", e);
        }
    }

}
