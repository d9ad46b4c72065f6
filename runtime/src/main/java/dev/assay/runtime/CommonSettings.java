package dev.assay.runtime;

import dev.assay.schemas.Topics;
import dev.assay.schemas.registry.RestSchemaRegistryClient;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Settings every service shares: where Kafka and the schema registry are, the topic prefix, the metrics port
 * and the instance id. Everything under {@code kafka.} is handed to the Kafka clients as is (security settings, etc.).
 */
public record CommonSettings(
        String service,
        String instanceId,
        String bootstrapServers,
        String registryUrl,
        String topicPrefix,
        boolean autoRegisterSchemas,
        int metricsPort,
        Map<String, String> kafkaOverrides) {

    public static CommonSettings from(String service, AssayConfig config) {
        Map<String, String> kafka = new HashMap<>(config.withPrefix("kafka."));
        String bootstrap = kafka.remove("bootstrap.servers");
        if (bootstrap == null) {
            bootstrap = config.required("kafka.bootstrap.servers");
        }
        return new CommonSettings(service,
                config.string("instance.id", service + "-" + UUID.randomUUID().toString().substring(0, 8)),
                bootstrap,
                config.required("registry.url"),
                config.string("topic.prefix", Topics.DEFAULT_PREFIX),
                config.bool("registry.auto.register", true),
                config.integer("metrics.port", 0),
                Map.copyOf(kafka));
    }

    /** The topic catalogue with serdes talking to the configured registry. */
    public Topics topics() {
        return Topics.create(topicPrefix, new RestSchemaRegistryClient(registryUrl), autoRegisterSchemas);
    }

    /** Base properties for any Kafka client: bootstrap servers plus the pass-through overrides. */
    public Map<String, Object> kafkaClientProperties() {
        Map<String, Object> props = new HashMap<>(kafkaOverrides);
        props.put("bootstrap.servers", bootstrapServers);
        return props;
    }
}
