package dev.assay.harness.core;

import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The executor's handshake (harness/PROTOCOL.md "Handshake"): read whole, before any workspace code loads, from
 * standard input or from the file {@code ASSAY_HANDSHAKE_FILE} names (which is deleted). Every buffer that held the
 * nonce is wiped; the nonce itself goes straight into a {@link Channel}.
 *
 * @param mode          test, compile or analyze
 * @param root          the workspace root
 * @param requestTests  the request's (trusted) test files, workspace-relative
 * @param generated     the generated (untrusted) files, workspace-relative
 */
record Handshake(Channel channel, String mode, Path root, List<String> requestTests, List<String> generated) {
    static final String FILE_VARIABLE = "ASSAY_HANDSHAKE_FILE";
    private static final int MAX_BYTES = 16 << 20;

    /**
     * Reads the handshake from where the protocol says it is.
     *
     * @throws IOException              when it cannot be read (or the file cannot be deleted)
     * @throws IllegalArgumentException when it is not the protocol's shape
     */
    static Handshake read() throws IOException {
        String file = System.getenv(FILE_VARIABLE);
        byte[] raw;
        if (file != null && !file.isEmpty()) {
            Path path = Path.of(file);
            raw = Files.readAllBytes(path);
            Files.delete(path);
        } else {
            raw = readAll(new FileInputStream(FileDescriptor.in));
        }
        char[] text = null;
        try {
            text = decode(raw);
            Object parsed = Json.parse(text, "nonce");
            if (!(parsed instanceof Map<?, ?> map) || !(map.get("nonce") instanceof char[] nonce)) {
                throw new IllegalArgumentException("the handshake has no nonce");
            }
            Channel channel = Channel.open(nonce);
            String mode = map.get("mode") instanceof String m ? m : "test";
            Path root = map.get("root") instanceof String r && !r.isEmpty() && Files.isDirectory(Path.of(r))
                    ? Path.of(r) : Path.of("");
            return new Handshake(channel, mode, root.toAbsolutePath().normalize(), strings(map.get("requestTests")),
                    strings(map.get("generated")));
        } finally {
            Arrays.fill(raw, (byte) 0);
            if (text != null) {
                Arrays.fill(text, '\0');
            }
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream collected = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            int n;
            while ((n = in.read(buffer)) > 0) {
                if (collected.size() + n > MAX_BYTES) {
                    throw new IOException("the handshake is larger than " + MAX_BYTES + " bytes");
                }
                collected.write(buffer, 0, n);
            }
            byte[] all = collected.toByteArray();
            // ByteArrayOutputStream keeps its own copy: overwrite it before it is dropped.
            collected.reset();
            collected.write(new byte[all.length]);
            return all;
        } finally {
            Arrays.fill(buffer, (byte) 0);
        }
    }

    private static char[] decode(byte[] raw) throws CharacterCodingException {
        CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw));
        char[] text = new char[chars.remaining()];
        chars.get(text);
        chars.clear();
        while (chars.hasRemaining()) {
            chars.put('\0');
        }
        return text;
    }

    private static List<String> strings(Object value) {
        List<String> out = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof String s) {
                    out.add(normalize(s));
                }
            }
        }
        return List.copyOf(out);
    }

    /** A workspace-relative path as the harness spells it: {@code /} separators, no leading {@code ./}. */
    static String normalize(String path) {
        String p = path.replace('\\', '/');
        while (p.startsWith("./")) {
            p = p.substring(2);
        }
        return p;
    }
}
