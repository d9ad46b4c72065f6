package dev.assay.reliability;

import dev.assay.embedded.ChildJvm;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
    private ChildJvm process;
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
        // Only what this service is given: ChildJvm keeps the test JVM's ASSAY_* settings out.
        process = ChildJvm.start(name, List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", "--enable-native-access=ALL-UNNAMED"), classPath, mainClass,
                List.of(), env, logFile);
        starts++;
        log.info("{} started (pid {}, start #{})", name, process.pid(), starts);
        return this;
    }

    /** SIGKILL, and waits until the process is gone. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        log.info("{}: SIGKILL pid {}", name, process.pid());
        process.kill();
        process = null;
    }

    /** SIGTERM (graceful), SIGKILL after 30 s. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.stop();
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
