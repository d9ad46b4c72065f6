package dev.assay.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assay.runtime.AssayConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchemaRegistryConfigTest {

    @Test
    void defaultsMatchConfluentsPortAndAssaysStoreTopic() {
        SchemaRegistryConfig config = SchemaRegistryConfig.from(AssayConfig.of(Map.of("kafka.bootstrap.servers", "k:9092")));

        assertThat(config.bootstrapServers()).isEqualTo("k:9092");
        assertThat(config.port()).isEqualTo(8081);
        assertThat(config.storeTopic()).isEqualTo("assay._schemas");
        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.kafkaProperties()).isEmpty();
    }

    @Test
    void passesOtherKafkaSettingsThroughAndReadsItsOwnKeys() {
        SchemaRegistryConfig config = SchemaRegistryConfig.from(AssayConfig.of(Map.of(
                "kafka.bootstrap.servers", "k:9092", "kafka.security.protocol", "SSL",
                "registry.store.topic", "team._schemas", "registry.port", "0", "metrics.port", "9404")));

        assertThat(config.kafkaProperties()).containsExactly(Map.entry("security.protocol", "SSL"));
        assertThat(config.storeTopic()).isEqualTo("team._schemas");
        assertThat(config.port()).isZero();
        assertThat(config.metricsPort()).isEqualTo(9404);
    }

    @Test
    void refusesAMissingBootstrapAndImpossiblePorts() {
        assertThatThrownBy(() -> SchemaRegistryConfig.from(AssayConfig.of(Map.of())))
                .hasMessageContaining("kafka.bootstrap.servers");
        assertThatThrownBy(() -> SchemaRegistryConfig.from(AssayConfig.of(Map.of(
                "kafka.bootstrap.servers", "k:9092", "registry.port", "70000")))).hasMessageContaining("registry.port");
    }
}
