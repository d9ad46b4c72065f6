package dev.assay.executor.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Drains one output stream of a sandboxed process with bounded memory: the first {@code limit} bytes are kept,
 * the rest is counted and dropped, and {@code onLimit} runs once when the limit is exceeded (the caller kills the
 * run). If a marker is given, the line equal to it switches to capturing the harness report instead, which has its
 * own bound and does not count against the output limit.
 */
final class OutputCapture implements Runnable {
    /** Harness reports larger than this are cut and will not parse, which the executor reports as an error. */
    static final int MAX_REPORT_BYTES = 8 * 1024 * 1024;

    private final InputStream in;
    private final int limit;
    private final byte[] marker;
    private final Runnable onLimit;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final ByteArrayOutputStream report = new ByteArrayOutputStream();
    /** The start of the current line, enough to compare with the marker. */
    private final byte[] lineStart;
    private int lineLength;
    private int keptAtLineStart;
    private long totalAtLineStart;
    private boolean limitReported;
    private boolean inReport;
    private boolean truncated;
    private long total;
    private volatile IOException failure;

    OutputCapture(InputStream in, int limit, String marker, Runnable onLimit) {
        this.in = in;
        this.limit = limit;
        this.marker = marker == null ? null : marker.getBytes(StandardCharsets.UTF_8);
        this.lineStart = new byte[this.marker == null ? 0 : this.marker.length + 1];
        this.onLimit = onLimit;
    }

    @Override
    public void run() {
        byte[] buffer = new byte[8192];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                accept(buffer, n);
            }
        } catch (IOException e) {
            // The stream is closed under us when the process tree is destroyed; keep what was read.
            failure = e;
        }
    }

    private synchronized void accept(byte[] buffer, int n) {
        for (int i = 0; i < n; i++) {
            byte b = buffer[i];
            if (inReport) {
                if (report.size() < MAX_REPORT_BYTES) {
                    report.write(b);
                }
                continue;
            }
            if (b == '\n' && isMarkerLine()) {
                // The marker line was taken as output while it arrived; it is not part of it.
                rewind();
                inReport = true;
                continue;
            }
            total++;
            if (kept.size() < limit) {
                kept.write(b);
            } else {
                truncated = true;
            }
            // A little slack so a marker line arriving right at the limit does not kill a well-behaved run.
            if (total > limit + lineStart.length && !limitReported) {
                limitReported = true;
                onLimit.run();
            }
            trackLine(b);
        }
    }

    private boolean isMarkerLine() {
        return marker != null && lineLength == marker.length && Arrays.equals(lineStart, 0, lineLength, marker, 0, marker.length);
    }

    private void trackLine(byte b) {
        if (marker == null) {
            return;
        }
        if (b == '\n') {
            lineLength = 0;
            keptAtLineStart = kept.size();
            totalAtLineStart = total;
        } else if (lineLength < lineStart.length) {
            lineStart[lineLength++] = b;
        }
    }

    private void rewind() {
        byte[] bytes = kept.toByteArray();
        kept.reset();
        kept.write(bytes, 0, keptAtLineStart);
        total = totalAtLineStart;
    }

    synchronized String text() {
        String s = decode(kept.toByteArray());
        // The harness starts its report on a fresh line; that newline belongs to the report, not the output.
        return inReport && s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }

    synchronized String reportText() {
        return inReport ? decode(report.toByteArray()).strip() : null;
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
