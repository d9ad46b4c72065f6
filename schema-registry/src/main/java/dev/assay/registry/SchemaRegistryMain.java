package dev.assay.registry;

import dev.assay.runtime.AssayConfig;
import dev.assay.runtime.HealthServer;
import dev.assay.runtime.ServiceMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the registry on its own: config → server → metrics and health endpoint → wait for SIGTERM → stop.
 * Not {@code ServiceLauncher}: that one requires {@code registry.url}, which the registry itself does not have.
 */
public final class SchemaRegistryMain {
    private static final Logger log = LoggerFactory.getLogger(SchemaRegistryMain.class);

    private SchemaRegistryMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        AssayConfig raw = AssayConfig.fromEnvironment(args);
        SchemaRegistryConfig config = SchemaRegistryConfig.from(raw);
        log.info("starting schema-registry with {}", raw.redacted());
        PrometheusMeterRegistry meters = ServiceMetrics.create("schema-registry", config.instanceId());
        SchemaRegistryServer server = new SchemaRegistryServer(new KafkaSchemaStore(config.bootstrapServers(),
                config.kafkaProperties(), config.storeTopic(), SchemaRegistryServer.DEFAULT_STORE_TIMEOUT),
                config.host(), config.port(), meters);
        CountDownLatch stopped = new CountDownLatch(1);
        try (HealthServer health = HealthServer.start(config.metricsPort(), meters, List.of(server))) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                log.info("stopping schema-registry");
                server.stop();
                stopped.countDown();
            }, "schema-registry-shutdown"));
            server.start();
            log.info("schema-registry at {}; metrics and health on port {}", server.url(), health.port());
            stopped.await();
        }
    }
}
