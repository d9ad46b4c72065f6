package dev.assay.bench;

import dev.assay.executor.humaneval.HumanEvalDataset;
import dev.assay.executor.humaneval.HumanEvalProblem;
import dev.assay.avro.Language;
import dev.assay.devstack.DevStack;
import dev.assay.devstack.PipelineServices;
import dev.assay.executor.ExecutorConfig;
import dev.assay.runtime.AssayConfig;
import dev.assay.runtime.CommonSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./assay bench humaneval}, {@code pipeline}, {@code context} and {@code context-recall}. */
@Command(name = "assay bench", mixinStandardHelpOptions = true, subcommands = {BenchMain.HumanEval.class, BenchMain.Pipeline.class, ContextCommand.class,
        ContextRecallCommand.class},
        description = "Benchmarks on the embedded stack, each next to a plain reference measured in the same run.")
public final class BenchMain {

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchMain()).execute(args));
    }

    @Command(name = "humaneval", mixinStandardHelpOptions = true,
            description = "HumanEval canonical solutions through executor and verifier (sandboxed, via Kafka) vs one "
                    + "unsandboxed process per problem.")
    static final class HumanEval implements Callable<Integer> {
        @Option(names = "--languages", split = ",", defaultValue = "PYTHON,JAVA,JAVASCRIPT",
                description = "Languages to run (default: ${DEFAULT-VALUE}).")
        List<Language> languages;

        @Option(names = "--limit", defaultValue = "164", description = "First N problems per language (default: ${DEFAULT-VALUE}, all).")
        int limit;

        @Option(names = "--parallelism", defaultValue = "2",
                description = "Sandboxes at once (executor.slots) and reference processes at once (default: ${DEFAULT-VALUE}).")
        int parallelism;

        @Option(names = "--data", defaultValue = "../shared/benchmarks/humaneval-x", description = "Dataset directory (default: ${DEFAULT-VALUE}).")
        Path data;

        @Option(names = "--reference-timeout", defaultValue = "PT60S", description = "Per-problem timeout of the reference (default: ${DEFAULT-VALUE}).")
        Duration referenceTimeout;

        @Option(names = "--timeout", defaultValue = "PT60M", description = "Longest wait for all verdicts of a language (default: ${DEFAULT-VALUE}).")
        Duration timeout;

        @Override
        public Integer call() throws Exception {
            PrintStream out = System.out;
            Path dir = Files.createTempDirectory("assay-bench-");
            out.println("machine: " + Machine.describe());
            AssayConfig base = baseConfig(dir, 3).with(Map.of("executor.slots", Integer.toString(parallelism),
                    // Java problems compile inside the sandbox; a loaded machine needs more than the 30 s default.
                    "executor.timeout.seconds", Long.toString(Math.max(60, referenceTimeout.toSeconds()))));
            ExecutorConfig toolchains = ExecutorConfig.from(base);
            boolean allPassed = true;
            try {
                List<Run> runs = new ArrayList<>();
                // The reference runs first, with nothing else on the machine: no broker, no services.
                ReferenceRunner reference = new ReferenceRunner(toolchains.python(), toolchains.javaHome(), toolchains.node(),
                        referenceTimeout, parallelism, Files.createDirectories(dir.resolve("reference")));
                for (Language language : languages) {
                    List<HumanEvalProblem> problems = HumanEvalDataset.load(data, language, limit);
                    ResourceMeter meter = ResourceMeter.start();
                    List<ReferenceRunner.Result> results = reference.runAll(problems);
                    runs.add(new Run(language, problems, results, meter.stop()));
                }
                out.println("load average after the reference runs: " + Machine.loadAverage());
                try (DevStack stack = new DevStack(dir.resolve("stack"), base)) {
                    stack.start();
                    HumanEvalBench bench = new HumanEvalBench(stack, timeout);
                    for (Run run : runs) {
                        HumanEvalBench.SandboxedRun sandboxed = bench.run(run.problems());
                        HumanEvalBench.report(out, run.language().name(), run.problems().size(), sandboxed, run.reference(), run.usage());
                        allPassed &= sandboxed.complete();
                    }
                }
                out.println("load average at the end: " + Machine.loadAverage());
                return allPassed ? 0 : 1;
            } finally {
                deleteTree(dir);
            }
        }

        private record Run(Language language, List<HumanEvalProblem> problems, List<ReferenceRunner.Result> reference,
                ResourceMeter.Usage usage) {
        }
    }

    @Command(name = "pipeline", mixinStandardHelpOptions = true,
            description = "N requests end to end through all four services (scripted provider, trivial test) vs a raw Kafka hop.")
    static final class Pipeline implements Callable<Integer> {
        @Option(names = "--requests", defaultValue = "200", description = "Requests (default: ${DEFAULT-VALUE}).")
        int requests;

        @Option(names = "--partitions", defaultValue = "3", description = "Partitions per pipeline topic (default: ${DEFAULT-VALUE}).")
        int partitions;

        @Option(names = "--instances", defaultValue = "1", description = "Instances of each service, all in this JVM (default: ${DEFAULT-VALUE}).")
        int instances;

        @Option(names = "--slots", defaultValue = "2", description = "Sandboxes at once per executor instance (default: ${DEFAULT-VALUE}).")
        int slots;

        @Option(names = "--hop-records", defaultValue = "200", description = "Records for each raw Kafka hop measurement (default: ${DEFAULT-VALUE}).")
        int hopRecords;

        @Option(names = "--timeout", defaultValue = "PT30M", description = "Longest wait for all outcomes (default: ${DEFAULT-VALUE}).")
        Duration timeout;

        @Option(names = "--interval", defaultValue = "PT0S",
                description = "Pause between submissions (default: ${DEFAULT-VALUE}, all at once); e.g. PT0.5S for "
                        + "the latency of requests that do not queue behind each other.")
        Duration interval;

        @Option(names = "--no-sandbox", description = "Requests the execution policy never runs (MIGRATION): the pipeline alone, "
                + "each request ending FAILED (no tests ran) after one pass through all four services.")
        boolean noSandbox;

        @Option(names = "--candidates", defaultValue = "1",
                description = "Candidates per attempt (generator.candidates): each one a model call and a sandbox run; "
                        + "the first to pass wins (default: ${DEFAULT-VALUE}).")
        int candidates;

        @Override
        public Integer call() throws Exception {
            PrintStream out = System.out;
            Path dir = Files.createTempDirectory("assay-bench-");
            out.println("machine: " + Machine.describe());
            List<PipelineServices> extra = new ArrayList<>();
            try {
                Path completions = PipelineBench.scriptedDir(dir);
                AssayConfig base = baseConfig(dir, partitions).with(Map.of("generator.scripted.dir", completions.toString(),
                        "executor.slots", Integer.toString(slots), "generator.candidates", Integer.toString(candidates),
                        "generator.candidates.max", Integer.toString(Math.max(4, candidates))));
                try (DevStack stack = new DevStack(dir.resolve("stack"), base)) {
                    stack.start();
                    for (int i = 2; i <= instances; i++) {
                        // Distinct instance ids (so distinct transactional ids) and state directories; same groups.
                        extra.add(PipelineServices.start(stack.config().with(Map.of("instance.id.prefix", "bench" + i,
                                "verifier.state.dir", dir.resolve("streams-" + i).toString()))));
                    }
                    PipelineBench bench = new PipelineBench(stack, completions, timeout, !noSandbox);
                    // A short warm-up run so JIT and group joins are not in the figures.
                    bench.run("warmup", Math.min(10, requests), Duration.ZERO);
                    PipelineBench.Result result = bench.run("measured", requests, interval);
                    KafkaHop.Result hop = KafkaHop.measure(CommonSettings.from("bench", stack.config()).kafkaClientProperties(), hopRecords);
                    PipelineBench.report(out, partitions + " partitions, " + instances + " instance(s) per service"
                            + (noSandbox ? ", no sandbox" : "") + (interval.isZero() ? "" : ", one every " + interval)
                            + (candidates == 1 ? "" : ", " + candidates + " candidates per attempt"), result, hop);
                    extra.forEach(PipelineServices::close);
                    extra.clear();
                    out.println("load average at the end: " + Machine.loadAverage());
                    return result.complete() ? 0 : 1;
                }
            } finally {
                extra.forEach(PipelineServices::close);
                deleteTree(dir);
            }
        }
    }

    /** The environment's settings (ASSAY_*, -Dassay.*), with the stack's partitions and an empty completions dir. */
    static AssayConfig baseConfig(Path dir, int partitions) throws IOException {
        AssayConfig config = AssayConfig.fromEnvironment(new String[0]);
        return config.with(Map.of(
                "generator.scripted.dir", Files.createDirectories(dir.resolve("no-completions")).toString(),
                "devstack.partitions", Integer.toString(partitions)));
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
