package dev.assay.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * JSON keys and values of the store topic, modelled on Confluent's {@code _schemas} records
 * ({@code {"keytype":"SCHEMA","subject":..,"version":..,"magic":1}}). The key identifies what a record is about,
 * so topic compaction keeps exactly the latest record per subject version and per config.
 */
final class StoreCodec {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StoreCodec() {
    }

    static byte[] key(StoreEntry entry) {
        ObjectNode key = JSON.createObjectNode();
        switch (entry) {
            case StoreEntry.SchemaVersion v -> {
                key.put("keytype", "SCHEMA").put("subject", v.subject()).put("version", v.version()).put("magic", 1);
            }
            case StoreEntry.Config c -> {
                key.put("keytype", "CONFIG").put("subject", c.subject()).put("magic", 0);
            }
        }
        return bytes(key);
    }

    /** Null for a config tombstone. */
    static byte[] value(StoreEntry entry) {
        return switch (entry) {
            case StoreEntry.SchemaVersion v -> bytes(JSON.createObjectNode().put("subject", v.subject())
                    .put("version", v.version()).put("id", v.id()).put("schema", v.schema()).put("deleted", v.deleted()));
            case StoreEntry.Config c -> c.level() == null ? null
                    : bytes(JSON.createObjectNode().put("compatibilityLevel", c.level().name()));
        };
    }

    /**
     * The entry a record holds; empty for record kinds this registry does not use (Confluent's NOOP, MODE, ...),
     * which it skips. Throws {@link IllegalArgumentException} for a record it should understand but cannot.
     */
    static Optional<StoreEntry> decode(byte[] keyBytes, byte[] valueBytes) {
        JsonNode key = read(keyBytes);
        String type = key.path("keytype").asText("");
        String subject = key.path("subject").isTextual() ? key.path("subject").asText() : null;
        switch (type) {
            case "SCHEMA" -> {
                if (valueBytes == null) {
                    // A Confluent hard delete tombstones the version; nothing to rebuild from it.
                    return Optional.of(new StoreEntry.SchemaVersion(require(subject, "subject"), key.path("version").asInt(),
                            -1, "", true));
                }
                JsonNode value = read(valueBytes);
                return Optional.of(new StoreEntry.SchemaVersion(require(value.path("subject").asText(null), "subject"),
                        value.path("version").asInt(), value.path("id").asInt(),
                        require(value.path("schema").asText(null), "schema"), value.path("deleted").asBoolean(false)));
            }
            case "CONFIG" -> {
                CompatibilityLevel level = valueBytes == null ? null
                        : CompatibilityLevel.parse(read(valueBytes).path("compatibilityLevel").asText(null));
                return Optional.of(new StoreEntry.Config(subject, level));
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    private static String require(String value, String field) {
        if (value == null) {
            throw new IllegalArgumentException("store record without " + field);
        }
        return value;
    }

    private static JsonNode read(byte[] bytes) {
        if (bytes == null) {
            throw new IllegalArgumentException("store record without a key");
        }
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("store record is not JSON: " + e.getMessage(), e);
        }
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
