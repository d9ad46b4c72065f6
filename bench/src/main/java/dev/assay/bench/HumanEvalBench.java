package dev.assay.bench;

import dev.assay.executor.humaneval.HumanEvalProblem;
import dev.assay.avro.ArtifactKind;
import dev.assay.avro.AssayRequest;
import dev.assay.avro.AssembledContext;
import dev.assay.avro.ExecutionResult;
import dev.assay.avro.ExecutionStatus;
import dev.assay.avro.Generation;
import dev.assay.avro.GenerationStatus;
import dev.assay.avro.TestCaseResult;
import dev.assay.avro.TestStatus;
import dev.assay.avro.Verdict;
import dev.assay.devstack.DevStack;
import dev.assay.schemas.Topics;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * HumanEval's canonical solutions as {@link Generation}s through the real executor and verifier services on the
 * embedded stack: each problem is produced to the generations topic, run in the sandbox by the executor's stage loop,
 * judged by the verifier's Kafka Streams topology, and read back from the executions and verdicts topics. No model:
 * the generator is bypassed on purpose, so the figures are execution and verification alone.
 */
public final class HumanEvalBench {

    /** The sandboxed side's figures for one language. */
    public record SandboxedRun(ResourceMeter.Usage usage, List<ExecutionResult> executions, List<Verdict> verdicts,
            Stats executionMillis, Stats endToEndMillis, int problemsPassed, int verdictsPassed, List<String> notPassed,
            String backend, boolean complete) {
    }

    private final DevStack stack;
    private final Duration timeout;

    public HumanEvalBench(DevStack stack, Duration timeout) {
        this.stack = stack;
        this.timeout = timeout;
    }

    public SandboxedRun run(List<HumanEvalProblem> problems) throws Exception {
        Topics topics = stack.topics();
        Map<String, Object> props = dev.assay.runtime.CommonSettings.from("bench", stack.config()).kafkaClientProperties();
        Map<String, HumanEvalProblem> byId = problems.stream().collect(Collectors.toMap(HumanEvalProblem::requestId, Function.identity()));
        Map<String, Long> sentNanos = new HashMap<>();
        try (TopicRecorder recorder = new TopicRecorder(props, List.of(topics.executions(), topics.verdicts()));
             KafkaProducer<String, Generation> producer = new KafkaProducer<>(props, new StringSerializer(),
                     topics.generations().valueSerde().serializer())) {
            // One problem through first, untimed: schema registration, group joins and the first sandbox start are
            // not part of the figures.
            Generation warmUp = generation(problems.getFirst());
            String warmUpId = problems.getFirst().requestId() + "-warmup-" + System.nanoTime();
            warmUp.setRequestId(warmUpId);
            warmUp.getContext().setRequestId(warmUpId);
            warmUp.getContext().getRequest().setRequestId(warmUpId);
            producer.send(new ProducerRecord<>(topics.generations().name(), warmUpId, warmUp));
            recorder.await(topics.verdicts(), seen -> seen.stream().anyMatch(s -> warmUpId.equals(s.key())), timeout);
            ResourceMeter meter = ResourceMeter.start();
            for (HumanEvalProblem problem : problems) {
                sentNanos.put(problem.requestId(), System.nanoTime());
                producer.send(new ProducerRecord<>(topics.generations().name(), problem.requestId(), generation(problem)));
            }
            producer.flush();
            boolean complete = recorder.await(topics.verdicts(), seen -> seen.stream().map(TopicRecorder.Seen::key)
                    .collect(Collectors.toSet()).containsAll(byId.keySet()), timeout);
            ResourceMeter.Usage usage = meter.stop();

            List<TopicRecorder.Seen<ExecutionResult>> executions = recorder.seen(topics.executions()).stream()
                    .filter(s -> byId.containsKey(s.key())).toList();
            List<TopicRecorder.Seen<Verdict>> verdicts = recorder.seen(topics.verdicts()).stream()
                    .filter(s -> byId.containsKey(s.key())).toList();
            List<Long> endToEnd = new ArrayList<>();
            verdicts.forEach(v -> endToEnd.add((v.receivedNanos() - sentNanos.get(v.key())) / 1_000_000));
            List<String> notPassed = new ArrayList<>();
            int problemsPassed = 0;
            for (TopicRecorder.Seen<ExecutionResult> seen : executions) {
                ExecutionResult r = seen.value();
                HumanEvalProblem problem = byId.get(seen.key());
                boolean passed = r.getStatus() == ExecutionStatus.PASSED && r.getTests().stream()
                        .anyMatch(t -> t.getName().equals(problem.testName()) && t.getStatus() == TestStatus.PASSED);
                if (passed) {
                    problemsPassed++;
                } else {
                    notPassed.add(problem.taskId() + ": " + r.getStatus() + " " + oneLine(r.getDetail()) + " "
                            + r.getTests().stream().filter(t -> t.getStatus() != TestStatus.PASSED)
                                    .map(TestCaseResult::getMessage).map(HumanEvalBench::oneLine).collect(Collectors.joining("; ")));
                }
            }
            int verdictsPassed = 0;
            for (TopicRecorder.Seen<Verdict> v : verdicts) {
                if (v.value().getPassed()) {
                    verdictsPassed++;
                } else {
                    notPassed.add(byId.get(v.key()).taskId() + " verdict: " + v.value().getSummary());
                }
            }
            String backend = executions.isEmpty() ? "?" : executions.getFirst().value().getBackend();
            return new SandboxedRun(usage, executions.stream().map(TopicRecorder.Seen::value).toList(),
                    verdicts.stream().map(TopicRecorder.Seen::value).toList(),
                    Stats.of(executions.stream().map(s -> s.value().getDurationMs()).toList()), Stats.of(endToEnd),
                    problemsPassed, verdictsPassed, notPassed, backend, complete);
        }
    }

    /** The generation a model would have produced with the canonical solution; one attempt, no fix loop. */
    static Generation generation(HumanEvalProblem problem) {
        AssayRequest request = AssayRequest.newBuilder().setRequestId(problem.requestId()).setTenant("bench")
                .setTask("HumanEval " + problem.taskId()).setLanguage(problem.language())
                .setArtifactKind(ArtifactKind.LIBRARY_CODE).setFiles(new ArrayList<>(problem.requestFiles()))
                .setMaxAttempts(1).setMetadata(Map.of("benchmark", "humaneval")).setSubmittedAt(Instant.now()).build();
        AssembledContext context = AssembledContext.newBuilder().setRequestId(problem.requestId()).setRequest(request)
                .setAssembledAt(Instant.now()).build();
        return Generation.newBuilder().setRequestId(problem.requestId()).setAttempt(1).setContext(context)
                .setStatus(GenerationStatus.OK).setFiles(new ArrayList<>(problem.solutionFiles())).setProvider("bench")
                .setModel("canonical-solution").setScripted(true).setGeneratedAt(Instant.now()).build();
    }

    static String oneLine(String text) {
        if (text == null) {
            return "";
        }
        String line = text.strip().replaceAll("\\s+", " ");
        return line.length() > 160 ? line.substring(0, 160) + "…" : line;
    }

    /** Prints the side-by-side report and the ratio lines. */
    public static void report(PrintStream out, String language, int problems, SandboxedRun sandboxed,
            List<ReferenceRunner.Result> reference, ResourceMeter.Usage referenceUsage) {
        long refPassed = reference.stream().filter(ReferenceRunner.Result::passed).count();
        Stats refMillis = Stats.of(reference.stream().map(ReferenceRunner.Result::durationMs).toList());
        double sandboxWall = sandboxed.usage().wall().toMillis() / 1000.0;
        double refWall = referenceUsage.wall().toMillis() / 1000.0;
        out.printf("%n== HumanEval %s: %d problems ==%n", language, problems);
        out.printf("reference (unsandboxed, one process per problem): passed=%d failed=%d%n", refPassed, reference.size() - refPassed);
        out.printf("  %s%n  throughput %.2f problems/s; per problem %s%n", referenceUsage.line(), problems / refWall, refMillis.line());
        out.printf("sandboxed (%s, through Kafka: generations -> executor -> executions -> verifier -> verdicts)%s:%n",
                sandboxed.backend(), sandboxed.complete() ? "" : " INCOMPLETE (timed out)");
        out.printf("  executions passed=%d failed=%d; verdicts passed=%d failed=%d%n", sandboxed.problemsPassed(),
                sandboxed.executions().size() - sandboxed.problemsPassed(), sandboxed.verdictsPassed(),
                sandboxed.verdicts().size() - sandboxed.verdictsPassed());
        out.printf("  %s%n  throughput %.2f problems/s%n", sandboxed.usage().line(), problems / sandboxWall);
        out.printf("  per execution (sandbox run, executor's durationMs): %s%n", sandboxed.executionMillis().line());
        out.printf("  per problem end to end (produce -> verdict read back): %s%n", sandboxed.endToEndMillis().line());
        out.printf("ratio sandboxed/reference wall: %.2fx%n", sandboxWall / refWall);
        out.printf("ratio sandboxed/reference CPU: %.2fx%n", (double) sandboxed.usage().cpu().toMillis()
                / Math.max(1, referenceUsage.cpu().toMillis()));
        out.printf("ratio sandboxed/reference p50 per problem: %.2fx%n", sandboxed.executionMillis().p50() / refMillis.p50());
        out.printf("ratio sandboxed/reference peak RSS: %.2fx%n", (double) sandboxed.usage().peakRssBytes()
                / Math.max(1, referenceUsage.peakRssBytes()));
        reference.stream().filter(r -> !r.passed()).forEach(r -> out.printf("  reference failed %s: %s%n", r.taskId(), oneLine(r.detail())));
        sandboxed.notPassed().forEach(line -> out.printf("  sandboxed not passed %s%n", line));
    }
}
