package dev.assay.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.assay.avro.AssayRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Every CLI command against one embedded stack running the real services. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PIPELINE = Duration.ofMinutes(4);

    private CliStack stack;

    @BeforeAll
    void start() throws Exception {
        stack = CliStack.start();
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void submittedFilesAreWatchedToTheirOutcomesWithStatusAndAuditChain() throws Exception {
        Path requests = CliStack.PROJECT_ROOT.resolve("examples/requests");
        CliStack.Run submit = stack.cli("submit", requests.resolve("01-slugify.json").toString(), requests.resolve("04-path-escape.json").toString());
        assertThat(submit.exit()).as(submit.err()).isZero();
        assertThat(submit.out().lines()).containsExactly("ex-slugify", "ex-path-escape");

        CliStack.Run approved = stack.cli("watch", "ex-slugify", "--timeout", PIPELINE.toString());
        assertThat(approved.exit()).as(approved.out() + approved.err()).isEqualTo(ExitCodes.OK);
        assertThat(approved.out()).contains("RECEIVED", "GENERATED #1", "EXECUTED #1", "OUTCOME APPROVED after 1 attempt(s)")
                .doesNotContain("\u001b[");
        CliStack.Run invalid = stack.cli("watch", "ex-path-escape", "--timeout", PIPELINE.toString());
        assertThat(invalid.exit()).as(invalid.out()).isEqualTo(ExitCodes.NEGATIVE);
        assertThat(invalid.out()).contains("OUTCOME INVALID", "../../etc/cron.d/assay");

        CliStack.Run status = stack.cli("status", "ex-slugify");
        assertThat(status.exit()).isZero();
        assertThat(status.out()).contains("Stage    COMPLETED", "Outcome  APPROVED after 1 attempt(s) (candidate 1), risk LOW, by gate:auto-approve, 0 model tokens",
                "RECEIVED → CONTEXT_ASSEMBLED");
        JsonNode statusJson = JSON.readTree(stack.cli("--output", "json", "status", "ex-slugify").out());
        assertThat(statusJson.path("outcome").path("status").asText()).isEqualTo("APPROVED");
        assertThat(statusJson.path("outcome").path("candidate").asInt()).isEqualTo(1);
        assertThat(statusJson.path("pending").asBoolean()).isFalse();

        // The verifier seals its own events; the other services' events are outside the chain unless it chains them too.
        CliStack.Run audit = stack.cli("--output", "json", "audit", "verify", "ex-slugify");
        JsonNode auditJson = JSON.readTree(audit.out());
        assertThat(auditJson.path("status").asText()).isIn("VERIFIED", "PARTIAL");
        assertThat(audit.exit()).isZero();
        assertThat(auditJson.path("sealed").asInt()).as("verifier events are sealed").isPositive();
        CliStack.Run text = stack.cli("audit", "verify", "ex-slugify");
        assertThat(text.out()).contains("ex-slugify: chain verified");
        if (auditJson.path("status").asText().equals("PARTIAL")) {
            assertThat(stack.cli("audit", "verify", "--strict", "ex-slugify").exit()).isEqualTo(ExitCodes.UNVERIFIABLE);
        }
    }

    @Test
    void heldRequestIsListedThenApprovedByTheNamedReviewer() throws Exception {
        String id = submitHeldGreeting("cli-approve");
        JsonNode listed = awaitPending(id);
        assertThat(listed.path("riskLevel").asText()).isEqualTo("MEDIUM");
        assertThat(listed.path("decision").asText()).isEqualTo("HUMAN_REVIEW");
        assertThat(listed.path("reasons")).isNotEmpty();
        assertThat(stack.cli("approvals").out()).contains(id + "  MEDIUM", "HUMAN_REVIEW");
        assertThat(stack.cli("status", id).out()).contains("Waiting  for a reviewer: risk MEDIUM");

        CliStack.Run approve = stack.cli("approve", id, "--reviewer", "alice", "--reason", "endpoint reviewed");
        assertThat(approve.exit()).as(approve.err()).isZero();
        assertThat(approve.out()).contains("approved " + id + " as alice");

        CliStack.Run watch = stack.cli("watch", id, "--timeout", PIPELINE.toString());
        assertThat(watch.exit()).as(watch.out()).isEqualTo(ExitCodes.OK);
        assertThat(watch.out()).contains("waiting for a reviewer: risk MEDIUM", "OUTCOME APPROVED", "by alice: endpoint reviewed");
        JsonNode status = JSON.readTree(stack.cli("--output", "json", "status", id).out());
        assertThat(status.path("outcome").path("decidedBy").asText()).isEqualTo("alice");
        assertThat(stack.cli("--output", "json", "approvals").out()).doesNotContain(id);

        CliStack.Run again = stack.cli("approve", id);
        assertThat(again.exit()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(again.err()).contains("outcome APPROVED already");
    }

    @Test
    void heldRequestRejectedWithAReasonEndsWithExitCodeThree() throws Exception {
        String id = submitHeldGreeting("cli-reject");
        awaitPending(id);
        assertThat(stack.cli("reject", id).exit()).as("a rejection needs --reason").isEqualTo(ExitCodes.USAGE);
        assertThat(stack.cli("reject", id, "--reviewer", "gate:auto-approve", "--reason", "x").exit()).isEqualTo(ExitCodes.USAGE);

        CliStack.Run reject = stack.cli("--output", "json", "reject", id, "--reason", "no input validation");
        assertThat(reject.exit()).as(reject.err()).isZero();
        assertThat(JSON.readTree(reject.out()).path("reviewer").asText()).as("$USER is the default reviewer").isEqualTo("tester");

        CliStack.Run watch = stack.cli("--output", "json", "watch", id, "--timeout", PIPELINE.toString());
        assertThat(watch.exit()).isEqualTo(ExitCodes.NEGATIVE);
        JsonNode last = JSON.readTree(watch.out().lines().reduce((a, b) -> b).orElseThrow());
        assertThat(last.path("event").asText()).isEqualTo("outcome");
        assertThat(last.path("record").path("status").asText()).isEqualTo("REJECTED");
        assertThat(last.path("record").path("reason").asText()).isEqualTo("no input validation");
    }

    @Test
    void unknownRequestsTimeOutOrAreNotFound() {
        String id = "cli-nothing-" + UUID.randomUUID();
        assertThat(stack.cli("watch", id, "--timeout", "PT2S").exit()).isEqualTo(ExitCodes.TIMEOUT);
        assertThat(stack.cli("status", id).exit()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(stack.cli("audit", "verify", id).exit()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(stack.cli("approve", id).exit()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(stack.cli("submit", "--task", "no language").exit()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void deadLetteredDecisionIsListedAndReplayedToItsTopic() throws Exception {
        String id = "cli-dlq-" + UUID.randomUUID();
        String decisions = stack.topics().approvalDecisions().name();
        assertThat(stack.cli("approve", id, "--force", "--reviewer", "bob").exit()).isZero();

        JsonNode dead = Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                .until(() -> deadLetters(decisions, id), list -> list.size() == 1).getFirst();
        assertThat(dead.path("headers").path("assay.error.reason").asText()).isEqualTo("UNKNOWN_REQUEST");
        assertThat(dead.path("headers").path("assay.error.service").asText()).isEqualTo("verifier");
        assertThat(stack.cli("dlq", "list", "--topic", decisions).out()).contains("key=" + id, "assay.error.reason = UNKNOWN_REQUEST");

        assertThat(stack.cli("dlq", "replay").exit()).as("replay needs a selection").isEqualTo(ExitCodes.USAGE);
        CliStack.Run replay = stack.cli("dlq", "replay", "--partition", dead.path("partition").asText(), "--offset", dead.path("offset").asText());
        assertThat(replay.exit()).as(replay.err()).isZero();
        assertThat(replay.out()).contains("→ " + decisions, "key=" + id, "replayed at");

        List<ConsumerRecord<byte[], byte[]>> onTopic = rawRecords(decisions, id);
        assertThat(onTopic).hasSize(2);
        assertThat(onTopic.get(1).value()).as("the original bytes, unchanged").isEqualTo(onTopic.get(0).value());
        assertThat(onTopic.get(1).headers().lastHeader(DlqCommand.REPLAYED_FROM)).isNotNull();
        // Still unknown to the verifier, so it comes back: replay is for after a fix, and harmless before.
        Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                .until(() -> deadLetters(decisions, id).size() == 2);
    }

    @Test
    void dryRunEmitsWireFormatBytesThatKcatCanProduce() throws Exception {
        String id = "cli-kcat-" + UUID.randomUUID();
        stack.scriptGreeting(id);
        Path bytes = Files.createTempFile("assay-request-", ".avro");
        Path test = CliStack.greetingTest();
        CliStack.Run dry = stack.cli("submit", "--dry-run", "--emit-bytes", bytes.toString(), "--id", id, "--task",
                "Write greeting(name) in greeting.py returning 'Hello, <name>!' with the name stripped.",
                "--language", "PYTHON", "--kind", "LIBRARY_CODE", "--target", "greeting.py", "--file", test.toString());
        assertThat(dry.exit()).as(dry.err()).isZero();
        assertThat(dry.out().strip()).isEqualTo(id);
        byte[] wire = Files.readAllBytes(bytes);
        assertThat(wire[0]).as("Confluent wire format magic byte").isZero();
        AssayRequest decoded = stack.topics().requests().valueSerde().deserializer().deserialize(stack.topics().requests().name(), wire);
        assertThat(decoded.getRequestId()).isEqualTo(id);
        assertThat(decoded.getFiles()).extracting(f -> f.getPath()).containsExactly("test_greeting.py");
        assertThat(stack.cli("status", id).exit()).as("a dry run sends nothing").isEqualTo(ExitCodes.NOT_FOUND);

        boolean kcat = CliStack.onPath("kcat");
        if (!Boolean.getBoolean("assay.require.tools")) {
            assumeTrue(kcat, "kcat is not installed (apt-get install kcat)");
        }
        Process p = new ProcessBuilder("kcat", "-P", "-b", stack.bootstrapServers(), "-t", stack.topics().requests().name(),
                "-k", id, bytes.toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
        CliStack.Run watch = stack.cli("watch", id, "--timeout", PIPELINE.toString());
        assertThat(watch.exit()).as(watch.out()).isEqualTo(ExitCodes.OK);
    }

    @Test
    void javaProducerExampleSubmitsARequestTheCliCanFollow() throws Exception {
        String id = "cli-java-producer-" + UUID.randomUUID();
        stack.scriptGreeting(id);
        Path example = CliStack.PROJECT_ROOT.resolve("examples/producers/SubmitWithKafkaProducer.java");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), example.toString(),
                stack.bootstrapServers(), stack.registryUrl(), id).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("submitted " + id);
        CliStack.Run watch = stack.cli("watch", id, "--timeout", PIPELINE.toString());
        assertThat(watch.exit()).as(watch.out()).isEqualTo(ExitCodes.OK);
    }

    private String submitHeldGreeting(String prefix) throws Exception {
        String id = prefix + "-" + UUID.randomUUID();
        stack.scriptGreeting(id);
        CliStack.Run submit = stack.cli("submit", "--id", id, "--task",
                "Write greeting(name) in greeting.py: the body of GET /hello, 'Hello, <name>!' with the name stripped.",
                "--language", "PYTHON", "--kind", "API_ENDPOINT", "--target", "greeting.py", "--file", CliStack.greetingTest().toString());
        assertThat(submit.exit()).as(submit.err()).isZero();
        assertThat(submit.out().strip()).isEqualTo(id);
        return id;
    }

    private JsonNode awaitPending(String id) {
        return Awaitility.await().atMost(PIPELINE).pollInterval(Duration.ofSeconds(2)).until(() -> {
            for (JsonNode row : JSON.readTree(stack.cli("--output", "json", "approvals").out())) {
                if (row.path("requestId").asText().equals(id)) {
                    return row;
                }
            }
            return null;
        }, java.util.Objects::nonNull);
    }

    private List<JsonNode> deadLetters(String sourceTopic, String key) throws Exception {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode d : JSON.readTree(stack.cli("--output", "json", "dlq", "list", "--topic", sourceTopic).out())) {
            if (d.path("key").asText().equals(key)) {
                found.add(d);
            }
        }
        return found;
    }

    private List<ConsumerRecord<byte[], byte[]>> rawRecords(String topic, String key) {
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        try (TopicReader reader = new TopicReader(stack.kafkaProps(), List.of(topic), key)) {
            reader.readToEnd(found::add, Duration.ofSeconds(30));
        }
        return found;
    }

}
