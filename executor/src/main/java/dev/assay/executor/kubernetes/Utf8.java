package dev.assay.executor.kubernetes;

import java.nio.charset.StandardCharsets;

/** Cutting UTF-8 bytes without splitting a character. */
final class Utf8 {
    private Utf8() {
    }

    /** The first {@code maxBytes} bytes as text, less a character the cut would split. */
    static String decodePrefix(byte[] bytes, int maxBytes) {
        int end = Math.min(bytes.length, maxBytes);
        if (end < bytes.length) {
            // Step back over continuation bytes (10xxxxxx) to the start of the character that straddles the cut.
            int start = end;
            while (start > 0 && (bytes[start] & 0xC0) == 0x80) {
                start--;
            }
            end = start;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }
}
