package dev.assay.bench;

import dev.assay.assembler.AssemblerConfig;
import dev.assay.assembler.ContextSelector;
import dev.assay.assembler.RepositoryLimits;
import dev.assay.assembler.TokenCounter;
import dev.assay.runtime.AssayConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Repository;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./assay bench context-recall}: the context selector's file recall on tasks from real history. */
@Command(name = "context-recall", mixinStandardHelpOptions = true,
        description = "File recall of the context selector on tasks mined from real commits (gold = the source files the "
                + "commit changed), at each token budget, over the tree at each task's base commit read from a local git "
                + "clone; beside it the dataset's BM25 top-10 reference computed in the same run.")
final class ContextRecallCommand implements Callable<Integer> {
    @Option(names = "--tasks", defaultValue = "../shared/benchmarks/context-recall/tasks.jsonl",
            description = "The dataset's tasks (default: ${DEFAULT-VALUE}).")
    Path tasks;

    @Option(names = "--repos", required = true,
            description = "Directory of git clones (bare or not), each as <owner>/<name>, <owner>/<name>.git or <owner>+<name>.")
    Path repos;

    @Option(names = "--budgets", split = ",", defaultValue = "8000,16000,32000",
            description = "Token budgets (default: ${DEFAULT-VALUE}).")
    List<Integer> budgets;

    @Option(names = "--limit", defaultValue = "0", description = "First N tasks per repository, 0 for all (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        out.println("machine: " + Machine.describe());
        AssayConfig defaults = AssayConfig.of(Map.of());
        // The service's own selector and read limits, as a request naming the repository would get them.
        ContextSelector selector = new ContextSelector(TokenCounter.cl100k(), AssemblerConfig.from(defaults).relevanceScorer());
        ContextRecallBench bench = new ContextRecallBench(selector, RepositoryLimits.from(defaults), budgets);
        Map<String, List<ContextRecallBench.Task>> byRepo = new LinkedHashMap<>();
        ContextRecallBench.load(tasks).forEach(t -> byRepo.computeIfAbsent(t.repo(), k -> new ArrayList<>()).add(t));
        List<ContextRecallBench.TaskRun> runs = new ArrayList<>();
        for (var entry : byRepo.entrySet()) {
            List<ContextRecallBench.Task> repoTasks = limit > 0 ? entry.getValue().subList(0, Math.min(limit, entry.getValue().size()))
                    : entry.getValue();
            try (Git git = Git.open(clone(entry.getKey()).toFile())) {
                Repository repository = git.getRepository();
                for (ContextRecallBench.Task task : repoTasks) {
                    runs.add(bench.run(repository, task));
                }
            }
            out.printf("%s: %d tasks done%n", entry.getKey(), repoTasks.size());
        }
        ContextRecallBench.report(out, runs, budgets);
        out.println("load average at the end: " + Machine.loadAverage());
        return 0;
    }

    private Path clone(String repo) throws IOException {
        String owner = repo.substring(0, repo.indexOf('/'));
        String name = repo.substring(repo.indexOf('/') + 1);
        for (Path candidate : List.of(repos.resolve(owner).resolve(name), repos.resolve(owner).resolve(name + ".git"),
                repos.resolve(owner + "+" + name))) {
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new CommandLine.ParameterException(new CommandLine(this), "no clone of " + repo + " under " + repos
                + " (as " + owner + "/" + name + ", " + owner + "/" + name + ".git or " + owner + "+" + name + ")");
    }
}
