package dev.assay.registry;

import dev.assay.runtime.AssayConfig;
import java.util.HashMap;
import java.util.Map;

/**
 * Settings of the standalone registry ({@link SchemaRegistryMain}), read from {@link AssayConfig}:
 * <ul>
 *   <li>{@code kafka.bootstrap.servers} (required) and any other {@code kafka.*} client setting, passed through;</li>
 *   <li>{@code registry.store.topic} (default {@code assay._schemas});</li>
 *   <li>{@code registry.host} (default {@code 0.0.0.0}) and {@code registry.port} (default 8081, 0 for a free one);</li>
 *   <li>{@code metrics.port} for /metrics and /health (default 0, a free port);</li>
 *   <li>{@code instance.id} (default {@code schema-registry}), a tag on every meter.</li>
 * </ul>
 */
public record SchemaRegistryConfig(String bootstrapServers, Map<String, Object> kafkaProperties, String storeTopic,
                                   String host, int port, int metricsPort, String instanceId) {

    /** Reads and validates the settings; {@link IllegalArgumentException} naming the key when one is missing or invalid. */
    public static SchemaRegistryConfig from(AssayConfig config) {
        Map<String, Object> kafka = new HashMap<>(config.withPrefix("kafka."));
        kafka.remove("bootstrap.servers");
        int port = config.integer("registry.port", 8081);
        int metricsPort = config.integer("metrics.port", 0);
        if (port < 0 || port > 65535 || metricsPort < 0 || metricsPort > 65535) {
            throw new IllegalArgumentException("registry.port and metrics.port must be between 0 and 65535");
        }
        return new SchemaRegistryConfig(config.required("kafka.bootstrap.servers"), Map.copyOf(kafka),
                config.string("registry.store.topic", SchemaRegistryServer.DEFAULT_STORE_TOPIC),
                config.string("registry.host", "0.0.0.0"), port, metricsPort,
                config.string("instance.id", "schema-registry"));
    }
}
