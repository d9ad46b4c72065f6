package dev.assay.devstack;

import dev.assay.embedded.EmbeddedKafkaBroker;
import dev.assay.registry.SchemaRegistryServer;
import dev.assay.runtime.AssayConfig;
import dev.assay.runtime.AssayService;
import dev.assay.runtime.CommonSettings;
import dev.assay.schemas.Topics;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default: a real KRaft broker (child JVM), Assay's schema registry, the topics and the four services.
 * Settings given in {@code base} (env ASSAY_*, flags) reach every service, so a real model provider or another
 * sandbox backend is one variable away.
 */
public final class DevStack implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DevStack.class);

    private final Path dataDir;
    private final AssayConfig base;
    private final EmbeddedKafkaBroker broker;
    private SchemaRegistryServer registry;
    private PipelineServices services;
    private AssayConfig config;

    public DevStack(Path dataDir, AssayConfig base) {
        this.dataDir = dataDir.toAbsolutePath();
        this.base = base;
        this.broker = new EmbeddedKafkaBroker(this.dataDir.resolve("kafka"), base.integer("devstack.kafka.port", 0), Map.of());
    }

    /** Starts broker and registry, then topics and services. */
    public DevStack start() {
        broker.start();
        registry = new SchemaRegistryServer(broker.bootstrapServers(), Map.of(),
                base.string("registry.store.topic", SchemaRegistryServer.DEFAULT_STORE_TOPIC), "127.0.0.1",
                base.integer("devstack.registry.port", 0));
        registry.start();
        config = base.with(Map.of(
                "kafka.bootstrap.servers", broker.bootstrapServers(),
                "registry.url", registry.url(),
                "verifier.state.dir", base.string("verifier.state.dir", dataDir.resolve("streams").toString())));
        log.info("embedded stack: kafka {} registry {}", broker.bootstrapServers(), registry.url());
        services = PipelineServices.start(config);
        return this;
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public String registryUrl() {
        return registry.url();
    }

    /** The config the services were started with (bootstrap servers and registry URL filled in). */
    public AssayConfig config() {
        return config;
    }

    public Topics topics() {
        return CommonSettings.from("devstack", config).topics();
    }

    public Map<String, Integer> metricsPorts() {
        return services.metricsPorts();
    }

    public List<AssayService> services() {
        return services.services();
    }

    public EmbeddedKafkaBroker broker() {
        return broker;
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        if (services != null) {
            services.close();
        }
        if (registry != null) {
            registry.stop();
        }
        broker.stop();
    }
}
