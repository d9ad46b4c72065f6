package dev.assay.executor.runner;

import dev.assay.avro.Language;
import dev.assay.executor.Workspace;
import dev.assay.executor.sandbox.LocalSandbox;
import dev.assay.executor.sandbox.SandboxLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Java: the JDK's source launcher runs {@code AssayJavaHarness.java}, which compiles the workspace in-process
 * (one JVM start instead of two) and runs JUnit-style {@code @Test} methods and main-method test classes. JUnit's
 * API jars, when configured, are put on the class path read-only so tests written against JUnit compile; no
 * engine is needed; they are copied into the workspace's reserved folder. A dry run only compiles.
 *
 * <p>A JVM reserves far more address space than it uses, so RLIMIT_AS cannot be the configured memory: the heap
 * gets the configured memory ({@code -Xmx}) and the address-space limit adds a fixed allowance for the JVM itself.
 */
public final class JavaRunner implements LanguageRunner {
    static final String HARNESS_RESOURCE = "/dev/assay/executor/AssayJavaHarness.java";
    static final String HARNESS_NAME = "AssayJavaHarness.java";
    /** Address space a small JVM needs beyond its heap (code cache, metaspace, class space, stacks, libraries). */
    static final long JVM_OVERHEAD_BYTES = 1536L * 1024 * 1024;
    private final Path javaHome;
    private final List<Path> testClasspath;

    /**
     * @param javaHome      a JDK (javac in-process via javax.tools); mounted read-only when outside /usr
     * @param testClasspath jars tests may compile against (e.g. junit-jupiter-api, opentest4j), may be empty; they
     *                      must be readable by the service and count towards nothing but the tmpfs workspace
     */
    public JavaRunner(Path javaHome, List<Path> testClasspath) {
        if (!javaHome.isAbsolute()) {
            throw new IllegalArgumentException("executor.java.home must be an absolute path: " + javaHome);
        }
        for (Path jar : testClasspath) {
            if (!jar.isAbsolute()) {
                throw new IllegalArgumentException("executor.java.test.classpath entries must be absolute: " + jar);
            }
        }
        this.javaHome = javaHome;
        this.testClasspath = List.copyOf(testClasspath);
    }

    @Override
    public Language language() {
        return Language.JAVA;
    }

    @Override
    public RunPlan plan(Workspace workspace, boolean dryRun, String marker, SandboxLimits limits) throws IOException {
        workspace.writeReserved(HARNESS_NAME, PythonRunner.resource(HARNESS_RESOURCE));
        long heapMb = Math.max(32, limits.memoryBytes() / (1024 * 1024));
        List<String> command = new ArrayList<>(List.of(javaHome.resolve("bin/java").toString(),
                "-Xmx" + heapMb + "m", "-Xss1m",
                // Few threads and little reserved memory: the sandbox has a pid limit and an address-space limit.
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-XX:-UsePerfData",
                "-XX:ReservedCodeCacheSize=64m", "-XX:CompressedClassSpaceSize=128m", "-XX:MaxMetaspaceSize=256m",
                "-Djava.io.tmpdir=/tmp", "-Duser.home=/tmp", "-ea"));
        if (!testClasspath.isEmpty()) {
            // Copied in rather than bound: the sandbox uid may not be able to reach the jars' host location.
            List<String> entries = new ArrayList<>();
            for (Path jar : testClasspath) {
                String name = "lib/" + jar.getFileName();
                workspace.writeReserved(name, Files.readAllBytes(jar));
                entries.add(LocalSandbox.WORKSPACE_DIR + "/" + Workspace.RESERVED_DIR + "/" + name);
            }
            command.add("-cp");
            command.add(String.join(":", entries));
        }
        command.addAll(List.of(LocalSandbox.WORKSPACE_DIR + "/" + Workspace.RESERVED_DIR + "/" + HARNESS_NAME, marker, "/tmp/assay-classes"));
        if (dryRun) {
            command.add("--compile-only");
        }
        List<Path> toolchain = toolchainOutsideUsr();
        SandboxLimits jvmLimits = limits.withMemoryBytes(heapMb * 1024 * 1024 + JVM_OVERHEAD_BYTES);
        // glibc reserves a 64 MiB malloc arena per thread by default, which eats the address-space limit.
        return new RunPlan(command, toolchain, Map.of("MALLOC_ARENA_MAX", "2"), jvmLimits);
    }

    /** The JDK and, for distribution JDKs whose conf files link into /etc, those /etc folders. */
    private List<Path> toolchainOutsideUsr() throws IOException {
        Set<Path> dirs = new LinkedHashSet<>();
        Path home = javaHome.toRealPath();
        if (!home.startsWith("/usr/")) {
            dirs.add(home);
        }
        Path conf = home.resolve("conf");
        if (Files.isDirectory(conf)) {
            try (Stream<Path> walk = Files.walk(conf)) {
                for (Path p : walk.filter(Files::isSymbolicLink).toList()) {
                    Path target = p.toRealPath();
                    if (!target.startsWith("/usr/") && !target.startsWith(home) && target.getNameCount() >= 2) {
                        dirs.add(target.getRoot().resolve(target.subpath(0, 2)));
                    }
                }
            }
        }
        return List.copyOf(dirs);
    }
}
