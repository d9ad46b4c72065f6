package dev.assay.generator;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One model call as {@link RecordingProvider} saves it and {@link ReplayProvider} answers from it: a JSON file
 * {@code <key>.json} in format {@value #FORMAT}, holding the prompt and either the completion or the failure message.
 *
 * <p>The key is the first 24 hex characters of a SHA-256 over the prompt's template version, system and user messages
 * and output-token limit, then {@code -c<candidate>}. Request id and attempt are kept in the file for people but are
 * not part of the key, so the same prompt replays the same answer whichever request asks.
 *
 * @param recordedAt ISO-8601 instant
 * @param provider the recorded provider's name
 * @param completion the answer, or null when the call failed
 * @param failure the failure, or null when the call answered
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record RecordedExchange(String format, String recordedAt, String provider, String requestId, int attempt, int candidate,
        int candidates, String templateVersion, int maxOutputTokens, String system, String user, Answer completion,
        Failure failure) {

    static final String FORMAT = "assay-exchange/1";
    private static final int KEY_HEX_CHARS = 24;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * A completion as stored; its own type so that a change to {@link Completion} cannot silently change the file
     * format.
     */
    record Answer(String text, int tokensIn, int tokensOut, String model, Completion.Format format) {
    }

    /** A call that failed for good, with the {@link ModelProviderException}'s message. */
    record Failure(String message) {
    }

    static RecordedExchange answered(String provider, Prompt prompt, Completion c, Instant at) {
        return of(provider, prompt, new Answer(c.text(), c.tokensIn(), c.tokensOut(), c.model(), c.format()), null, at);
    }

    static RecordedExchange failed(String provider, Prompt prompt, String message, Instant at) {
        return of(provider, prompt, null, new Failure(message), at);
    }

    private static RecordedExchange of(String provider, Prompt p, Answer answer, Failure failure, Instant at) {
        return new RecordedExchange(FORMAT, at.toString(), provider, p.requestId(), p.attempt(), p.candidate(), p.candidates(),
                p.templateVersion(), p.maxOutputTokens(), p.system(), p.user(), answer, failure);
    }

    /** The file name stem for this prompt's candidate, e.g. {@code 3f9c0a1b2c3d4e5f60718293-c1}. */
    static String key(Prompt p) {
        return key(p.templateVersion(), p.system(), p.user(), p.maxOutputTokens(), p.candidate());
    }

    private static String key(String templateVersion, String system, String user, int maxOutputTokens, int candidate) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        // Each text is prefixed with its length, so ("ab", "c") and ("a", "bc") cannot hash alike.
        for (String text : new String[] {templateVersion, system, user}) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            sha256.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
            sha256.update(bytes);
        }
        sha256.update(ByteBuffer.allocate(Integer.BYTES).putInt(maxOutputTokens).array());
        return HexFormat.of().formatHex(sha256.digest()).substring(0, KEY_HEX_CHARS) + "-c" + candidate;
    }

    static Path file(Path dir, Prompt prompt) {
        return dir.resolve(key(prompt) + ".json");
    }

    /**
     * Writes this exchange to its file in {@code dir}, creating the directory. The file appears whole or not at all
     * (a temporary file in the same directory, then an atomic rename), so concurrent writers and readers never see
     * half a recording; of two writers of one key the last wins.
     */
    void writeTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path target = dir.resolve(key(templateVersion, system, user, maxOutputTokens, candidate) + ".json");
        Path temp = Files.createTempFile(dir, target.getFileName().toString(), ".tmp");
        try {
            Files.write(temp, JSON.writeValueAsBytes(this));
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Reads a recording; empty when the file does not exist.
     *
     * @throws ModelProviderException the file is unreadable, not JSON, of another format or incomplete
     */
    static Optional<RecordedExchange> read(Path file) throws ModelProviderException {
        String name = "recorded exchange " + file.getFileName();
        JsonNode tree;
        try {
            tree = JSON.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (JsonProcessingException e) {
            // Only the position: Jackson's own message may quote the recorded text.
            JsonLocation at = e.getLocation();
            throw new ModelProviderException(name + " is not valid JSON" + (at == null ? ""
                    : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"), e);
        } catch (IOException e) {
            throw new ModelProviderException(name + " is unreadable: " + e.getMessage(), e);
        }
        // The format is checked before the fields, so a newer format is named as such rather than as a bad field.
        String format = tree != null && tree.isObject() ? tree.path("format").asText(null) : null;
        if (!FORMAT.equals(format)) {
            throw new ModelProviderException(name + (format == null ? " has no format" : " has format '" + format + "'")
                    + ", expected " + FORMAT);
        }
        RecordedExchange exchange;
        try {
            exchange = JSON.treeToValue(tree, RecordedExchange.class);
        } catch (JsonProcessingException e) {
            // The field's path, not Jackson's message, which may quote the recorded text.
            String field = e instanceof JsonMappingException m ? m.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining(".")) : "";
            throw new ModelProviderException(name + " does not match " + FORMAT
                    + (field.isEmpty() ? "" : " at field '" + field + "'"), e);
        }
        if (exchange.templateVersion == null || exchange.system == null || exchange.user == null
                || (exchange.completion == null) == (exchange.failure == null)
                || (exchange.completion != null && (exchange.completion.text == null || exchange.completion.format == null))
                || (exchange.failure != null && exchange.failure.message == null)) {
            throw new ModelProviderException(name + " is incomplete: it needs templateVersion, system, user and either a "
                    + "completion with text and format or a failure with a message");
        }
        return Optional.of(exchange);
    }

    /** True when this was recorded for the same messages, token limit and candidate: the file was not renamed or edited. */
    boolean answers(Prompt prompt) {
        return templateVersion.equals(prompt.templateVersion()) && system.equals(prompt.system()) && user.equals(prompt.user())
                && maxOutputTokens == prompt.maxOutputTokens() && candidate == prompt.candidate();
    }

    /**
     * The recorded answer, or the recorded failure thrown again.
     *
     * @throws ModelProviderException {@code replayed failure: <recorded message>}
     */
    Completion replay() throws ModelProviderException {
        if (failure != null) {
            throw new ModelProviderException("replayed failure: " + failure.message);
        }
        return new Completion(completion.text, completion.tokensIn, completion.tokensOut, completion.model, completion.format);
    }
}
