package dev.assay.bench;

import dev.assay.avro.ArtifactKind;
import dev.assay.avro.AssayRequest;
import dev.assay.avro.AssembledContext;
import dev.assay.avro.ExecutionResult;
import dev.assay.avro.Generation;
import dev.assay.avro.Language;
import dev.assay.avro.Outcome;
import dev.assay.avro.OutcomeStatus;
import dev.assay.avro.SourceFile;
import dev.assay.devstack.DevStack;
import dev.assay.schemas.Topics;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * N requests end to end through all four services with the scripted provider (zero model latency) and a one-line
 * test, so what is measured is the pipeline itself: Kafka hops, transactions, Avro, the registry, the stage loops,
 * Kafka Streams — plus one trivial sandboxed run per request, reported separately.
 *
 * <p>Per-stage latency comes from the records' own timestamps, written by each service as it handles the record:
 * request {@code submittedAt} → context {@code assembledAt} → generation {@code generatedAt} → execution
 * {@code executedAt} → outcome {@code completedAt}. Each stage's figure therefore includes the hop into it (waiting on
 * the previous stage's transaction commit and the poll).
 */
public final class PipelineBench {
    static final String SOLUTION = """
            ```python path=bench_add.py
            def add(a, b):
                return a + b
            ```
            """;
    static final String TEST = "from bench_add import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n";

    /** The figures of one run. */
    public record Result(int requests, int outcomes, int approved, ResourceMeter.Usage usage, Map<String, Stats> stages,
            Stats sandboxMillis, Stats endToEndMillis, Stats withoutSandboxMillis, boolean complete) {
        public double requestsPerSecond() {
            return outcomes / (usage.wall().toMillis() / 1000.0);
        }
    }

    private final DevStack stack;
    private final Path scriptedDir;
    private final Duration timeout;
    private final ArtifactKind kind;

    /**
     * @param scriptedDir the directory the stack's scripted provider reads ({@code generator.scripted.dir})
     * @param sandbox     false: the requests are MIGRATIONs, which the execution policy never runs, so the figures are
     *                    the pipeline alone (each request then ends FAILED: "no tests ran", still exactly one outcome)
     */
    public PipelineBench(DevStack stack, Path scriptedDir, Duration timeout, boolean sandbox) {
        this.stack = stack;
        this.scriptedDir = scriptedDir;
        this.timeout = timeout;
        this.kind = sandbox ? ArtifactKind.UNIT_TEST : ArtifactKind.MIGRATION;
    }

    /**
     * Submits {@code n} requests, {@code interval} apart (zero: all at once, for throughput; spaced out, for the
     * latency of a request that does not queue behind others), and waits for their outcomes.
     */
    public Result run(String runId, int n, Duration interval) throws Exception {
        Topics topics = stack.topics();
        Map<String, Object> props = dev.assay.runtime.CommonSettings.from("bench", stack.config()).kafkaClientProperties();
        List<AssayRequest> requests = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = "bench-" + runId + "-" + i;
            Files.writeString(scriptedDir.resolve(id + ".attempt-1.md"), SOLUTION);
            requests.add(request(id, kind));
        }
        Map<String, AssayRequest> byId = requests.stream().collect(Collectors.toMap(AssayRequest::getRequestId, Function.identity()));
        Map<String, Long> sentNanos = new HashMap<>();
        try (TopicRecorder recorder = new TopicRecorder(props, List.of(topics.contexts(), topics.generations(),
                topics.executions(), topics.outcomes()));
             KafkaProducer<String, AssayRequest> producer = new KafkaProducer<>(props, new StringSerializer(),
                     topics.requests().valueSerde().serializer())) {
            topics.requests().valueSerde().serializer().serialize(topics.requests().name(), requests.getFirst());
            ResourceMeter meter = ResourceMeter.start();
            for (AssayRequest request : requests) {
                request.setSubmittedAt(Instant.now());
                sentNanos.put(request.getRequestId(), System.nanoTime());
                producer.send(new ProducerRecord<>(topics.requests().name(), request.getRequestId(), request));
                if (!interval.isZero()) {
                    producer.flush();
                    Thread.sleep(interval);
                }
            }
            producer.flush();
            boolean complete = recorder.await(topics.outcomes(), seen -> seen.stream().map(TopicRecorder.Seen::key)
                    .filter(byId::containsKey).collect(Collectors.toSet()).size() == n, timeout);
            ResourceMeter.Usage usage = meter.stop();

            // With several candidates per attempt the stages are timed along the candidate that won.
            Map<String, Integer> winner = new HashMap<>();
            recorder.seen(topics.outcomes()).forEach(o -> winner.put(o.key(), o.value().getCandidate()));
            Map<String, Instant> assembled = latest(recorder.seen(topics.contexts()), byId, AssembledContext::getAssembledAt);
            Map<String, Instant> generated = latest(ofWinner(recorder.seen(topics.generations()), winner, Generation::getCandidate),
                    byId, Generation::getGeneratedAt);
            List<TopicRecorder.Seen<ExecutionResult>> winningExecutions = ofWinner(recorder.seen(topics.executions()), winner,
                    e -> e.getGeneration().getCandidate());
            Map<String, Instant> executed = latest(winningExecutions, byId, ExecutionResult::getExecutedAt);
            Map<String, Instant> completed = latest(recorder.seen(topics.outcomes()), byId, Outcome::getCompletedAt);
            Map<String, Stats> stages = new LinkedHashMap<>();
            stages.put("context-assembler (request -> context)", between(byId.keySet(), id -> byId.get(id).getSubmittedAt(), assembled::get));
            stages.put("generator (context -> generation)", between(byId.keySet(), assembled::get, generated::get));
            stages.put("executor (generation -> execution)", between(byId.keySet(), generated::get, executed::get));
            stages.put("verifier (execution -> outcome)", between(byId.keySet(), executed::get, completed::get));
            List<Long> endToEnd = new ArrayList<>();
            List<TopicRecorder.Seen<Outcome>> outcomes = recorder.seen(topics.outcomes()).stream().filter(s -> byId.containsKey(s.key())).toList();
            outcomes.forEach(o -> endToEnd.add((o.receivedNanos() - sentNanos.get(o.key())) / 1_000_000));
            int approved = (int) outcomes.stream().filter(o -> o.value().getStatus() == OutcomeStatus.APPROVED).count();
            Map<String, Long> sandboxById = new HashMap<>();
            winningExecutions.stream().filter(s -> byId.containsKey(s.key()))
                    .forEach(s -> sandboxById.put(s.key(), s.value().getDurationMs()));
            List<Long> withoutSandbox = new ArrayList<>();
            outcomes.forEach(o -> withoutSandbox.add((o.receivedNanos() - sentNanos.get(o.key())) / 1_000_000
                    - sandboxById.getOrDefault(o.key(), 0L)));
            return new Result(n, outcomes.size(), approved, usage, stages, Stats.of(sandboxById.values()), Stats.of(endToEnd),
                    Stats.of(withoutSandbox), complete);
        }
    }

    /** The records of each request's winning candidate; all of them for requests no candidate won (candidate 0). */
    private static <V> List<TopicRecorder.Seen<V>> ofWinner(List<TopicRecorder.Seen<V>> seen, Map<String, Integer> winner,
            Function<V, Integer> candidate) {
        return seen.stream().filter(s -> winner.getOrDefault(s.key(), 0) == 0
                || winner.get(s.key()).equals(candidate.apply(s.value()))).toList();
    }

    private static <V> Map<String, Instant> latest(List<TopicRecorder.Seen<V>> seen, Map<String, ?> ids, Function<V, Instant> at) {
        Map<String, Instant> out = new HashMap<>();
        seen.stream().filter(s -> ids.containsKey(s.key())).forEach(s -> out.put(s.key(), at.apply(s.value())));
        return out;
    }

    private static Stats between(Iterable<String> ids, Function<String, Instant> from, Function<String, Instant> to) {
        List<Long> millis = new ArrayList<>();
        for (String id : ids) {
            Instant a = from.apply(id);
            Instant b = to.apply(id);
            if (a != null && b != null) {
                millis.add(Duration.between(a, b).toMillis());
            }
        }
        return Stats.of(millis);
    }

    static AssayRequest request(String id, ArtifactKind kind) {
        return AssayRequest.newBuilder().setRequestId(id).setTenant("bench").setTask("Write add(a, b) in bench_add.py.")
                .setLanguage(Language.PYTHON).setArtifactKind(kind).setTargetPaths(List.of("bench_add.py"))
                .setFiles(List.of(new SourceFile("test_bench_add.py", TEST))).setMaxAttempts(1)
                .setMetadata(Map.of("benchmark", "pipeline")).setSubmittedAt(Instant.now()).build();
    }

    /** The scripted provider's directory for a run, under the run's own directory. */
    public static Path scriptedDir(Path dir) throws IOException {
        return Files.createDirectories(dir.resolve("completions"));
    }

    public static void report(PrintStream out, String label, Result r, KafkaHop.Result hop) {
        out.printf("%n== pipeline overhead %s: %d requests ==%n", label, r.requests());
        out.printf("outcomes=%d approved=%d (%s)%s%n", r.outcomes(), r.approved(),
                r.sandboxMillis().count() == 0 || r.approved() < r.outcomes() ? "sandbox skipped or tests failed: see the stages" : "each with a sandboxed test run per candidate",
                r.complete() ? "" : " INCOMPLETE (timed out)");
        out.printf("  %s%n  throughput %.2f requests/s%n", r.usage().line(), r.requestsPerSecond());
        r.stages().forEach((stage, stats) -> out.printf("  %-40s %s%n", stage, stats.line()));
        out.printf("  %-40s %s%n", "of which sandbox run (executor durationMs)", r.sandboxMillis().line());
        out.printf("  %-40s %s%n", "end to end (produce -> outcome read back)", r.endToEndMillis().line());
        out.printf("  %-40s %s%n", "end to end minus the request's sandbox run", r.withoutSandboxMillis().line());
        if (hop != null) {
            out.printf("  %-40s %s%n", "raw Kafka hop (produce -> consume)", hop.plain().line());
            out.printf("  %-40s %s%n", "raw transactional relay hop", hop.transactional().line());
            // Four stages, each at least one transactional consume-produce-commit: the floor for a request.
            double floor = 4 * hop.transactional().p50();
            out.printf("ratio end-to-end minus sandbox p50 / (4 x transactional relay hop p50 = %.1f ms): %.1fx%n", floor,
                    r.withoutSandboxMillis().p50() / Math.max(0.1, floor));
        }
    }
}
