package dev.assay.executor.runner;

import dev.assay.avro.Language;
import dev.assay.executor.analysis.Analysis;
import dev.assay.executor.analysis.JavaAnalyzer;
import dev.assay.executor.sandbox.SandboxLimits;
import dev.assay.executor.sandbox.SandboxRequest;
import dev.assay.harness.HarnessLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Java: {@code dev.assay.harness.JavaHarness} compiles the workspace in-process (javax.tools) and runs it on the JUnit
 * Platform (Jupiter and Vintage engines from the JUnit console standalone jar the harness ships with), then the
 * main-method test classes. The analysis needs no sandbox: {@link JavaAnalyzer} parses with JavaParser here.
 *
 * <p>A JVM reserves far more address space than it uses, so RLIMIT_AS cannot be the configured memory: the heap
 * gets the configured memory ({@code -Xmx}) and the address-space limit adds a fixed allowance for the JVM itself.
 */
public final class JavaRunner implements LanguageRunner {
    /** Address space a small JVM needs beyond its heap (code cache, metaspace, class space, stacks, libraries). */
    static final long JVM_OVERHEAD_BYTES = 1536L * 1024 * 1024;
    private static final Pattern PACKAGE = Pattern.compile("(?m)^\\s*package\\s+([\\w.]+)\\s*;");
    /** Packages whose classes a workspace source must not define: the test framework's and the harness's. */
    private static final List<String> FRAMEWORK_PACKAGES = List.of("org.junit", "org.opentest4j", "org.apiguardian", "dev.assay");
    private static final Pattern JAVA_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");

    private final Path javaHome;
    private final List<SandboxRequest.Mount> toolchain;
    private final List<String> hardening;
    private final JavaAnalyzer analyzer = new JavaAnalyzer();

    /** @param javaHome a JDK (javac in-process via javax.tools); mounted read-only when outside /usr */
    public JavaRunner(Path javaHome) {
        if (!javaHome.isAbsolute()) {
            throw new IllegalArgumentException("executor.java.home must be an absolute path: " + javaHome);
        }
        this.javaHome = javaHome;
        try {
            this.toolchain = toolchainOutsideUsr(javaHome);
            this.hardening = hardening(javaHome);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the JDK at " + javaHome, e);
        }
    }

    @Override
    public Language language() {
        return Language.JAVA;
    }

    @Override
    public RunPlan plan(RunMode mode, SandboxLimits limits) {
        if (mode == RunMode.ANALYZE) {
            throw new IllegalArgumentException("Java is analysed by the executor itself, not in a sandbox run");
        }
        long heapMb = Math.max(32, limits.memoryBytes() / (1024 * 1024));
        List<String> command = new ArrayList<>(List.of(javaHome.resolve("bin/java").toString(),
                "-Xmx" + heapMb + "m", "-Xss1m",
                // Few threads and little reserved memory: the sandbox has a pid limit and an address-space limit.
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-XX:-UsePerfData",
                "-XX:ReservedCodeCacheSize=64m", "-XX:CompressedClassSpaceSize=128m", "-XX:MaxMetaspaceSize=256m",
                "-XX:-EnableDynamicAgentLoading", "-XX:+DisableAttachMechanism", "-Djava.io.tmpdir=/tmp", "-Duser.home=/tmp", "-ea"));
        command.addAll(hardening);
        command.addAll(List.of("-cp", HarnessLayout.JAVA_HARNESS_JAR + ":" + HarnessLayout.JUNIT_STANDALONE_JAR,
                HarnessLayout.JAVA_HARNESS_MAIN));
        SandboxLimits jvmLimits = limits.withMemoryBytes(heapMb * 1024 * 1024 + JVM_OVERHEAD_BYTES);
        // glibc reserves a 64 MiB malloc arena per thread by default, which eats the address-space limit.
        return new RunPlan(command, toolchain, Map.of("MALLOC_ARENA_MAX", "2"), jvmLimits);
    }

    @Override
    public boolean isTestFile(String path) {
        String name = LanguageRunner.fileName(path);
        // By name only; the analysis finds the rest (main-method test classes, test classes named otherwise).
        return name.endsWith(".java") && (name.endsWith("Test.java") || name.endsWith("Tests.java") || name.startsWith("Test"));
    }

    @Override
    public Optional<TestInfrastructure> testInfrastructure(String path, String content, List<String> requestTestDirs) {
        if (path.startsWith("META-INF/services/") || path.contains("/META-INF/services/")) {
            return Optional.of(new TestInfrastructure(true, "a service registration (JUnit extensions, listeners, engines)"));
        }
        if (LanguageRunner.fileName(path).equals("junit-platform.properties")) {
            return Optional.of(new TestInfrastructure(content.contains("extensions.autodetection"), "JUnit Platform configuration"));
        }
        if (path.endsWith(".java")) {
            Matcher m = PACKAGE.matcher(content);
            String pkg = m.find() ? m.group(1) : "";
            for (String framework : FRAMEWORK_PACKAGES) {
                if (pkg.equals(framework) || pkg.startsWith(framework + ".")) {
                    return Optional.of(new TestInfrastructure(true, "a class in package " + pkg + ", which belongs to the test framework or the harness"));
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<Analysis> analyzeHere(Map<String, String> requestFiles, Map<String, String> generatedFiles,
            List<String> targetPaths) {
        return Optional.of(analyzer.analyze(requestFiles, generatedFiles, targetPaths));
    }

    /**
     * On JDK 24 and later, deny what would let code under test read the harness's memory past the module system:
     * sun.misc.Unsafe's memory access, native code (JNI, the FFM API) from the class path, and — by leaving
     * jdk.management and jdk.unsupported out of the module graph — in-process heap dumps and Unsafe itself.
     */
    private static List<String> hardening(Path javaHome) throws IOException {
        Path release = javaHome.resolve("release");
        if (!Files.isRegularFile(release)) {
            return List.of();
        }
        Matcher m = JAVA_VERSION.matcher(Files.readString(release));
        if (m.find() && Integer.parseInt(m.group(1)) >= 24) {
            return List.of("--sun-misc-unsafe-memory-access=deny", "--illegal-native-access=deny",
                    "--limit-modules", "java.se,jdk.compiler,jdk.zipfs,jdk.charsets,jdk.localedata,jdk.httpserver,jdk.net");
        }
        return List.of();
    }

    /** The JDK and, for distribution JDKs whose conf files link into /etc, those /etc folders. */
    private static List<SandboxRequest.Mount> toolchainOutsideUsr(Path javaHome) throws IOException {
        if (!Files.isDirectory(javaHome)) {
            // Not installed here (yet): the sandbox reports the missing JDK when a run needs it.
            return javaHome.startsWith("/usr/") ? List.of() : List.of(SandboxRequest.Mount.samePath(javaHome));
        }
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
        return dirs.stream().map(SandboxRequest.Mount::samePath).toList();
    }
}
