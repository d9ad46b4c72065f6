package dev.assay.executor.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assay.executor.runner.RunMode;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * What the executor tells the harness on its standard input (harness/PROTOCOL.md "Handshake"): the run's nonce and
 * which files are whose. The nonce is fresh for every run and travels only here, so it is on no command line, in no
 * environment variable and in no file of the workspace.
 *
 * @param requestFiles every file of the request
 * @param requestTests the request's test files
 * @param generated    the generated files placed in the workspace
 * @param parser       acorn's module for JavaScript analysis runs, else null
 */
public record Handshake(String nonce, RunMode mode, List<String> requestFiles, List<String> requestTests,
        List<String> generated, List<String> targetPaths, String parser, long memoryBytes) {
    /** Where the workspace is inside every sandbox. */
    public static final String ROOT = "/workspace";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    public Handshake {
        requestFiles = List.copyOf(requestFiles);
        requestTests = List.copyOf(requestTests);
        generated = List.copyOf(generated);
        targetPaths = List.copyOf(targetPaths);
    }

    /** 32 random bytes in lower-case hex: unguessable, and never a prefix of anything a program prints by chance. */
    public static String newNonce() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** The single line the harness reads before end-of-file. */
    public String line() {
        ObjectNode root = JSON.createObjectNode();
        root.put("nonce", nonce);
        root.put("mode", mode.wire());
        root.put("root", ROOT);
        requestFiles.forEach(root.putArray("requestFiles")::add);
        requestTests.forEach(root.putArray("requestTests")::add);
        generated.forEach(root.putArray("generated")::add);
        targetPaths.forEach(root.putArray("targetPaths")::add);
        if (parser != null) {
            root.put("parser", parser);
        }
        root.put("memoryBytes", memoryBytes);
        return root.toString() + "\n";
    }
}
