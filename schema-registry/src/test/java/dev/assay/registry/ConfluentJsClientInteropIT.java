package dev.assay.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assay.avro.AssayRequest;
import dev.assay.schemas.Topics;
import dev.assay.schemas.registry.RestSchemaRegistryClient;
import dev.assay.schemas.serde.AvroDeserializer;
import dev.assay.schemas.serde.AvroSerializer;
import dev.assay.schemas.serde.ConfluentWireFormat;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Confluent's own JavaScript client ({@code @confluentinc/schemaregistry}, run by {@code src/test/js/interop.js})
 * against Assay's registry, exchanging Kafka values with Assay's Java serdes in both directions. Needs {@code node}
 * and {@code npm ci --prefix schema-registry/src/test/js}; skips without them unless {@code assay.require.tools=true}.
 */
class ConfluentJsClientInteropIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path node;
    private static Path jsDir;

    @TempDir
    Path work;
    private SchemaRegistryServer server;
    private String topic;

    @BeforeAll
    static void findTools() {
        jsDir = Path.of(System.getProperty("basedir", System.getProperty("user.dir")), "src", "test", "js").toAbsolutePath();
        node = onPath("node").orElse(null);
        requireTool(node != null, "node is not on the PATH");
        requireTool(Files.isDirectory(jsDir.resolve("node_modules/@confluentinc/schemaregistry")),
                "Confluent's JS client is not installed; run: npm ci --prefix schema-registry/src/test/js");
    }

    @BeforeEach
    void startRegistry() {
        server = new SchemaRegistryServer(new InMemorySchemaStore(), "127.0.0.1", 0, new SimpleMeterRegistry());
        server.start();
        topic = Topics.create(Topics.DEFAULT_PREFIX, new RestSchemaRegistryClient(server.url()), false).requests().name();
    }

    @AfterEach
    void stopRegistry() {
        server.stop();
    }

    @Test
    void assayReadsWhatConfluentsSerializerWrote() throws Exception {
        AssayRequest expected = AssayRequests.sample("js-1");
        Path schema = Files.writeString(work.resolve("AssayRequest.avsc"), AssayRequest.getClassSchema().toString());
        Path record = Files.writeString(work.resolve("record.json"), asJsRecord(expected).toString());

        byte[] bytes = Base64.getDecoder().decode(node("serialize", server.url(), topic, schema.toString(), record.toString()));

        int latestId = new RegistryHttp(server.url()).get("/subjects/" + topic + "-value/versions/latest").json().path("id").asInt();
        assertThat(ConfluentWireFormat.schemaId(bytes)).isEqualTo(latestId);
        AvroDeserializer<AssayRequest> deserializer =
                new AvroDeserializer<>(new RestSchemaRegistryClient(server.url()), AssayRequest.class);
        assertThat(deserializer.deserialize(topic, bytes)).isEqualTo(expected);
    }

    @Test
    void confluentsDeserializerReadsWhatAssayWrote() throws Exception {
        AssayRequest request = AssayRequests.sample("java-1");
        byte[] bytes = new AvroSerializer<>(new RestSchemaRegistryClient(server.url()), AssayRequest.class, true)
                .serialize(topic, request);

        JsonNode decoded = JSON.readTree(node("deserialize", server.url(), topic, Base64.getEncoder().encodeToString(bytes)));

        assertThat(decoded).isEqualTo(asJsRecord(request));
    }

    /** The record as the avsc library behind Confluent's JS serdes represents it: unwrapped unions, millis as numbers. */
    private static ObjectNode asJsRecord(AssayRequest request) {
        ObjectNode out = JSON.createObjectNode()
                .put("requestId", request.getRequestId())
                .put("tenant", request.getTenant())
                .put("task", request.getTask())
                .put("language", request.getLanguage().name())
                .put("artifactKind", request.getArtifactKind().name());
        request.getTargetPaths().forEach(out.putArray("targetPaths")::add);
        var files = out.putArray("files");
        request.getFiles().forEach(f -> files.addObject().put("path", f.getPath()).put("content", f.getContent()));
        out.putObject("repository").put("url", request.getRepository().getUrl()).put("ref", request.getRepository().getRef());
        out.put("maxAttempts", request.getMaxAttempts()).put("tokenBudget", request.getTokenBudget());
        if (request.getCandidates() == null) {
            out.putNull("candidates");
        } else {
            out.put("candidates", request.getCandidates().intValue());
        }
        ObjectNode metadata = out.putObject("metadata");
        request.getMetadata().forEach(metadata::put);
        out.put("submittedAt", request.getSubmittedAt().toEpochMilli());
        return out;
    }

    /** Runs interop.js and returns its stdout; fails with its stderr when it does not succeed. */
    private String node(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(node.toString(), "interop.js"));
        command.addAll(List.of(args));
        Path stdout = work.resolve("node.out");
        Path stderr = work.resolve("node.err");
        Process process = new ProcessBuilder(command).directory(jsDir.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("node %s did not finish in 120 s; stderr: %s", args[0], Files.readString(stderr));
        }
        if (process.exitValue() != 0) {
            fail("node %s exited with %d; stderr: %s", args[0], process.exitValue(), Files.readString(stderr));
        }
        return Files.readString(stdout, StandardCharsets.UTF_8).trim();
    }

    private static void requireTool(boolean present, String why) {
        if (!present && Boolean.getBoolean("assay.require.tools")) {
            fail(why + " (assay.require.tools=true)");
        }
        Assumptions.assumeTrue(present, why);
    }

    private static Optional<Path> onPath(String executable) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, executable);
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
