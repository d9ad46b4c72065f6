package dev.assay.devstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.assay.avro.ArtifactKind;
import dev.assay.avro.AssayRequest;
import dev.assay.avro.Language;
import dev.assay.avro.RepositoryRef;
import dev.assay.avro.SourceFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Reads request files: plain JSON with the fields of {@code AssayRequest} (no Avro union wrapping), so people can
 * write them by hand. Unknown fields and bad enum values are refused with the file and field named.
 */
public final class RequestFiles {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("requestId", "tenant", "task", "language", "artifactKind",
            "targetPaths", "files", "repository", "maxAttempts", "candidates", "tokenBudget", "metadata");

    private RequestFiles() {
    }

    /** Every {@code *.json} file of a directory, in name order, or the one file given. */
    public static List<AssayRequest> readAll(Path dirOrFile) throws IOException {
        if (!Files.isDirectory(dirOrFile)) {
            return List.of(read(dirOrFile));
        }
        List<AssayRequest> requests = new ArrayList<>();
        try (Stream<Path> files = Files.list(dirOrFile)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                requests.add(read(file));
            }
        }
        return requests;
    }

    public static AssayRequest read(Path file) throws IOException {
        try {
            return parse(JSON.readTree(file.toFile()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    public static AssayRequest parse(JsonNode node) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new IllegalArgumentException("unknown field '" + name + "'; known fields: " + FIELDS);
            }
        }
        AssayRequest.Builder builder = AssayRequest.newBuilder()
                .setRequestId(node.path("requestId").asText(UUID.randomUUID().toString()))
                .setTenant(node.path("tenant").asText("default"))
                .setTask(node.path("task").asText(""))
                .setLanguage(enumValue(Language.class, "language", node.path("language").asText("UNKNOWN")))
                .setArtifactKind(enumValue(ArtifactKind.class, "artifactKind", node.path("artifactKind").asText("OTHER")))
                .setTargetPaths(strings(node.path("targetPaths")))
                .setMaxAttempts(node.path("maxAttempts").asInt(3))
                .setCandidates(node.hasNonNull("candidates") ? node.get("candidates").asInt() : null)
                .setTokenBudget(node.path("tokenBudget").asInt(8000))
                .setSubmittedAt(Instant.now());
        List<SourceFile> files = new ArrayList<>();
        for (JsonNode file : node.path("files")) {
            files.add(new SourceFile(file.path("path").asText(), file.path("content").asText()));
        }
        builder.setFiles(files);
        if (node.hasNonNull("repository")) {
            JsonNode repo = node.get("repository");
            builder.setRepository(new RepositoryRef(repo.path("url").asText(), repo.hasNonNull("ref") ? repo.get("ref").asText() : null));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        node.path("metadata").fields().forEachRemaining(e -> metadata.put(e.getKey(), e.getValue().asText()));
        builder.setMetadata(metadata);
        return builder.build();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String field, String value) {
        try {
            return Enum.valueOf(type, value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " '" + value + "' is not one of "
                    + Arrays.toString(type.getEnumConstants()), e);
        }
    }
}
