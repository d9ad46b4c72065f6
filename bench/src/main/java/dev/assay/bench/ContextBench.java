package dev.assay.bench;

import dev.assay.assembler.AssemblerConfig;
import dev.assay.assembler.ContextAssembler;
import dev.assay.assembler.ContextSelector;
import dev.assay.assembler.InjectionDetector;
import dev.assay.assembler.RepositoryLimits;
import dev.assay.assembler.RepositorySource;
import dev.assay.assembler.SecretRedactor;
import dev.assay.assembler.TokenCounter;
import dev.assay.avro.ArtifactKind;
import dev.assay.avro.AssayRequest;
import dev.assay.avro.AssembledContext;
import dev.assay.avro.AuditEvent;
import dev.assay.avro.Language;
import dev.assay.avro.RepositoryRef;
import dev.assay.avro.SourceFile;
import dev.assay.runtime.AssayConfig;
import dev.assay.runtime.Emit;
import dev.assay.schemas.Topics;
import dev.assay.schemas.registry.InMemorySchemaRegistryClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Assembly time and memory over a local repository of N files: the assembler's own handler
 * ({@link ContextAssembler#handle}, as the service runs it: local {@link RepositorySource}, {@link SecretRedactor},
 * {@link InjectionDetector}, {@link ContextSelector} with its repository map and cl100k token counts), against a plain walk and read
 * of the same tree, alternated task by task so machine load hits both alike.
 */
final class ContextBench {
    private final Path repo;
    private final int fileCount;
    private final ContextAssembler assembler;
    private final RepositoryLimits limits;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    ContextBench(Path root, Path repo, int fileCount, int tokenBudget) {
        this.repo = repo;
        this.fileCount = fileCount;
        // The defaults (2000 files, 64 KiB a file, 4 MiB in all) would stop reading long before 10k files: raised here.
        AssayConfig config = AssayConfig.of(Map.of(
                "assembler.repository.local.roots", root.toString(),
                "assembler.repository.max.files", Integer.toString(fileCount),
                "assembler.repository.max.file.bytes", Integer.toString(64 * 1024),
                "assembler.repository.max.total.bytes", Long.toString(1L << 30),
                "assembler.token.budget.max", Integer.toString(Math.max(64_000, tokenBudget))));
        this.limits = RepositoryLimits.from(config);
        AssemblerConfig assemblerConfig = AssemblerConfig.from(config);
        Topics topics = Topics.create("bench.", new InMemorySchemaRegistryClient(), true);
        this.assembler = new ContextAssembler(topics, assemblerConfig, new RepositorySource(limits),
                new ContextSelector(TokenCounter.cl100k(), assemblerConfig.relevanceScorer()), Clock.systemUTC(), meters);
    }

    RepositoryLimits limits() {
        return limits;
    }

    /** One assembly's figures. */
    record Assembly(double millis, int selected, int omitted, int injectionFlags, int redactions, String detail) {
    }

    /** Runs the handler once for a task naming {@code target}. */
    Assembly assemble(String id, String task, String target, Language language, int tokenBudget) {
        AssayRequest request = AssayRequest.newBuilder().setRequestId(id).setTenant("bench").setTask(task).setLanguage(language)
                .setArtifactKind(ArtifactKind.LIBRARY_CODE).setTargetPaths(List.of(target)).setFiles(List.of())
                .setRepository(RepositoryRef.newBuilder().setUrl(repo.toString()).setRef(null).build()).setMaxAttempts(3)
                .setTokenBudget(tokenBudget).setMetadata(Map.of()).setSubmittedAt(Instant.now()).build();
        long start = System.nanoTime();
        List<Emit<?>> out = assembler.handle(id, request);
        double millis = (System.nanoTime() - start) / 1e6;
        if (out.size() != 3 || !(out.get(1).value() instanceof AssembledContext context)) {
            throw new IllegalStateException("assembly " + id + " did not produce a context: " + out.getLast().value());
        }
        String detail = ((AuditEvent) out.get(2).value()).getDetail();
        return new Assembly(millis, context.getFiles().size(), context.getOmittedPaths().size(), context.getInjectionFlags().size(),
                context.getRedactions().size(), detail);
    }

    /** The reference: walk the same tree and read every file as UTF-8 text, nothing else. Returns the files. */
    List<SourceFile> plainRead() throws IOException {
        List<SourceFile> files = new ArrayList<>(fileCount);
        try (Stream<Path> paths = Files.walk(repo)) {
            for (Path p : paths.filter(Files::isRegularFile).toList()) {
                files.add(SourceFile.newBuilder().setPath(repo.relativize(p).toString()).setContent(Files.readString(p)).build());
            }
        }
        return files;
    }

    /** Per-stage cost over files already in memory: redaction, injection scan, selection (ms). */
    record Stages(double redact, double detect, double select) {
    }

    static Stages stages(List<SourceFile> files, AssayRequest request, ContextSelector selector) {
        SecretRedactor redactor = new SecretRedactor();
        InjectionDetector detector = new InjectionDetector();
        long t0 = System.nanoTime();
        List<SourceFile> redacted = new ArrayList<>(files.size());
        for (SourceFile f : files) {
            redacted.add(SourceFile.newBuilder(f).setContent(redactor.redact(f.getPath(), f.getContent()).content()).build());
        }
        long t1 = System.nanoTime();
        detector.scanAll(redacted.stream().map(f -> new InjectionDetector.Text(f.getPath(), f.getContent())).toList());
        long t2 = System.nanoTime();
        selector.select(request, redacted);
        long t3 = System.nanoTime();
        return new Stages((t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6);
    }

    double injectionFlagsCounted() {
        return meters.counter("assay.assembler.injection.flags").count();
    }

    /**
     * Heap high-water marks while a section runs: a sampler reads used heap every 5 ms (what was live at once, up to
     * sampling gaps), and the pools' own peak counters are reset at the start (their sum bounds the peak from above,
     * since pools peak at different moments). GC counts and time come from the collector beans.
     */
    static final class HeapMeter {
        private final AtomicLong sampledPeak = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread sampler;
        private final long gcCount0;
        private final long gcMillis0;

        HeapMeter() {
            ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
            gcCount0 = gcCount();
            gcMillis0 = gcMillis();
            var memory = ManagementFactory.getMemoryMXBean();
            sampler = Thread.ofPlatform().daemon().name("heap-meter").start(() -> {
                while (running.get()) {
                    sampledPeak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            });
        }

        record Heap(long sampledPeakBytes, long poolPeakSumBytes, long gcCount, long gcMillis) {
            String line() {
                return String.format("peak heap used %d MiB (sampled every 5 ms; sum of pool peaks %d MiB), %d GCs taking %d ms",
                        sampledPeakBytes >> 20, poolPeakSumBytes >> 20, gcCount, gcMillis);
            }
        }

        Heap stop() throws InterruptedException {
            running.set(false);
            sampler.join();
            long poolPeaks = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                    .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
            return new Heap(sampledPeak.get(), poolPeaks, gcCount() - gcCount0, gcMillis() - gcMillis0);
        }

        private static long gcCount() {
            return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
        }

        private static long gcMillis() {
            return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
        }
    }

    /** Prints the whole benchmark; returns whether every assembly read the whole tree. */
    static boolean run(PrintStream out, Path root, int files, int tasks, int warmup, int tokenBudget) throws Exception {
        Path repo = root.resolve("repo");
        long genStart = System.nanoTime();
        SyntheticRepository.Layout layout = SyntheticRepository.write(repo, files);
        out.printf("repository: %d files, %.1f MiB (generated in %.1f s)%n", layout.files(), layout.bytes() / 1048576.0,
                (System.nanoTime() - genStart) / 1e9);
        ContextBench bench = new ContextBench(root, repo, files, tokenBudget);
        RepositoryLimits l = bench.limits();
        out.printf("limits raised for the benchmark: assembler.repository.max.files=%d (default 2000), max.file.bytes=%d, "
                + "max.total.bytes=%d (default 4194304)%n", l.maxFiles(), l.maxFileBytes(), l.maxTotalBytes());

        List<Target> targets = targets(layout, warmup + tasks);
        for (int i = 0; i < warmup; i++) {
            Target t = targets.get(i);
            bench.plainRead();
            bench.assemble("warmup-" + i, t.task(), t.path(), t.language(), tokenBudget);
        }
        System.gc();
        long heapAfterGc = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        List<Double> assembly = new ArrayList<>();
        List<Double> plain = new ArrayList<>();
        Assembly last = null;
        boolean complete = true;
        HeapMeter heap = new HeapMeter();
        for (int i = warmup; i < targets.size(); i++) {
            Target t = targets.get(i);
            long start = System.nanoTime();
            int read = bench.plainRead().size();
            plain.add((System.nanoTime() - start) / 1e6);
            last = bench.assemble("task-" + i, t.task(), t.path(), t.language(), tokenBudget);
            assembly.add(last.millis());
            complete &= read == layout.files() && last.detail().contains(layout.files() + " repository files read, 0 skipped");
        }
        HeapMeter.Heap heapUsage = heap.stop();

        // Stage breakdown over the files in memory (no I/O), a few tasks, to show where assembly time goes.
        List<SourceFile> inMemory = bench.plainRead();
        ContextSelector selector = new ContextSelector(TokenCounter.cl100k(), AssemblerConfig.defaults().relevanceScorer());
        List<Double> redact = new ArrayList<>();
        List<Double> detect = new ArrayList<>();
        List<Double> select = new ArrayList<>();
        for (int i = 0; i < Math.min(3, tasks); i++) {
            Target t = targets.get(warmup + i);
            AssayRequest request = AssayRequest.newBuilder().setRequestId("stage-" + i).setTenant("bench").setTask(t.task())
                    .setLanguage(t.language()).setArtifactKind(ArtifactKind.LIBRARY_CODE).setTargetPaths(List.of(t.path()))
                    .setFiles(List.of()).setRepository(null).setMaxAttempts(3).setTokenBudget(tokenBudget).setMetadata(Map.of())
                    .setSubmittedAt(Instant.now()).build();
            Stages s = stages(inMemory, request, selector);
            redact.add(s.redact());
            detect.add(s.detect());
            select.add(s.select());
        }

        Stats a = Stats.of(assembly);
        Stats p = Stats.of(plain);
        out.println("assembly (ContextAssembler.handle, local repository): " + a.line());
        out.println("plain walk + read of every file:                        " + p.line());
        out.printf("files scanned/s: assembly %.0f (p50), plain read %.0f (p50)%n", layout.files() / (a.p50() / 1000),
                layout.files() / (p.p50() / 1000));
        out.printf("ratio assembly/plain-read: %.1fx (p50)%n", a.p50() / p.p50());
        out.println("stages in memory (p50 of " + redact.size() + "): redact " + Stats.fmt(Stats.of(redact).p50()) + " ms, injection scan "
                + Stats.fmt(Stats.of(detect).p50()) + " ms, select (repository map, ranking, token counts) " + Stats.fmt(Stats.of(select).p50())
                + " ms; the rest of an assembly is the tree walk and read");
        out.printf("heap: %s; heap used after warm-up and GC %d MiB; max heap %d MiB%n", heapUsage.line(), heapAfterGc >> 20,
                Runtime.getRuntime().maxMemory() >> 20);
        if (last != null) {
            out.println("last assembly: " + last.detail() + "; " + last.selected() + " files selected");
        }
        out.printf("injection flags counted (assay.assembler.injection.flags over all runs): %.0f%n", bench.injectionFlagsCounted());
        return complete;
    }

    private record Target(String task, String path, Language language) {
    }

    /** Tasks that name different files, rotating over the three languages. */
    private static List<Target> targets(SyntheticRepository.Layout layout, int n) {
        List<Target> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            switch (i % 3) {
                case 0 -> {
                    List<String> py = layout.pythonModules();
                    String m = py.get((i * 7919) % Math.max(1, py.size() - 2));
                    int pkg = py.indexOf(m) * 3 % 40;
                    out.add(new Target("Make " + m + "_total in " + m + ".py skip items without a price and add a test for it.",
                            "py/pkg" + pkg + "/" + m + ".py", Language.PYTHON));
                }
                case 1 -> {
                    List<String> java = layout.javaClasses();
                    String c = java.get((i * 7919) % Math.max(1, java.size() - 2));
                    int pkg = (java.indexOf(c) * 3 + 1) % 40;
                    out.add(new Target("Add input validation to " + c + ".java: reject null lists with a clear message.",
                            "java/src/main/java/com/acme/m" + pkg + "/" + c + ".java", Language.JAVA));
                }
                default -> {
                    List<String> js = layout.jsModules();
                    String m = js.get((i * 7919) % Math.max(1, js.size() - 2));
                    int pkg = (js.indexOf(m) * 3 + 2) % 40;
                    out.add(new Target("Make the default export of " + m + ".js handle an empty options object and cache results.",
                            "web/src/c" + pkg + "/" + m + ".js", Language.JAVASCRIPT));
                }
            }
        }
        return out;
    }
}
