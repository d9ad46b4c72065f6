package dev.assay.harness.core;

import java.io.ByteArrayInputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The Java test harness inside the sandbox (harness/PROTOCOL.md): handshake, BEGIN, compile the workspace, run its
 * JUnit tests and main-method tests, one REPORT, halt. Started once per JVM by {@code dev.assay.harness.JavaHarness}
 * as a service of the harness's own module (this package is neither exported nor opened to workspace code).
 */
public final class Harness implements Runnable {
    private static final AtomicBoolean STARTED = new AtomicBoolean();
    /** Exit status when there is no handshake: no BEGIN, no report (a runtime failure for the executor). */
    private static final int NO_HANDSHAKE = 70;
    private static final String PROBE = "dev.assay.harness.Probe";
    private static final String PROBE_HANDOFF = "dev.assay.harness.ProbeHandoff";

    /** Keeps /dev/null open on descriptor 0 (a stream that is collected would close it). */
    private static FileInputStream devNull;

    /** For {@link java.util.ServiceLoader}. */
    public Harness() {
    }

    @Override
    public void run() {
        if (STARTED.compareAndSet(false, true)) {
            main();
        }
    }

    private static void main() {
        Handshake handshake;
        try {
            handshake = Handshake.read();
        } catch (IOException | RuntimeException e) {
            System.err.println("assay harness: cannot read the handshake: " + e.getClass().getSimpleName());
            Runtime.getRuntime().halt(NO_HANDSHAKE);
            return;
        }
        replaceStandardInput();
        RunState state = new RunState(handshake.channel(), new HashSet<>(handshake.requestTests()));
        state.channel.record("BEGIN", "{\"harness\":\"java\",\"mode\":" + Json.quote(handshake.mode()) + "}");
        Thread hook = new Thread(() -> exiting(state), "assay-report");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            switch (handshake.mode()) {
                case "test" -> test(state, handshake.root());
                case "compile" -> compile(state, handshake.root());
                default -> state.report.error("harness", "the Java harness has no mode " + handshake.mode()
                        + " (Java analysis runs in the executor)", null);
            }
        } catch (Throwable e) {
            state.report.error("harness", "the harness failed: " + Failures.describe(e), Failures.resource(e));
        }
        state.workspaceCodeRunning(false);
        finish(state);
    }

    /** Descriptor 0 is closed and /dev/null takes its place; {@link System#in} reads nothing. */
    private static void replaceStandardInput() {
        try {
            new FileInputStream(FileDescriptor.in).close();
        } catch (IOException e) {
            // Already closed: nothing to read from it either way.
        }
        try {
            devNull = new FileInputStream("/dev/null");
        } catch (IOException e) {
            // No /dev/null: descriptor 0 stays closed.
        }
        System.setIn(new ByteArrayInputStream(new byte[0]));
    }

    private static void compile(RunState state, Path root) throws IOException {
        long start = System.nanoTime();
        Compilation.Result result = Compilation.compile(root, classesDir());
        long ms = (System.nanoTime() - start) / 1_000_000;
        for (String source : result.sources()) {
            List<String> problems = result.problems().getOrDefault(source, List.of());
            String id = "compile:" + source;
            state.report.test(id, new Report.Test(id, id, source, problems.isEmpty() ? "PASSED" : "FAILED",
                    problems.isEmpty() ? null : String.join("\n", problems), ms, null));
        }
        List<String> other = result.problems().getOrDefault("", List.of());
        if (!other.isEmpty() || (!result.ok() && result.problems().isEmpty())) {
            state.report.error("javac", other.isEmpty() ? "javac failed" : String.join("\n", other), null);
        }
    }

    private static void test(RunState state, Path root) throws Exception {
        Path classes = classesDir();
        Compilation.Result result = Compilation.compile(root, classes);
        if (!result.ok()) {
            List<String> all = new ArrayList<>();
            result.problems().values().forEach(all::addAll);
            state.report.error("javac", all.isEmpty() ? "javac failed" : String.join("\n", all), null);
            return;
        }
        state.classSource(result.classSource());
        // The application class loader: the JDK, JUnit and dev.assay.harness.Probe, as the tests compiled against.
        ClassLoader parent = ClassLoader.getSystemClassLoader();
        WorkspaceLoader loader = new WorkspaceLoader(result.classFiles(), classes, parent);
        ProbeSink sink = new ProbeSink(state, Class.forName(PROBE, false, parent));
        sink.loader(loader);
        installProbe(parent, sink);

        List<Class<?>> selected = new ArrayList<>();
        List<Class<?>> mainTests = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : result.classFiles().entrySet()) {
            String name = e.getKey();
            if (!loader.defines(name)) {
                continue;
            }
            Class<?> type;
            try {
                type = Class.forName(name, false, loader);
                if (type.isAnonymousClass() || type.isLocalClass() || type.isSynthetic()
                        || (type.isMemberClass() && !java.lang.reflect.Modifier.isStatic(type.getModifiers()))) {
                    continue;
                }
            } catch (Throwable t) {
                state.report.error(name, "cannot load: " + Failures.describe(t), Failures.resource(t));
                continue;
            }
            selected.add(type);
            if (MainTests.isMainTest(type, state.fileOf(name), state.requestTests)) {
                mainTests.add(type);
            }
        }
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        state.workspaceCodeRunning(true);
        try {
            JUnitRun.run(state, selected);
            for (Class<?> type : mainTests) {
                MainTests.run(state, type);
            }
        } finally {
            state.workspaceCodeRunning(false);
            thread.setContextClassLoader(previous);
        }
    }

    /** Gives {@code Probe} its sink: offered, then taken by Probe's class initializer, kept in a final field. */
    private static void installProbe(ClassLoader loader, ProbeSink sink) throws ReflectiveOperationException {
        Class<?> handoff = Class.forName(PROBE_HANDOFF, true, loader);
        handoff.getMethod("offer", java.util.function.ObjIntConsumer.class).invoke(null, sink);
        Class.forName(PROBE, true, loader);
    }

    /** Where the workspace is compiled to: /tmp/assay-classes in the sandbox. */
    private static Path classesDir() {
        return Path.of(System.getProperty("java.io.tmpdir", "/tmp"), "assay-classes");
    }

    /** The shutdown hook: the JVM is exiting (System.exit) before the harness wrote its report. */
    private static void exiting(RunState state) {
        if (state.channel.reported()) {
            Runtime.getRuntime().halt(0);
            return;
        }
        RunState.Current c = state.current();
        if (c != null && !state.report.has(c.key())) {
            state.report.test(c.key(), new Report.Test(c.id(), c.function(), c.file(), "ERROR",
                    "the JVM exited during this test (System.exit?)", (System.nanoTime() - c.startNanos()) / 1_000_000, null));
        } else if (state.workspaceCodeRunning()) {
            state.report.error("exit", "the JVM exited outside a test (System.exit?)", null);
        }
        finish(state);
    }

    /** Silences standard output and error, writes the one report on the original descriptor, halts with 0. */
    private static void finish(RunState state) {
        try {
            flush(System.out);
            flush(System.err);
            PrintStream silent = new PrintStream(OutputStream.nullOutputStream());
            System.setOut(silent);
            System.setErr(silent);
            state.channel.report(state.report.json(Usage.json()));
        } finally {
            Runtime.getRuntime().halt(0);
        }
    }

    /** Flushes what the tests printed; a stream the workspace replaced may throw, which must not cost the report. */
    private static void flush(PrintStream stream) {
        try {
            stream.flush();
        } catch (RuntimeException | Error e) {
            // Whatever the stream held is lost; the report that follows is what matters.
        }
    }
}
