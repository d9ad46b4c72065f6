package dev.assay.bench;

import dev.assay.executor.humaneval.HumanEvalProblem;
import dev.assay.avro.Language;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The plain reference the sandboxed run is compared with, as the official evaluators do it: one unsandboxed process
 * per problem with a timeout (OpenAI human-eval: {@code python3} on prompt + completion + test + {@code check(entry)};
 * CodeGeeX HumanEval-X: {@code javac} then {@code java}, and {@code node}). Passed means exit code 0 within the
 * timeout. {@code parallelism} processes run at once, like human-eval's worker pool.
 */
public final class ReferenceRunner {
    private final Path python;
    private final Path javaHome;
    private final Path node;
    private final Duration timeout;
    private final int parallelism;
    private final Path scratch;

    public ReferenceRunner(Path python, Path javaHome, Path node, Duration timeout, int parallelism, Path scratch) {
        this.python = python;
        this.javaHome = javaHome;
        this.node = node;
        this.timeout = timeout;
        this.parallelism = parallelism;
        this.scratch = scratch;
    }

    /** One problem's reference result. */
    public record Result(String taskId, boolean passed, long durationMs, String detail) {
    }

    public List<Result> runAll(List<HumanEvalProblem> problems) throws InterruptedException {
        List<Result> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(parallelism)) {
            List<Future<Result>> futures = problems.stream().map(p -> pool.submit(() -> run(p))).toList();
            for (Future<Result> future : futures) {
                try {
                    results.add(future.get());
                } catch (ExecutionException e) {
                    throw new IllegalStateException("reference run failed to start", e.getCause());
                }
            }
        }
        return results;
    }

    Result run(HumanEvalProblem problem) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(scratch, "ref-");
        try {
            Files.writeString(dir.resolve(problem.reference().fileName()), problem.reference().source(), StandardCharsets.UTF_8);
            long start = System.nanoTime();
            Outcome outcome = switch (problem.language()) {
                case PYTHON -> exec(dir, List.of(python.toString(), problem.reference().fileName()), timeout);
                case JAVASCRIPT -> exec(dir, List.of(node.toString(), problem.reference().fileName()), timeout);
                case JAVA -> {
                    Outcome compiled = exec(dir, List.of(javaHome.resolve("bin/javac").toString(), "-d", "out",
                            problem.reference().fileName()), timeout);
                    yield compiled.exitCode() != 0 ? compiled
                            : exec(dir, List.of(javaHome.resolve("bin/java").toString(), "-ea", "-cp", "out", "Main"), timeout);
                }
                case UNKNOWN -> throw new IllegalArgumentException("no reference for " + problem.language());
            };
            long millis = (System.nanoTime() - start) / 1_000_000;
            return new Result(problem.taskId(), outcome.exitCode() == 0, millis, outcome.detail());
        } finally {
            deleteTree(dir);
        }
    }

    private record Outcome(int exitCode, String detail) {
    }

    private static Outcome exec(Path dir, List<String> command, Duration timeout) throws IOException, InterruptedException {
        Path log = dir.resolve(".output");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
            return new Outcome(-1, "timed out after " + timeout.toSeconds() + " s");
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        return new Outcome(process.exitValue(), output.length() > 300 ? output.substring(output.length() - 300) : output);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
