package dev.assay.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Assay service as its own JVM, started from its real {@code main} and configured only through {@code ASSAY_*}
 * environment variables, as a container would be. {@link #kill()} is SIGKILL (no shutdown hook, no transaction
 * abort, no group leave); {@link #start()} again is the supervisor's restart. The child uses this JVM's java binary.
 */
public final class ServiceProcess implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServiceProcess.class);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final String mainClass;
    private final Map<String, String> env;
    private final Path logFile;
    private final int healthPort;
    private final String classPath;
    private Process process;
    private int starts;

    /**
     * @param env        the service's settings; {@code ASSAY_METRICS_PORT} is set to {@code healthPort}
     * @param healthPort port of the service's health endpoint, polled by {@link #awaitReady(Duration)}
     * @param classPath  the child's class path (see {@link ClassPathSnapshot})
     */
    public ServiceProcess(String name, String mainClass, Map<String, String> env, Path logFile, int healthPort,
            String classPath) {
        this.name = name;
        this.mainClass = mainClass;
        Map<String, String> all = new TreeMap<>(env);
        all.put("ASSAY_METRICS_PORT", Integer.toString(healthPort));
        this.env = Map.copyOf(all);
        this.logFile = logFile;
        this.healthPort = healthPort;
        this.classPath = classPath;
    }

    public String name() {
        return name;
    }

    /** Starts the JVM (no-op when running). */
    public synchronized ServiceProcess start() {
        if (process != null && process.isAlive()) {
            return this;
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xms64m", "-Xmx384m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                "--enable-native-access=ALL-UNNAMED", "-cp", classPath, mainClass));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        // Only what this service is given: no ASSAY_* setting of the test JVM leaks in.
        builder.environment().keySet().removeIf(k -> k.startsWith("ASSAY_") || k.equals("JAVA_TOOL_OPTIONS"));
        builder.environment().putAll(env);
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
        starts++;
        Process started = process;
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly, name + "-reaper"));
        log.info("{} started (pid {}, start #{})", name, process.pid(), starts);
        return this;
    }

    /** SIGKILL, and waits until the process is gone. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        log.info("{}: SIGKILL pid {}", name, process.pid());
        process.destroyForcibly();
        try {
            process.waitFor(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** SIGTERM (graceful), SIGKILL after 30 s. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** How many times the JVM was started (1 + restarts). */
    public synchronized int starts() {
        return starts;
    }

    public Path logFile() {
        return logFile;
    }

    /**
     * Waits until {@code /health/ready} answers 200; fails early when the process dies, naming its log.
     *
     * @throws IllegalStateException when not ready in time
     */
    public void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        while (System.nanoTime() < deadline) {
            if (!isAlive()) {
                throw new IllegalStateException(name + " exited; see " + logFile);
            }
            try {
                if (HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                log.trace("{} not answering yet: {}", name, e.toString());
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(name + " not ready after " + timeout + "; see " + logFile);
    }

    @Override
    public void close() {
        stop();
    }
}
