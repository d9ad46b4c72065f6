package dev.assay.devstack;

import dev.assay.assembler.ContextAssemblerApp;
import dev.assay.executor.ExecutorApp;
import dev.assay.generator.GeneratorApp;
import dev.assay.runtime.AssayConfig;
import dev.assay.runtime.AssayService;
import dev.assay.runtime.CommonSettings;
import dev.assay.runtime.HealthServer;
import dev.assay.runtime.ServiceContext;
import dev.assay.runtime.ServiceMetrics;
import dev.assay.runtime.TopicProvisioner;
import dev.assay.verifier.VerifierApp;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The four services in one JVM against any Kafka and registry the config names — the embedded ones of
 * {@link DevStack}, or containers, or a real cluster. Each service gets its own config view, meters and health endpoint,
 * exactly as its own {@code main} would give it.
 */
public final class PipelineServices implements AutoCloseable {

    /** The services in pipeline order; each one's factory is the one its own {@code main} uses. */
    public static final Map<String, Function<ServiceContext, AssayService>> FACTORIES = factories();

    private final List<AssayService> running = new ArrayList<>();
    private final List<HealthServer> healthServers = new ArrayList<>();
    private final Map<String, Integer> metricsPorts = new LinkedHashMap<>();

    /**
     * Creates the topics ({@code devstack.partitions}, default 3), then starts every service. With
     * {@code devstack.metrics.base.port} set, the services' endpoints are on that port and the next three.
     */
    public static PipelineServices start(AssayConfig config) {
        CommonSettings settings = CommonSettings.from("devstack", config);
        TopicProvisioner.ensure(settings.kafkaClientProperties(), settings.topics().names(),
                config.integer("devstack.partitions", 3), (short) config.integer("devstack.replication.factor", 1));
        PipelineServices services = new PipelineServices();
        int basePort = config.integer("devstack.metrics.base.port", 0);
        int offset = 0;
        for (var entry : FACTORIES.entrySet()) {
            services.startOne(config, entry.getKey(), entry.getValue(), basePort == 0 ? 0 : basePort + offset++);
        }
        return services;
    }

    private void startOne(AssayConfig config, String name, Function<ServiceContext, AssayService> factory, int metricsPort) {
        String instance = config.string("instance.id.prefix", "dev") + "-" + name;
        AssayConfig own = config.with(Map.of("instance.id", instance, "metrics.port", Integer.toString(metricsPort)));
        PrometheusMeterRegistry meters = ServiceMetrics.create(name, instance);
        AssayService service = factory.apply(ServiceContext.create(name, own, meters));
        healthServers.add(HealthServer.start(metricsPort, meters, List.of(service)));
        service.start();
        running.add(service);
        metricsPorts.put(name, healthServers.getLast().port());
    }

    public List<AssayService> services() {
        return List.copyOf(running);
    }

    public Map<String, Integer> metricsPorts() {
        return Collections.unmodifiableMap(metricsPorts);
    }

    @Override
    public void close() {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).stop();
        }
        healthServers.forEach(HealthServer::close);
    }

    private static Map<String, Function<ServiceContext, AssayService>> factories() {
        Map<String, Function<ServiceContext, AssayService>> services = new LinkedHashMap<>();
        services.put("context-assembler", ContextAssemblerApp::create);
        services.put("generator", GeneratorApp::create);
        services.put("executor", ExecutorApp::create);
        services.put("verifier", VerifierApp::create);
        return Collections.unmodifiableMap(services);
    }
}
