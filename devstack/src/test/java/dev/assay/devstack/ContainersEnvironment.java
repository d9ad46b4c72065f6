package dev.assay.devstack;

import dev.assay.runtime.AssayConfig;
import dev.assay.runtime.AssayService;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The official images users run: Apache Kafka (KRaft) and Confluent Schema Registry on one Docker network; Assay's
 * services run in this JVM against them. Images are overridable with {@code -Dassay.it.kafka.image} and
 * {@code -Dassay.it.registry.image}.
 */
final class ContainersEnvironment implements PipelineEnvironment {
    static final String KAFKA_IMAGE = System.getProperty("assay.it.kafka.image", "apache/kafka:4.1.1");
    static final String REGISTRY_IMAGE = System.getProperty("assay.it.registry.image", "confluentinc/cp-schema-registry:7.9.1");

    private Network network;
    private KafkaContainer kafka;
    private GenericContainer<?> registry;
    private PipelineServices services;
    private AssayConfig config;

    /** Whether a Docker engine answers; Testcontainers looks at DOCKER_HOST, the socket and its own config. */
    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void start(AssayConfig base) throws Exception {
        network = Network.newNetwork();
        kafka = new KafkaContainer(KAFKA_IMAGE).withNetwork(network).withListener("kafka:19092");
        kafka.start();
        registry = new GenericContainer<>(REGISTRY_IMAGE).withNetwork(network).withExposedPorts(8081)
                .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
                .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081")
                .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://kafka:19092")
                .waitingFor(Wait.forHttp("/subjects").forStatusCode(200));
        registry.start();
        config = base.with(Map.of(
                "kafka.bootstrap.servers", kafka.getBootstrapServers(),
                "registry.url", registryUrl(),
                "verifier.state.dir", Files.createTempDirectory("assay-tc-streams-").toString()));
        services = PipelineServices.start(config);
    }

    String registryUrl() {
        return "http://" + registry.getHost() + ":" + registry.getMappedPort(8081);
    }

    @Override
    public AssayConfig config() {
        return config;
    }

    @Override
    public List<AssayService> services() {
        return services.services();
    }

    @Override
    public void close() {
        if (services != null) {
            services.close();
        }
        if (registry != null) {
            registry.stop();
        }
        if (kafka != null) {
            kafka.stop();
        }
        if (network != null) {
            network.close();
        }
    }
}
