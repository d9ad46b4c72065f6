import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Assay's test harness for Java, run inside the sandbox by the JDK's source launcher with the workspace as the
 * working directory: {@code java [-cp test-jars] AssayJavaHarness.java <marker> <classes-dir> [--compile-only]}.
 *
 * <p>Compiles every .java file of the workspace in-process, then runs JUnit-style tests (methods annotated with any
 * annotation named Test; Before/After(Each|All), Disabled/Ignore honoured by name, so no JUnit engine is needed) and
 * main-method tests (classes Main, *Test, *Tests, Test* with a main method: passing means returning normally).
 * Prints the marker line and one JSON line:
 * {"tests":[{name,status,message,durationMs,resource}],"errors":[...],"usage":{cpuMillis,peakMemoryBytes}}.
 */
public final class AssayJavaHarness {
    private static final int MAX_MESSAGE = 2000;
    private static final List<String> results = new ArrayList<>();
    private static final List<String> errors = new ArrayList<>();
    private static PrintStream report;
    private static String marker;
    private static volatile String running;
    private static volatile long runningSince;
    private static volatile boolean reported;

    public static void main(String[] args) throws Exception {
        marker = args[0];
        Path classes = Path.of(args[1]);
        boolean compileOnly = Arrays.asList(args).contains("--compile-only");
        report = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        // A test calling System.exit still gets a report, with that test marked as the culprit.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (running != null) {
                result(running, "ERROR", "the JVM exited during this test (System.exit?)", runningSince, null);
            }
            printReport();
        }));
        List<Path> sources;
        try (Stream<Path> walk = Files.walk(Path.of("."))) {
            sources = walk.filter(p -> p.toString().endsWith(".java") && Files.isRegularFile(p))
                    .filter(p -> !p.startsWith("./.assay") && !p.toString().contains("/.")).sorted().toList();
        }
        if (compile(sources, classes, compileOnly) && !compileOnly) {
            runTests(classes);
        }
        printReport();
    }

    private static boolean compile(List<Path> sources, Path classes, boolean compileOnly) throws IOException {
        if (sources.isEmpty()) {
            return true;
        }
        Files.createDirectories(classes);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        long started = System.nanoTime();
        boolean ok;
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            List<String> options = new ArrayList<>(List.of("-d", classes.toString(), "-encoding", "UTF-8", "-proc:none", "-nowarn"));
            String classpath = System.getProperty("java.class.path");
            if (classpath != null && !classpath.isBlank()) {
                options.addAll(List.of("-cp", classpath));
            }
            ok = javac.getTask(new StringWriter(), files, diagnostics, options, null,
                    files.getJavaFileObjectsFromPaths(sources)).call();
        }
        List<String> problems = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() == Diagnostic.Kind.ERROR) {
                String file = d.getSource() == null ? "?" : Path.of(".").toAbsolutePath().normalize()
                        .relativize(Path.of(d.getSource().toUri()).normalize()).toString();
                problems.add(file + ":" + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT));
            }
        }
        if (compileOnly) {
            for (Path source : sources) {
                String name = source.normalize().toString();
                List<String> mine = problems.stream().filter(p -> p.startsWith(name + ":")).toList();
                result("compile:" + name, mine.isEmpty() ? "PASSED" : "FAILED", mine.isEmpty() ? null : String.join("\n", mine), started, null);
            }
        } else if (!ok) {
            errors.add("{\"name\":\"javac\",\"message\":" + json(String.join("\n", problems)) + "}");
        }
        return ok;
    }

    private static void runTests(Path classes) throws Exception {
        List<String> names;
        try (Stream<Path> walk = Files.walk(classes)) {
            names = walk.filter(p -> p.toString().endsWith(".class") && !p.getFileName().toString().contains("$"))
                    .map(p -> classes.relativize(p).toString().replace(File.separatorChar, '.').replaceAll("\\.class$", ""))
                    .sorted().toList();
        }
        URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, AssayJavaHarness.class.getClassLoader());
        Thread.currentThread().setContextClassLoader(loader);
        for (String name : names) {
            Class<?> type;
            try {
                type = Class.forName(name, false, loader);
            } catch (Throwable e) {
                errors.add("{\"name\":" + json(name) + ",\"message\":" + json(describe(e)) + "}");
                continue;
            }
            List<Method> tests = annotated(type, "Test");
            if (!tests.isEmpty()) {
                runJUnitStyle(type, tests);
            } else if (isMainTest(type)) {
                runMain(type);
            }
        }
    }

    private static boolean isMainTest(Class<?> type) {
        String simple = type.getSimpleName();
        if (!(simple.equals("Main") || simple.endsWith("Test") || simple.endsWith("Tests") || simple.startsWith("Test"))) {
            return false;
        }
        try {
            Method main = type.getDeclaredMethod("main", String[].class);
            return Modifier.isStatic(main.getModifiers());
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static void runMain(Class<?> type) {
        String name = type.getName() + ".main";
        long started = start(name);
        try {
            Method main = type.getDeclaredMethod("main", String[].class);
            main.setAccessible(true);
            main.invoke(null, (Object) new String[0]);
            result(name, "PASSED", null, started, null);
        } catch (InvocationTargetException e) {
            failed(name, e.getCause(), started);
        } catch (Throwable e) {
            failed(name, e, started);
        }
        running = null;
    }

    private static void runJUnitStyle(Class<?> type, List<Method> tests) {
        String prefix = type.getName() + ".";
        if (has(type, "Disabled") || has(type, "Ignore")) {
            tests.forEach(m -> result(prefix + m.getName(), "SKIPPED", "disabled", System.nanoTime(), null));
            return;
        }
        try {
            invokeAll(annotated(type, "BeforeAll", "BeforeClass"), null);
        } catch (Throwable e) {
            tests.forEach(m -> failed(prefix + m.getName(), e, System.nanoTime()));
            return;
        }
        for (Method test : tests) {
            String name = prefix + test.getName();
            if (has(test, "Disabled") || has(test, "Ignore")) {
                result(name, "SKIPPED", "disabled", System.nanoTime(), null);
                continue;
            }
            long started = start(name);
            Throwable failure = null;
            Object instance = null;
            try {
                var constructor = type.getDeclaredConstructor();
                constructor.setAccessible(true);
                instance = constructor.newInstance();
                invokeAll(annotated(type, "BeforeEach", "Before"), instance);
                test.setAccessible(true);
                test.invoke(instance);
            } catch (Throwable e) {
                failure = unwrap(e);
            }
            if (instance != null) {
                try {
                    invokeAll(annotated(type, "AfterEach", "After"), instance);
                } catch (Throwable e) {
                    failure = failure == null ? unwrap(e) : failure;
                }
            }
            if (failure == null) {
                result(name, "PASSED", null, started, null);
            } else {
                failed(name, failure, started);
            }
            running = null;
        }
        try {
            invokeAll(annotated(type, "AfterAll", "AfterClass"), null);
        } catch (Throwable e) {
            errors.add("{\"name\":" + json(type.getName()) + ",\"message\":" + json("after-all failed: " + describe(unwrap(e))) + "}");
        }
    }

    private static long start(String name) {
        runningSince = System.nanoTime();
        running = name;
        return runningSince;
    }

    private static void invokeAll(List<Method> methods, Object instance) throws Throwable {
        for (Method m : methods) {
            m.setAccessible(true);
            try {
                m.invoke(Modifier.isStatic(m.getModifiers()) ? null : instance);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof InvocationTargetException ite && ite.getCause() != null ? ite.getCause() : e;
    }

    private static List<Method> annotated(Class<?> type, String... simpleNames) {
        List<Method> out = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                for (String simple : simpleNames) {
                    if (has(m, simple) && m.getParameterCount() == 0 && out.stream().noneMatch(o -> o.getName().equals(m.getName()))) {
                        out.add(m);
                    }
                }
            }
        }
        out.sort(Comparator.comparing(Method::getName));
        return out;
    }

    private static boolean has(java.lang.reflect.AnnotatedElement element, String simpleName) {
        for (Annotation a : element.getAnnotations()) {
            if (a.annotationType().getSimpleName().equals(simpleName)) {
                return true;
            }
        }
        return false;
    }

    private static void failed(String name, Throwable e, long started) {
        String type = e.getClass().getSimpleName();
        String status = e instanceof AssertionError ? "FAILED"
                : type.equals("TestAbortedException") || type.equals("AssumptionViolatedException") ? "SKIPPED" : "ERROR";
        result(name, status, describe(e), started, resource(e));
    }

    /** The sandbox limit an exception points at, or null. */
    private static String resource(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (t instanceof OutOfMemoryError) {
                return message.contains("native thread") ? "PIDS" : "MEMORY";
            }
            if (t instanceof java.net.UnknownHostException || t instanceof java.net.NoRouteToHostException
                    || message.contains("Network is unreachable")) {
                return "NETWORK";
            }
            if (message.contains("No space left on device") || message.contains("File too large")) {
                return "DISK";
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    private static String describe(Throwable e) {
        String text = e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        StackTraceElement[] trace = e.getStackTrace();
        for (StackTraceElement frame : trace) {
            if (!frame.getClassName().startsWith("java.") && !frame.getClassName().startsWith("jdk.")
                    && !frame.getClassName().startsWith("org.junit.") && !frame.getClassName().startsWith("org.opentest4j.")
                    && !frame.getClassName().equals(AssayJavaHarness.class.getName())) {
                text += "\n\tat " + frame;
                break;
            }
        }
        return text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE) : text;
    }

    private static synchronized void result(String name, String status, String message, long startedNanos, String resource) {
        results.add("{\"name\":" + json(name) + ",\"status\":\"" + status + "\",\"message\":" + json(message)
                + ",\"durationMs\":" + (System.nanoTime() - startedNanos) / 1_000_000 + ",\"resource\":" + json(resource) + "}");
    }

    private static synchronized void printReport() {
        if (reported) {
            return;
        }
        reported = true;
        System.out.flush();
        System.err.flush();
        String usage;
        try {
            usage = usage();
        } catch (RuntimeException | Error e) {
            // Measuring must never cost the report (e.g. after an OutOfMemoryError); the executor records 0.
            usage = "null";
        }
        report.print("\n" + marker + "\n{\"tests\":[" + String.join(",", results) + "],\"errors\":[" + String.join(",", errors)
                + "],\"usage\":" + usage + "}\n");
        report.flush();
    }

    /**
     * CPU time of the whole JVM (compiler and tests run in it; processes a test starts are not counted) and its
     * peak resident set: VmHWM from /proc/self/status where the kernel keeps it (bubblewrap, Kubernetes). gVisor's
     * /proc has VmRSS but no VmHWM, so there the peak is an estimate: the larger of the resident set now and the
     * summed peak usage of the heap and non-heap pools (the JVM's own view: it misses thread stacks and native
     * memory, and the pools' peaks need not have coincided).
     */
    private static String usage() {
        long cpuNanos = java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : -1;
        long peak = procStatusBytes("VmHWM:");
        if (peak <= 0) {
            long pools = 0;
            for (java.lang.management.MemoryPoolMXBean pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
                java.lang.management.MemoryUsage used = pool.getPeakUsage();
                pools += used == null ? 0 : used.getUsed();
            }
            peak = Math.max(pools, procStatusBytes("VmRSS:"));
        }
        return "{\"cpuMillis\":" + Math.max(0, cpuNanos / 1_000_000) + ",\"peakMemoryBytes\":" + peak + "}";
    }

    /** A "<field>  <n> kB" line of /proc/self/status in bytes, or 0 when the file is not readable or lacks it. */
    private static long procStatusBytes(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).replace("kB", "").strip()) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // An unreadable /proc leaves the memory pools as the only measure; 0 tells the caller so.
        }
        return 0;
    }

    private static String json(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
