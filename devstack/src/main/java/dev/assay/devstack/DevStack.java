package dev.assay.devstack;

import dev.assay.assembler.ContextAssemblerApp;
import dev.assay.embedded.EmbeddedKafkaBroker;
import dev.assay.executor.ExecutorApp;
import dev.assay.generator.GeneratorApp;
import dev.assay.registry.SchemaRegistryServer;
import dev.assay.runtime.AssayConfig;
import dev.assay.runtime.AssayService;
import dev.assay.runtime.CommonSettings;
import dev.assay.runtime.HealthServer;
import dev.assay.runtime.ServiceContext;
import dev.assay.runtime.ServiceMetrics;
import dev.assay.runtime.TopicProvisioner;
import dev.assay.schemas.Topics;
import dev.assay.verifier.VerifierApp;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default: a real KRaft broker (child JVM), Assay's schema registry, the topics, and the four services,
 * each with its own config, meters and health endpoint, in this JVM. Settings given in {@code base} (env ASSAY_*, flags)
 * reach every service, so a real model provider or another sandbox backend is one variable away.
 */
public final class DevStack implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DevStack.class);

    /** The services in pipeline order; each one's factory is the same its own {@code main} uses. */
    public static final Map<String, Function<ServiceContext, AssayService>> SERVICES = servicesInOrder();

    private final Path dataDir;
    private final AssayConfig base;
    private final EmbeddedKafkaBroker broker;
    private final List<AssayService> running = new ArrayList<>();
    private final List<HealthServer> healthServers = new ArrayList<>();
    private final Map<String, Integer> metricsPorts = new LinkedHashMap<>();
    private SchemaRegistryServer registry;
    private AssayConfig config;

    public DevStack(Path dataDir, AssayConfig base) {
        this.dataDir = dataDir.toAbsolutePath();
        this.base = base;
        this.broker = new EmbeddedKafkaBroker(this.dataDir.resolve("kafka"), base.integer("devstack.kafka.port", 0), Map.of());
    }

    /** Starts broker, registry and topics; then the services unless {@code devstack.services=false}. */
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
        CommonSettings settings = CommonSettings.from("devstack", config);
        TopicProvisioner.ensure(settings.kafkaClientProperties(), settings.topics().names(),
                config.integer("devstack.partitions", 3), (short) 1);
        log.info("embedded stack: kafka {} registry {}", broker.bootstrapServers(), registry.url());
        if (config.bool("devstack.services", true)) {
            int basePort = config.integer("devstack.metrics.base.port", 0);
            int i = 0;
            for (var service : SERVICES.entrySet()) {
                startService(service.getKey(), service.getValue(), basePort == 0 ? 0 : basePort + i++);
            }
        }
        return this;
    }

    private void startService(String name, Function<ServiceContext, AssayService> factory, int metricsPort) {
        AssayConfig serviceConfig = config.with(Map.of("instance.id", name + "-dev", "metrics.port", Integer.toString(metricsPort)));
        PrometheusMeterRegistry meters = ServiceMetrics.create(name, name + "-dev");
        AssayService service = factory.apply(ServiceContext.create(name, serviceConfig, meters));
        HealthServer health = HealthServer.start(metricsPort, meters, List.of(service));
        service.start();
        running.add(service);
        healthServers.add(health);
        metricsPorts.put(name, health.port());
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public String registryUrl() {
        return registry.url();
    }

    /** The resolved config the services were started with (bootstrap servers and registry URL filled in). */
    public AssayConfig config() {
        return config;
    }

    public Topics topics() {
        return CommonSettings.from("devstack", config).topics();
    }

    public Map<String, Integer> metricsPorts() {
        return Map.copyOf(metricsPorts);
    }

    public List<AssayService> services() {
        return List.copyOf(running);
    }

    public EmbeddedKafkaBroker broker() {
        return broker;
    }

    public boolean allReady() {
        return running.stream().allMatch(AssayService::isReady);
    }

    @Override
    public void close() {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).stop();
        }
        healthServers.forEach(HealthServer::close);
        if (registry != null) {
            registry.stop();
        }
        broker.stop();
    }

    private static Map<String, Function<ServiceContext, AssayService>> servicesInOrder() {
        Map<String, Function<ServiceContext, AssayService>> services = new LinkedHashMap<>();
        services.put("context-assembler", ContextAssemblerApp::create);
        services.put("generator", GeneratorApp::create);
        services.put("executor", ExecutorApp::create);
        services.put("verifier", VerifierApp::create);
        return java.util.Collections.unmodifiableMap(services);
    }
}
