package dev.assay.devstack;

import dev.assay.avro.ApprovalRequest;
import dev.assay.avro.AssayRequest;
import dev.assay.avro.GateDecision;
import dev.assay.avro.AuditEvent;
import dev.assay.avro.Outcome;
import dev.assay.runtime.AssayConfig;
import dev.assay.schemas.Topics;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code assay demo} and {@code assay up}: the embedded default from the command line. */
@Command(name = "assay", mixinStandardHelpOptions = true, subcommands = {DevMain.Demo.class, DevMain.Up.class},
        description = "Assay on the embedded default: a real Kafka broker, schema registry and all four services in one command.")
public final class DevMain {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    public static void main(String[] args) {
        System.exit(new CommandLine(new DevMain()).execute(args));
    }

    /** Options both commands share. */
    static class StackOptions {
        @Option(names = "--data-dir", description = "Where the broker and state stores keep data (default: a new temporary folder, removed at exit).")
        Path dataDir;

        @Option(names = "--completions", defaultValue = "examples/completions",
                description = "Canned completions for the scripted provider (default: ${DEFAULT-VALUE}).")
        Path completions;

        @Option(names = "--metrics-base-port", defaultValue = "0",
                description = "First of four ports for the services' /metrics and health endpoints (0: any free ports).")
        int metricsBasePort;

        DevStack open() throws IOException {
            Path dir = dataDir != null ? dataDir : Files.createTempDirectory("assay-dev-");
            AssayConfig config = AssayConfig.fromEnvironment(new String[0]);
            config = config.with(Map.of(
                    "generator.scripted.dir", config.string("generator.scripted.dir", completions.toAbsolutePath().toString()),
                    "devstack.metrics.base.port", Integer.toString(metricsBasePort)));
            return new DevStack(dir, config);
        }

        void cleanUp(DevStack stack) throws IOException {
            if (dataDir == null) {
                try (Stream<Path> paths = Files.walk(stack.dataDir())) {
                    paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    @Command(name = "demo", mixinStandardHelpOptions = true,
            description = "Start the stack, submit the example requests, show each one's progress and outcome, stop.")
    static final class Demo implements Callable<Integer> {
        @CommandLine.Mixin
        StackOptions stackOptions = new StackOptions();

        @Option(names = "--requests", defaultValue = "examples/requests", description = "Request file or folder (default: ${DEFAULT-VALUE}).")
        Path requests;

        @Option(names = "--timeout", defaultValue = "PT5M", description = "How long to wait for all outcomes (ISO-8601, default: ${DEFAULT-VALUE}).")
        Duration timeout;

        @Option(names = "--linger", defaultValue = "PT0S",
                description = "Keep the stack up this long after the summary, e.g. for a Prometheus scrape (ISO-8601, default: ${DEFAULT-VALUE}).")
        Duration linger;

        @Override
        public Integer call() throws Exception {
            PrintStream out = System.out;
            List<AssayRequest> submitted = RequestFiles.readAll(requests);
            DevStack stack = stackOptions.open();
            out.println("Assay demo: embedded Kafka, schema registry and four services; sandbox and model as configured.");
            try (stack) {
                stack.start();
                out.println("Model: " + modelDescription(stack.config()));
                out.printf("Kafka %s · registry %s · metrics %s%n", stack.bootstrapServers(), stack.registryUrl(),
                        stack.metricsPorts().entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(" ")));
                Topics topics = stack.topics();
                int width = submitted.stream().mapToInt(r -> r.getRequestId().length()).max().orElse(10);
                try (PipelineWatcher watcher = new PipelineWatcher(kafkaProps(stack), topics, e -> print(out, width, e));
                     KafkaProducer<String, AssayRequest> producer = new KafkaProducer<>(kafkaProps(stack),
                             new StringSerializer(), topics.requests().valueSerde().serializer())) {
                    for (AssayRequest request : submitted) {
                        producer.send(new ProducerRecord<>(topics.requests().name(), request.getRequestId(), request)).get();
                        out.printf("%s  %-" + width + "s  SUBMITTED  %s%n", now(), request.getRequestId(), request.getTask());
                    }
                    List<String> ids = submitted.stream().map(AssayRequest::getRequestId).toList();
                    boolean complete = watcher.awaitSettled(ids, timeout);
                    printSummary(out, width, ids, watcher);
                    if (!linger.isZero()) {
                        out.println("Stack stays up for " + linger + " (metrics " + stack.metricsPorts() + ")");
                        Thread.sleep(linger);
                    }
                    if (!complete) {
                        out.println("Timed out after " + timeout + " waiting for outcomes.");
                        return 1;
                    }
                    return 0;
                }
            } finally {
                stackOptions.cleanUp(stack);
            }
        }
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = "Start the stack and keep it running until Ctrl-C; prints the endpoints to point clients at.")
    static final class Up implements Callable<Integer> {
        @CommandLine.Mixin
        StackOptions stackOptions = new StackOptions();

        @Override
        public Integer call() throws Exception {
            DevStack stack = stackOptions.open();
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stack.close();
                stop.countDown();
            }, "assay-up-shutdown"));
            stack.start();
            System.out.printf("Assay is up.%n  kafka.bootstrap.servers=%s%n  registry.url=%s%n  metrics ports=%s%nModel: %s%nCtrl-C stops it.%n",
                    stack.bootstrapServers(), stack.registryUrl(), stack.metricsPorts(), modelDescription(stack.config()));
            stop.await();
            return 0;
        }
    }

    private static Map<String, Object> kafkaProps(DevStack stack) {
        return dev.assay.runtime.CommonSettings.from("demo", stack.config()).kafkaClientProperties();
    }

    static String modelDescription(AssayConfig config) {
        String provider = config.string("generator.provider", "scripted");
        return "scripted".equals(provider)
                ? "scripted provider: canned completions from " + config.string("generator.scripted.dir", "?") + " (no model is called)"
                : provider + " " + config.string("generator.model", "");
    }

    private static void print(PrintStream out, int width, PipelineWatcher.Event event) {
        String line = switch (event) {
            case PipelineWatcher.AuditSeen(AuditEvent e) -> String.format("%-" + width + "s  %s%s  [%s] %s", e.getRequestId(),
                    e.getType(), e.getAttempt() > 0 ? " #" + e.getAttempt() : "", e.getService(), e.getDetail());
            case PipelineWatcher.OutcomeSeen(Outcome o) -> String.format("%-" + width + "s  OUTCOME %s after %d attempt(s), risk %s%s: %s",
                    o.getRequestId(), o.getStatus(), o.getAttempts(), o.getRiskLevel(),
                    o.getDecidedBy() == null ? "" : ", by " + o.getDecidedBy(), o.getReason());
            case PipelineWatcher.ApprovalSeen(ApprovalRequest a) -> String.format("%-" + width + "s  AT THE GATE: risk %s (score %d) → %s%s",
                    a.getRequestId(), a.getRiskLevel(), a.getRiskScore(), a.getDecision(),
                    a.getDecision() == GateDecision.AUTO_APPROVE ? "" : "; waits for a person: " + String.join("; ", a.getReasons()));
            case PipelineWatcher.DeadLetterSeen d -> String.format("%-" + width + "s  DEAD-LETTER from %s (%s, %s): %s", "-",
                    d.sourceTopic(), d.service(), d.reason(), d.message());
        };
        synchronized (out) {
            out.println(now() + "  " + line);
        }
    }

    private static void printSummary(PrintStream out, int width, List<String> ids, PipelineWatcher watcher) {
        out.println();
        out.println("Summary");
        for (String id : ids) {
            List<Outcome> outcomes = watcher.outcomes(id);
            String stages = watcher.audit(id).stream()
                    .map(e -> e.getType() + (e.getAttempt() > 0 ? "#" + e.getAttempt() : ""))
                    .collect(Collectors.joining(" → "));
            String result = outcomes.isEmpty()
                    ? watcher.heldForReview(id).map(a -> "HELD for human review (risk " + a.getRiskLevel() + ", " + a.getDecision()
                            + "): approve or reject it on the approval-decisions topic").orElse("NO OUTCOME")
                    : outcomes.getFirst().getStatus() + " after " + outcomes.getFirst().getAttempts() + " attempt(s)"
                    + (outcomes.getFirst().getCandidate() > 0 ? ", candidate " + outcomes.getFirst().getCandidate() : "")
                    + (outcomes.size() > 1 ? " (" + outcomes.size() + " outcomes!)" : "");
            out.printf("  %-" + width + "s  %s%n  %-" + width + "s    %s%n", id, result, "", stages);
        }
    }

    private static String now() {
        return LocalTime.now(ZoneId.systemDefault()).format(CLOCK);
    }
}
