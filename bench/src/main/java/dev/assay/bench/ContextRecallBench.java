package dev.assay.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.assay.assembler.ContextSelector;
import dev.assay.assembler.RepositoryException;
import dev.assay.assembler.RepositoryLimits;
import dev.assay.assembler.TreeReader;
import dev.assay.avro.ArtifactKind;
import dev.assay.avro.AssayRequest;
import dev.assay.avro.ContextFile;
import dev.assay.avro.Language;
import dev.assay.avro.SourceFile;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;

/**
 * File recall of the context selector on tasks mined from real history (the context-recall dataset): for each task,
 * the tree at its {@code base} commit read from the git object store (never a checkout, so nothing later is
 * visible), the task text as the request, and the assembler's own {@link ContextSelector} at each budget. A gold file
 * counts as selected whole or as an outline. Beside it, the dataset README's BM25 reference (top-k whole files of the
 * task's language), computed on the same trees in the same run.
 */
final class ContextRecallBench {
    static final int REFERENCE_K = 10;

    private final ContextSelector selector;
    private final RepositoryLimits limits;
    private final RepositoryLimits referenceLimits;
    private final List<Integer> budgets;

    ContextRecallBench(ContextSelector selector, RepositoryLimits limits, List<Integer> budgets) {
        this.selector = selector;
        this.limits = limits;
        // The reference ranks every file of the language at base, whatever the assembler's read limits.
        this.referenceLimits = new RepositoryLimits(List.of(), List.of(), Integer.MAX_VALUE, 64 << 20, Long.MAX_VALUE,
                limits.maxGitObjects(), limits.gitTimeout());
        this.budgets = List.copyOf(budgets);
    }

    /** One task of the dataset: what the selector may see (never the answer commit or the test files). */
    record Task(String repo, Language language, String base, String text, List<String> gold) {
        boolean multiFile() {
            return gold.size() > 1;
        }
    }

    /** One selection: the gold files it selected (whole or outline), those whole, its tokens and time. */
    record Selected(Task task, int budget, int goldSelected, int goldWhole, int tokens, double millis) {
        double recall() {
            return (double) goldSelected / task.gold().size();
        }

        boolean allGold() {
            return goldSelected == task.gold().size();
        }
    }

    /** The BM25 reference's top-k for one task, out of a pool of {@code poolSize} files. */
    record Reference(Task task, int goldInTopK, int poolSize) {
        double recall() {
            return (double) goldInTopK / task.gold().size();
        }

        boolean allGold() {
            return goldInTopK == task.gold().size();
        }
    }

    /** Everything measured on one task: a selection per budget, the reference, and the first (cold map) time. */
    record TaskRun(Task task, List<Selected> selections, Reference reference, double coldMillis, int filesRead, int filesSkipped) {
    }

    static List<Task> load(Path jsonl) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Task> tasks = new ArrayList<>();
        for (String line : Files.readAllLines(jsonl)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode t = json.readTree(line);
            List<String> gold = new ArrayList<>();
            t.get("gold_files").forEach(g -> gold.add(g.asText()));
            tasks.add(new Task(t.get("repo").asText(), Language.valueOf(t.get("language").asText()), t.get("base").asText(),
                    t.get("task").asText(), List.copyOf(gold)));
        }
        return tasks;
    }

    /** Runs one task on the tree of its base commit in {@code git}. */
    TaskRun run(Repository git, Task task) throws IOException, RepositoryException {
        ObjectId base = git.resolve(task.base() + "^{commit}");
        if (base == null) {
            throw new IOException("commit " + task.base() + " of " + task.repo() + " is not in " + git.getDirectory());
        }
        TreeReader.Snapshot tree = TreeReader.read(git, base, limits);
        long start = System.nanoTime();
        selector.select(request(task, budgets.getFirst()), tree.files());
        double cold = (System.nanoTime() - start) / 1e6;
        List<Selected> selections = new ArrayList<>();
        for (int budget : budgets) {
            long t0 = System.nanoTime();
            ContextSelector.Selection s = selector.select(request(task, budget), tree.files());
            double millis = (System.nanoTime() - t0) / 1e6;
            selections.add(score(task, budget, s.files(), s.totalTokens(), millis));
        }
        List<SourceFile> pool = TreeReader.read(git, base, referenceLimits).files().stream()
                .filter(f -> ofLanguage(f.getPath(), task.language())).toList();
        List<String> top = ContextRecallReference.topK(task.text(), pool, REFERENCE_K);
        Reference reference = new Reference(task, (int) task.gold().stream().filter(top::contains).count(), pool.size());
        return new TaskRun(task, selections, reference, cold, tree.files().size(), tree.skipped().size());
    }

    static Selected score(Task task, int budget, List<ContextFile> files, int tokens, double millis) {
        Set<String> any = new HashSet<>();
        Set<String> whole = new HashSet<>();
        for (ContextFile f : files) {
            any.add(f.getPath());
            if (!f.getOutlineOnly()) {
                whole.add(f.getPath());
            }
        }
        return new Selected(task, budget, count(task.gold(), any), count(task.gold(), whole), tokens, millis);
    }

    private static int count(Collection<String> gold, Set<String> selected) {
        return (int) gold.stream().filter(selected::contains).count();
    }

    private static AssayRequest request(Task task, int budget) {
        return AssayRequest.newBuilder().setRequestId("recall").setTenant("bench").setTask(task.text()).setLanguage(task.language())
                .setArtifactKind(ArtifactKind.LIBRARY_CODE).setTargetPaths(List.of()).setFiles(List.of()).setRepository(null)
                .setMaxAttempts(1).setTokenBudget(budget).setMetadata(Map.of()).setSubmittedAt(Instant.EPOCH).build();
    }

    /** The dataset's "code" pool: every file with the language's extension, tests and examples included. */
    static boolean ofLanguage(String path, Language language) {
        String p = path.toLowerCase(Locale.ROOT);
        return switch (language) {
            case PYTHON -> p.endsWith(".py");
            case JAVASCRIPT -> p.endsWith(".js") || p.endsWith(".mjs") || p.endsWith(".cjs");
            case JAVA -> p.endsWith(".java");
            default -> false;
        };
    }

    /** Aggregates of a group of tasks at one budget. */
    record Summary(int tasks, double recall, double allGold, int multiTasks, double multiAllGold, double goldWholeShare,
            double meanTokens) {
        static Summary of(List<Selected> selections) {
            List<Selected> multi = selections.stream().filter(s -> s.task().multiFile()).toList();
            int gold = selections.stream().mapToInt(s -> s.task().gold().size()).sum();
            int goldSelected = selections.stream().mapToInt(Selected::goldSelected).sum();
            int goldWhole = selections.stream().mapToInt(Selected::goldWhole).sum();
            return new Summary(selections.size(), mean(selections, Selected::recall), share(selections, Selected::allGold),
                    multi.size(), share(multi, Selected::allGold), goldSelected == 0 ? 0 : (double) goldWhole / goldSelected,
                    selections.stream().mapToInt(Selected::tokens).average().orElse(0));
        }
    }

    /** Aggregates of the reference over a group of tasks. */
    record ReferenceSummary(double recall, double allGold, double multiAllGold) {
        static ReferenceSummary of(List<Reference> references) {
            return new ReferenceSummary(mean(references, Reference::recall), share(references, Reference::allGold),
                    share(references.stream().filter(r -> r.task().multiFile()).toList(), Reference::allGold));
        }
    }

    private static <T> double mean(List<T> items, ToDoubleFunction<T> value) {
        return items.stream().mapToDouble(value).average().orElse(Double.NaN);
    }

    private static <T> double share(List<T> items, Predicate<T> test) {
        return items.isEmpty() ? Double.NaN : (double) items.stream().filter(test).count() / items.size();
    }

    /** The table: per repository and over all, one row per budget, the reference beside it; then times. */
    static void report(PrintStream out, List<TaskRun> runs, List<Integer> budgets) {
        Map<String, List<TaskRun>> groups = new LinkedHashMap<>();
        runs.forEach(r -> groups.computeIfAbsent(r.task().repo(), k -> new ArrayList<>()).add(r));
        if (groups.size() > 1) {
            groups.put("all " + runs.size(), runs);
        }
        out.println("| repository | budget | tasks | mean recall | all gold | multi-file all gold (n) | gold whole | tokens used (mean) "
                + "| BM25 top-" + REFERENCE_K + " recall | all gold | multi-file all gold |");
        out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        for (var group : groups.entrySet()) {
            ReferenceSummary ref = ReferenceSummary.of(group.getValue().stream().map(TaskRun::reference).toList());
            for (int budget : budgets) {
                Summary s = Summary.of(group.getValue().stream().flatMap(r -> r.selections().stream())
                        .filter(sel -> sel.budget() == budget).toList());
                out.printf(Locale.ROOT, "| %s | %dk | %d | %.3f | %.3f | %.3f (%d) | %.2f | %.0f | %.3f | %.3f | %.3f |%n", group.getKey(),
                        budget / 1000, s.tasks(), s.recall(), s.allGold(), s.multiAllGold(), s.multiTasks(), s.goldWholeShare(),
                        s.meanTokens(), ref.recall(), ref.allGold(), ref.multiAllGold());
            }
        }
        for (var group : groups.entrySet()) {
            Stats warm = Stats.of(group.getValue().stream().flatMap(r -> r.selections().stream()).map(Selected::millis).toList());
            Stats cold = Stats.of(group.getValue().stream().map(TaskRun::coldMillis).toList());
            double files = group.getValue().stream().mapToInt(TaskRun::filesRead).average().orElse(0);
            double skipped = group.getValue().stream().mapToInt(TaskRun::filesSkipped).average().orElse(0);
            double pool = group.getValue().stream().mapToInt(r -> r.reference().poolSize()).average().orElse(0);
            out.printf(Locale.ROOT, "%s: %.0f files read per tree (%.0f skipped by the read limits), reference pool %.1f files; "
                    + "selection with the map cached: %s; first selection at a base (map built, unchanged files' symbols reused): "
                    + "p50=%s p95=%s ms%n", group.getKey(), files, skipped, pool, warm.line(), Stats.fmt(cold.p50()), Stats.fmt(cold.p95()));
        }
    }
}
