package dev.assay.registry;

import com.sun.net.httpserver.HttpServer;
import dev.assay.runtime.AssayService;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Confluent-Schema-Registry-compatible HTTP endpoint (AVRO only) persisted in a compacted Kafka topic, so Assay
 * runs self-contained where no Confluent registry is available; in production services point {@code registry.url}
 * at a real one instead. On {@link #start()} it replays the store topic, so ids and versions survive restarts.
 * Run one instance per store topic (see {@link SchemaRegistry} on the single writer).
 */
public final class SchemaRegistryServer implements AssayService {
    /** The store topic unless configured otherwise. */
    public static final String DEFAULT_STORE_TOPIC = "assay._schemas";
    /** Bound on each Kafka call of the store. */
    public static final Duration DEFAULT_STORE_TIMEOUT = Duration.ofSeconds(30);
    private static final Logger log = LoggerFactory.getLogger(SchemaRegistryServer.class);

    private final SchemaStore store;
    private final SchemaRegistry registry;
    private final String host;
    private final int requestedPort;
    private final MeterRegistry meters;
    private HttpServer http;
    private ExecutorService executor;
    private volatile boolean running;
    private volatile boolean failed;

    /**
     * A registry kept in a Kafka topic.
     *
     * @param bootstrapServers Kafka's bootstrap servers
     * @param kafkaProperties  further Kafka client settings (security...), may be empty
     * @param storeTopic       compacted topic holding the schemas, created when missing; {@link #DEFAULT_STORE_TOPIC} if null
     * @param host             address to bind, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}
     * @param port             port to bind, 0 for a free one
     */
    public SchemaRegistryServer(String bootstrapServers, Map<String, Object> kafkaProperties, String storeTopic,
                                String host, int port) {
        this(new KafkaSchemaStore(bootstrapServers, kafkaProperties, storeTopic == null ? DEFAULT_STORE_TOPIC : storeTopic,
                DEFAULT_STORE_TIMEOUT), host, port, new SimpleMeterRegistry());
    }

    /** A registry over any store (an {@link InMemorySchemaStore} in tests), counting requests in {@code meters}. */
    public SchemaRegistryServer(SchemaStore store, String host, int port, MeterRegistry meters) {
        this.store = store;
        this.registry = new SchemaRegistry(store);
        this.host = host;
        this.requestedPort = port;
        this.meters = meters;
    }

    @Override
    public String name() {
        return "schema-registry";
    }

    /** Replays the store, then opens the HTTP port; returns when requests are served. */
    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        try {
            registry.load();
            executor = Executors.newVirtualThreadPerTaskExecutor();
            http = HttpServer.create(new InetSocketAddress(host, requestedPort), 0);
            http.setExecutor(executor);
            http.createContext("/", new RegistryHttpHandler(registry, meters));
            http.start();
            running = true;
            failed = false;
            log.info("schema registry serving {}", url());
        } catch (IOException e) {
            failed = true;
            closeQuietlyAfterFailure();
            throw new UncheckedIOException("cannot bind schema registry to " + host + ":" + requestedPort, e);
        } catch (RuntimeException e) {
            failed = true;
            closeQuietlyAfterFailure();
            throw e;
        }
    }

    @Override
    public synchronized void stop() {
        if (http != null) {
            // Let in-flight requests finish their write for up to a second.
            http.stop(1);
            http = null;
        }
        if (executor != null) {
            executor.close();
            executor = null;
        }
        store.close();
        if (running) {
            log.info("schema registry stopped");
        }
        running = false;
    }

    @Override
    public boolean isAlive() {
        return !failed;
    }

    @Override
    public boolean isReady() {
        return running;
    }

    /** The bound port; only while started. */
    public synchronized int port() {
        if (http == null) {
            throw new IllegalStateException("schema registry is not started");
        }
        return http.getAddress().getPort();
    }

    /** Base URL for clients, e.g. {@code http://127.0.0.1:8081}; a wildcard bind address is given as 127.0.0.1. */
    public synchronized String url() {
        String shown = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
        if (shown.contains(":")) {
            shown = "[" + shown + "]";
        }
        return "http://" + shown + ":" + port();
    }

    /** The semantics behind the endpoint, for in-process callers. */
    public SchemaRegistry registry() {
        return registry;
    }

    private void closeQuietlyAfterFailure() {
        try {
            stop();
        } catch (RuntimeException cleanup) {
            log.warn("cleanup after a failed start also failed: {}", cleanup.toString());
        }
    }
}
