package dev.assay.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AssayConfigTest {

    @Test
    void laterSourcesWinFileThenEnvironmentThenSystemPropertiesThenArguments(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("assay.properties");
        Files.writeString(file, "a=file\nb=file\nc=file\nd=file\n");
        Properties system = new Properties();
        system.setProperty("assay.c", "system");
        system.setProperty("assay.d", "system");
        system.setProperty("unrelated", "x");

        AssayConfig config = AssayConfig.load(new String[] {"--d=flag"},
                Map.of("ASSAY_CONFIG_FILE", file.toString(), "ASSAY_B", "env", "ASSAY_C", "env", "HOME", "/root"), system);

        assertThat(config.string("a", null)).isEqualTo("file");
        assertThat(config.string("b", null)).isEqualTo("env");
        assertThat(config.string("c", null)).isEqualTo("system");
        assertThat(config.string("d", null)).isEqualTo("flag");
        assertThat(config.find("home")).isEmpty();
    }

    @Test
    void mapsEnvironmentNamesToDottedKeys() {
        AssayConfig config = AssayConfig.load(new String[0], Map.of("ASSAY_KAFKA_BOOTSTRAP_SERVERS", "k:9092"), new Properties());

        assertThat(config.required("kafka.bootstrap.servers")).isEqualTo("k:9092");
    }

    @Test
    void typedGettersNameTheKeyWhenAValueDoesNotParse() {
        AssayConfig config = AssayConfig.of(Map.of("executor.slots", "many", "flag", "maybe"));

        assertThatThrownBy(() -> config.integer("executor.slots", 1)).hasMessageContaining("executor.slots").hasMessageContaining("many");
        assertThatThrownBy(() -> config.bool("flag", false)).hasMessageContaining("flag");
        assertThatThrownBy(() -> config.required("registry.url")).hasMessageContaining("ASSAY_REGISTRY_URL");
    }

    @Test
    void masksSecretsInTheStartupLogView() {
        AssayConfig config = AssayConfig.of(Map.of("generator.openai.api.key", "sk-live", "kafka.sasl.jaas.config", "user pass",
                "registry.url", "http://r"));

        assertThat(config.redacted()).containsEntry("generator.openai.api.key", "******")
                .containsEntry("kafka.sasl.jaas.config", "******").containsEntry("registry.url", "http://r");
    }

    @Test
    void refusesArgumentsThatAreNotKeyValuePairs() {
        assertThatThrownBy(() -> AssayConfig.load(new String[] {"--verbose"}, Map.of(), new Properties()))
                .hasMessageContaining("--verbose");
    }

    @Test
    void passesKafkaSettingsThroughWithoutTheirPrefix() {
        CommonSettings settings = CommonSettings.from("svc", AssayConfig.of(Map.of("kafka.bootstrap.servers", "b:1",
                "kafka.security.protocol", "SASL_SSL", "registry.url", "http://r")));

        assertThat(settings.kafkaClientProperties()).containsEntry("bootstrap.servers", "b:1")
                .containsEntry("security.protocol", "SASL_SSL").doesNotContainKey("kafka.security.protocol");
    }
}
