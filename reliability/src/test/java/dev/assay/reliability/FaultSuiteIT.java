package dev.assay.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.assay.executor.sandbox.Sandboxes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults against the pipeline running as separate processes: every request must end with exactly one outcome — none
 * lost, none duplicated — through SIGKILLs of each service mid-flight, a broker SIGKILL and restart, poison records on
 * every input topic and a storm of model failures. Prints {@code faults[...]: submitted=… outcomes=… lost=…
 * duplicated=…} per scenario and overall.
 *
 * <p>Requests per scenario: {@code -Dassay.faults.requests} (default 30; CI may pass less).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultSuiteIT {
    private static final int N = Integer.getInteger("assay.faults.requests", 30);
    private static final Duration SETTLE = Duration.ofMinutes(4);
    private static final List<String> INPUT_TOPICS_OF_STAGE_LOOPS = List.of("requests", "contexts", "fix-requests", "generations");

    private FaultStack stack;
    private final List<String> summary = new ArrayList<>();
    private int rereadReported;

    @BeforeAll
    void startPipeline(@TempDir Path dir) throws Exception {
        boolean sandbox = Sandboxes.find("runsc").isPresent() || Sandboxes.find("bwrap").isPresent();
        if (!sandbox && Boolean.getBoolean("assay.require.tools")) {
            fail("assay.require.tools=true but neither runsc nor bwrap is installed");
        }
        assumeTrue(sandbox, "no sandbox backend (runsc or bwrap) installed");
        stack = new FaultStack(dir, Path.of("target", "fault-suite-logs").toAbsolutePath());
    }

    @AfterAll
    void stopPipeline() {
        if (stack != null) {
            OutcomeLedger.Tally all = stack.ledger.tally("");
            summary.forEach(System.out::println);
            System.out.println(all.line("all"));
            stack.close();
        }
    }

    @Test
    @Order(1)
    void everyRequestEndsExactlyOnceWhenEachServiceIsKilledMidFlight() throws Exception {
        for (String name : stack.services.keySet()) {
            String prefix = "kill-" + name + "-";
            for (int i = 0; i < N / 2; i++) {
                stack.submit(prefix + i, "");
            }
            // Mid-flight: the service has written its first output of the round (seen uncommitted, so its
            // transaction may still be open) and the rest of the round is still in the pipeline.
            boolean writing = stack.trigger.awaitFirst(stack.outputOf(name), prefix, Duration.ofSeconds(90));
            stack.service(name).kill();
            assertThat(writing).as("%s wrote output before the kill", name).isTrue();
            for (int i = N / 2; i < N; i++) {
                stack.submit(prefix + i, "");
            }
            stack.service(name).start();
            boolean done = stack.awaitOutcomes(prefix, N, SETTLE);
            record(prefix, "SIGKILL " + name);
            summary.add("  " + stack.trigger.rewritten(stack.outputOf(name), prefix) + " request(s) of the round written twice by "
                    + name + " (first in a transaction the kill aborted), each still with one outcome");
            assertThat(done).as("outcomes after killing %s; missing %s; see %s", name, stack.ledger.missing(prefix),
                    stack.service(name).logFile()).isTrue();
            assertExactlyOnce(prefix);
            assertThat(stack.service(name).starts()).isEqualTo(2);
        }
    }

    @Test
    @Order(2)
    void everyRequestEndsExactlyOnceAcrossABrokerKillAndRestart() throws Exception {
        String prefix = "broker-";
        for (int i = 0; i < N; i++) {
            stack.submit(prefix + i, "");
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (stack.ledger.completed(prefix) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        stack.broker.kill();
        Thread.sleep(2_000);
        stack.broker.start();
        boolean done = stack.awaitOutcomes(prefix, N, SETTLE);
        record(prefix, "broker SIGKILL + restart");
        assertThat(done).as("outcomes after the broker restart; missing %s", stack.ledger.missing(prefix)).isTrue();
        assertExactlyOnce(prefix);
        assertThat(stack.services.values()).allMatch(ServiceProcess::isAlive, "every service survived the broker restart");
    }

    @Test
    @Order(3)
    void poisonOnEveryInputTopicIsDeadLetteredWhileTheRestFlows() throws Exception {
        String prefix = "poison-flow-";
        for (int i = 0; i < N / 2; i++) {
            stack.submit(prefix + i, "");
        }
        Map<String, String> inputs = Map.of(
                "requests", stack.topics.requests().name(), "contexts", stack.topics.contexts().name(),
                "fix-requests", stack.topics.fixRequests().name(), "generations", stack.topics.generations().name(),
                "executions", stack.topics.executions().name(), "approval-decisions", stack.topics.approvalDecisions().name());
        List<String> keys = new ArrayList<>();
        for (var input : inputs.entrySet()) {
            for (var poison : PoisonRecords.all(stack.topics, 5 * 1024 * 1024).entrySet()) {
                String key = "poison-" + input.getKey() + "-" + poison.getKey();
                stack.sendRaw(input.getValue(), key, poison.getValue());
                keys.add(key);
            }
        }
        for (int i = N / 2; i < N; i++) {
            stack.submit(prefix + i, "");
        }
        boolean done = stack.awaitOutcomes(prefix, N, SETTLE);
        record(prefix, "poison on " + inputs.size() + " input topics");
        assertThat(done).as("the rest flows; missing %s", stack.ledger.missing(prefix)).isTrue();
        assertExactlyOnce(prefix);

        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (poisonDeadLetters().size() < keys.size() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        List<BusObserver.DeadLetter> dead = poisonDeadLetters();
        dead.forEach(d -> summary.add(String.format("  dead letter %-36s from %-24s by %-17s reason %s", d.key(),
                d.originalTopic(), d.service(), d.reason())));
        assertThat(dead).extracting(BusObserver.DeadLetter::key).as("one dead letter per poison record")
                .containsExactlyInAnyOrderElementsOf(keys);
        for (BusObserver.DeadLetter d : dead) {
            assertThat(d.originalTopic()).as("origin header of %s", d.key()).isEqualTo(inputs.get(inputOf(d.key())));
            assertThat(d.exceptionClass()).as("exception class header of %s", d.key()).isNotBlank();
            assertThat(d.reason()).as("reason header of %s", d.key()).isEqualTo(expectedReason(d.key()));
        }
    }

    @Test
    @Order(4)
    void modelFaultStormEndsEveryRequestWithAClearOutcome() throws Exception {
        String prefix = "storm-";
        int each = Math.max(1, N / 6);
        // Healthy and flaky (503, then fine) requests are judged first: once the storm has opened the circuit
        // breaker, any request fails fast, which is a clear outcome but not the one these must show.
        submitStorm(prefix, List.of("ok", "flaky"), each);
        assertThat(stack.awaitOutcomes(prefix, 2 * each, SETTLE)).as("healthy and flaky outcomes").isTrue();
        List<String> faults = List.of("429", "500", "timeout", "garbage");
        submitStorm(prefix, faults, each);
        boolean done = stack.awaitOutcomes(prefix, (2 + faults.size()) * each, SETTLE);
        record(prefix, "model fault storm");
        assertThat(done).as("storm outcomes; missing %s", stack.ledger.missing(prefix)).isTrue();
        assertExactlyOnce(prefix);
        for (int i = 0; i < each; i++) {
            assertThat(stack.ledger.statuses(prefix + "ok-" + i)).as("healthy request %d", i).containsExactly("APPROVED");
            assertThat(stack.ledger.statuses(prefix + "flaky-" + i)).as("flaky request %d", i).containsExactly("APPROVED");
            for (String kind : faults) {
                assertThat(stack.ledger.statuses(prefix + kind + "-" + i)).as("%s request %d", kind, i).containsExactly("FAILED");
            }
        }
        assertThat(stack.model.calls("429")).as("429s were retried").isGreaterThan(each);

        // After the storm the breaker half-opens and one good call closes it again: the pipeline recovers by itself.
        Thread.sleep(FaultStack.BREAKER_OPEN.plusSeconds(1).toMillis());
        String recovered = "storm-recovered-";
        for (int i = 0; i < 3; i++) {
            stack.submit(recovered + i, "");
            assertThat(stack.awaitOutcomes(recovered, i + 1, SETTLE)).isTrue();
        }
        record(recovered, "after the storm");
        assertExactlyOnce(recovered);
        assertThat(stack.ledger.statuses(recovered + "2")).as("a request after the storm").containsExactly("APPROVED");
        summary.add(String.format("  model calls answered: ok=%d flaky=%d 429=%d 500=%d timeout=%d garbage=%d",
                stack.model.calls("ok"), stack.model.calls("flaky"), stack.model.calls("429"), stack.model.calls("500"),
                stack.model.calls("timeout"), stack.model.calls("garbage")));
    }

    private void submitStorm(String prefix, List<String> kinds, int each) {
        for (String kind : kinds) {
            for (int i = 0; i < each; i++) {
                String id = prefix + kind + "-" + i;
                stack.submit(id, kind.equals("ok") ? "" : FaultyChatServer.marker(kind, id));
            }
        }
    }

    private List<BusObserver.DeadLetter> poisonDeadLetters() {
        return stack.observer.deadLetters().stream().filter(d -> d.key() != null && d.key().startsWith("poison-")
                && !d.key().startsWith("poison-flow-")).toList();
    }

    /** {@code poison-fix-requests-wrong-type} → {@code fix-requests}. */
    static String inputOf(String key) {
        String rest = key.substring("poison-".length());
        for (String kind : List.of("-garbage", "-unknown-schema-id", "-wrong-type", "-oversized")) {
            if (rest.endsWith(kind)) {
                return rest.substring(0, rest.length() - kind.length());
            }
        }
        throw new IllegalArgumentException("not a poison key: " + key);
    }

    /**
     * The stage loops check the size before reading (OVERSIZED); the verifier's Streams topology has no size guard, so
     * its oversized record fails as wire format (magic byte 0, then a schema id nobody issued).
     */
    static String expectedReason(String key) {
        String input = inputOf(key);
        String kind = key.substring(("poison-" + input + "-").length());
        return switch (kind) {
            case "garbage" -> "NOT_WIRE_FORMAT";
            case "unknown-schema-id" -> "UNKNOWN_SCHEMA_ID";
            case "wrong-type" -> "INCOMPATIBLE_SCHEMA";
            case "oversized" -> INPUT_TOPICS_OF_STAGE_LOOPS.contains(input) ? "OVERSIZED" : "UNKNOWN_SCHEMA_ID";
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private void record(String prefix, String label) {
        OutcomeLedger.Tally tally = stack.ledger.tally(prefix);
        int reread = stack.observer.rereadRecords() - rereadReported;
        rereadReported += reread;
        String line = tally.line(label) + (reread > 0
                ? " (the observer re-read " + reread + " records at offsets already seen, not counted)" : "");
        System.out.println(line);
        summary.add(line);
    }

    private void assertExactlyOnce(String prefix) {
        OutcomeLedger.Tally tally = stack.ledger.tally(prefix);
        assertThat(tally.lost()).as("lost requests of %s: %s", prefix, stack.ledger.missing(prefix)).isZero();
        assertThat(tally.duplicated()).as("requests of %s with more than one outcome", prefix).isZero();
        assertThat(tally.stray()).as("outcomes for requests never submitted").isZero();
        assertThat(tally.exactlyOnce()).isTrue();
    }
}
