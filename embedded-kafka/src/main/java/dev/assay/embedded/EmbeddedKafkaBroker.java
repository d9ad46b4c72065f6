package dev.assay.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft Kafka broker (combined broker and controller) run from the Apache Kafka artifacts
 * as a child JVM, so no Docker is needed and a test can hard-kill and restart it. The child uses this JVM's
 * java binary and class path (surefire's manifest-only jar carries the full path too). Data stays in
 * {@code dataDir}, so a restart keeps topics, offsets and transactions.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);

    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private final Map<String, String> overrides;
    private ChildJvm process;

    public EmbeddedKafkaBroker(Path dataDir) {
        this(dataDir, 0, Map.of());
    }

    /** @param port the PLAINTEXT port, 0 for a free one */
    public EmbeddedKafkaBroker(Path dataDir, int port, Map<String, String> overrides) {
        this.dataDir = dataDir.toAbsolutePath();
        this.port = port == 0 ? freePort() : port;
        this.controllerPort = freePort();
        this.overrides = Map.copyOf(overrides);
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Formats the storage on first start, starts the broker and waits until it answers metadata requests. */
    public synchronized EmbeddedKafkaBroker start() {
        if (process != null && process.isAlive()) {
            return this;
        }
        try {
            Files.createDirectories(dataDir);
            Path config = writeConfig();
            if (!Files.exists(dataDir.resolve("data").resolve("meta.properties"))) {
                runToCompletion("kafka.tools.StorageTool", List.of("format", "-t", Uuid.randomUuid().toString(),
                        "-c", config.toString(), "--ignore-formatted"), dataDir.resolve("format.log"));
            }
            process = javaProcess("kafka.Kafka", List.of(config.toString()), dataDir.resolve("broker.log"));
            awaitReady();
            log.info("Kafka broker up at {} (data {})", bootstrapServers(), dataDir);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded Kafka in " + dataDir, e);
        }
    }

    /** Controlled shutdown (SIGTERM), as a Kubernetes pod stop would do. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.stop();
        process = null;
    }

    /** Hard kill (SIGKILL), for fault tests: no controlled shutdown, no flush. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.kill();
        process = null;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    @Override
    public void close() {
        stop();
    }

    private Path writeConfig() throws IOException {
        Map<String, String> props = new TreeMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", dataDir.resolve("data").toString());
        props.put("num.partitions", "1");
        props.put("auto.create.topics.enable", "false");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "5");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.putAll(overrides);
        Properties properties = new Properties();
        properties.putAll(props);
        Path file = dataDir.resolve("server.properties");
        try (var out = Files.newBufferedWriter(file)) {
            properties.store(out, "Assay embedded KRaft broker");
        }
        return file;
    }

    private void awaitReady() {
        Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
        Properties adminProps = new Properties();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        adminProps.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        adminProps.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        try (Admin admin = Admin.create(adminProps)) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("Kafka broker exited; see " + dataDir.resolve("broker.log"));
                }
                try {
                    admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                    return;
                } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                    if (Instant.now().isAfter(deadline)) {
                        throw new IllegalStateException("Kafka broker not ready after " + STARTUP_TIMEOUT
                                + "; see " + dataDir.resolve("broker.log"), e);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted waiting for Kafka", e);
                }
            }
        }
    }

    private void runToCompletion(String mainClass, List<String> args, Path logFile) throws IOException {
        ChildJvm tool = javaProcess(mainClass, args, logFile);
        try {
            Integer exit = tool.awaitExit(Duration.ofSeconds(60));
            if (exit == null || exit != 0) {
                tool.kill();
                throw new IllegalStateException(mainClass + " failed; see " + logFile + ":\n" + Files.readString(logFile));
            }
        } catch (InterruptedException e) {
            tool.kill();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + mainClass, e);
        }
    }

    private static ChildJvm javaProcess(String mainClass, List<String> args, Path logFile) {
        return ChildJvm.start("embedded-kafka", List.of("-Xms128m", "-Xmx768m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Djava.awt.headless=true"), System.getProperty("java.class.path"), mainClass, args, Map.of(), logFile);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
