package dev.assay.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assay.avro.ArtifactKind;
import dev.assay.avro.AssayRequest;
import dev.assay.avro.Language;
import dev.assay.devstack.RequestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code assay submit}: request files or flags → {@code AssayRequest}s on the requests topic; prints the ids. */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = {"Submit requests: JSON request files (or folders of them), or one request described by flags.",
                "Prints each request id (follow it with: assay watch <id>)."})
final class SubmitCommand extends CliCommand {

    @Parameters(paramLabel = "REQUEST.json", arity = "0..*", description = "Request files or folders (fields of AssayRequest, plain JSON).")
    List<Path> requestFiles = new ArrayList<>();

    @Option(names = "--task", description = "What to write, in plain words (instead of a request file).")
    String task;

    @Option(names = "--language", description = "Language: ${COMPLETION-CANDIDATES}.")
    Language language;

    @Option(names = "--kind", description = "Artifact kind, the gate's first risk input: ${COMPLETION-CANDIDATES} (default OTHER).")
    ArtifactKind kind;

    @Option(names = "--file", paramLabel = "PATH", description = "A context file to send along (tests among them); repeatable.")
    List<Path> files = new ArrayList<>();

    @Option(names = "--target", paramLabel = "PATH", description = "A file the model must write; repeatable.")
    List<String> targets = new ArrayList<>();

    @Option(names = "--id", description = "Request id (default: a random UUID).")
    String requestId;

    @Option(names = "--tenant", description = "Tenant (default: default).")
    String tenant;

    @Option(names = "--max-attempts", description = "Attempts the fix loop may take (default 3).")
    Integer maxAttempts;

    @Option(names = "--candidates", description = "Candidates per attempt; the first that passes wins (default: the generator's).")
    Integer candidates;

    @Option(names = "--dry-run", description = "Build and check the request(s) but do not send them.")
    boolean dryRun;

    @Option(names = "--emit-bytes", paramLabel = "FILE",
            description = "Write the request's value as Confluent wire-format Avro bytes to FILE (e.g. for kcat -P); needs the registry.")
    Path emitBytes;

    @Override
    public Integer call() throws Exception {
        List<AssayRequest> requests = requests();
        if (emitBytes != null) {
            if (requests.size() != 1) {
                throw new IllegalArgumentException("--emit-bytes writes exactly one request; " + requests.size() + " given");
            }
            var topic = ctx().topics().requests();
            Files.write(emitBytes, topic.valueSerde().serializer().serialize(topic.name(), requests.getFirst()));
        }
        List<Map<String, Object>> sent = new ArrayList<>();
        if (dryRun) {
            requests.forEach(r -> sent.add(row(r, null)));
        } else {
            Map<String, Object> props = new LinkedHashMap<>(ctx().kafkaProps());
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            var topic = ctx().topics().requests();
            try (var producer = new KafkaProducer<>(props, new StringSerializer(), topic.valueSerde().serializer())) {
                for (AssayRequest request : requests) {
                    RecordMetadata meta = producer.send(new ProducerRecord<>(topic.name(), request.getRequestId(), request)).get();
                    sent.add(row(request, meta));
                }
            }
        }
        if (ctx().json()) {
            printJson(sent);
        } else {
            for (Map<String, Object> row : sent) {
                out().println(row.get("requestId"));
            }
            if (dryRun) {
                err().println("dry run: nothing sent" + (emitBytes == null ? "" : "; wire-format bytes in " + emitBytes));
            }
            out().flush();
        }
        return ExitCodes.OK;
    }

    private Map<String, Object> row(AssayRequest request, RecordMetadata meta) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("requestId", request.getRequestId());
        row.put("topic", ctx().topics().requests().name());
        if (meta != null) {
            row.put("partition", meta.partition());
            row.put("offset", meta.offset());
        }
        row.put("sent", meta != null);
        return row;
    }

    /** The requests the arguments describe: files, or one built from the flags — never both. */
    List<AssayRequest> requests() throws IOException {
        boolean flags = task != null || language != null || kind != null || !files.isEmpty() || !targets.isEmpty()
                || requestId != null || tenant != null || maxAttempts != null || candidates != null;
        if (!requestFiles.isEmpty() && flags) {
            throw new IllegalArgumentException("give request files or --task and friends, not both");
        }
        if (!requestFiles.isEmpty()) {
            List<AssayRequest> out = new ArrayList<>();
            for (Path file : requestFiles) {
                out.addAll(RequestFiles.readAll(file));
            }
            return out;
        }
        if (task == null || language == null) {
            throw new IllegalArgumentException("give a request file, or at least --task and --language");
        }
        return List.of(fromFlags());
    }

    private AssayRequest fromFlags() throws IOException {
        ObjectNode node = JSON.createObjectNode();
        if (requestId != null) {
            node.put("requestId", requestId);
        }
        if (tenant != null) {
            node.put("tenant", tenant);
        }
        node.put("task", task);
        node.put("language", language.name());
        node.put("artifactKind", (kind == null ? ArtifactKind.OTHER : kind).name());
        if (maxAttempts != null) {
            node.put("maxAttempts", maxAttempts);
        }
        if (candidates != null) {
            node.put("candidates", candidates);
        }
        ArrayNode targetPaths = node.putArray("targetPaths");
        targets.forEach(targetPaths::add);
        ArrayNode fileNodes = node.putArray("files");
        for (Path file : files) {
            fileNodes.addObject().put("path", requestPath(file)).put("content", Files.readString(file));
        }
        // The same parser as request files: one set of defaults and checks for both ways in.
        return RequestFiles.parse(node);
    }

    /** The path a local file gets in the request: relative as given, or just its name when absolute or outside. */
    static String requestPath(Path file) {
        Path normal = file.normalize();
        if (normal.isAbsolute() || normal.startsWith("..")) {
            return normal.getFileName().toString();
        }
        return normal.toString().replace('\\', '/');
    }
}
