package dev.assay.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assay.runtime.AssayConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GeneratorConfigTest {

    @Test
    void scriptedProviderIsTheDefaultAndNeedsADirectory() {
        assertThatThrownBy(() -> GeneratorConfig.from(AssayConfig.of(Map.of()))).hasMessageContaining("generator.scripted.dir");
        GeneratorConfig config = GeneratorConfig.from(AssayConfig.of(Map.of("generator.scripted.dir", "/srv/scripts")));
        assertThat(config.provider()).isEqualTo("scripted");
        assertThat(config.scriptedDir()).isEqualTo(Path.of("/srv/scripts"));
        assertThat(config.promptVersion()).isEqualTo("v1");
        assertThat(GeneratorApp.providerFor(config, AssayConfig.of(Map.of()), new SimpleMeterRegistry())).isInstanceOf(ScriptedProvider.class);
    }

    @Test
    void networkProvidersNeedModelAndKeyAndAreWrappedInTheResiliencePolicy() {
        AssayConfig raw = AssayConfig.of(Map.of("generator.provider", "anthropic", "generator.model", "claude-test",
                "generator.api.key", "k-123", "generator.base.url", "http://127.0.0.1:9"));
        ModelProvider provider = GeneratorApp.providerFor(GeneratorConfig.from(raw), raw, new SimpleMeterRegistry());
        assertThat(provider).isInstanceOf(ResilientProvider.class);
        assertThat(provider.name()).isEqualTo("anthropic");
        assertThat(provider.model()).isEqualTo("claude-test");
        assertThat(provider.scripted()).isFalse();
        assertThat(ProviderSettings.from(raw).toString()).doesNotContain("k-123");

        AssayConfig noKey = AssayConfig.of(Map.of("generator.provider", "openai", "generator.model", "gpt-test"));
        assertThatThrownBy(() -> GeneratorApp.providerFor(GeneratorConfig.from(noKey), noKey, new SimpleMeterRegistry()))
                .hasMessageContaining("generator.api.key");
    }

    @Test
    void unknownProviderIsRefusedWithTheKeyName() {
        GeneratorConfig config = GeneratorConfig.from(AssayConfig.of(Map.of("generator.provider", "magic")));
        assertThatThrownBy(() -> GeneratorApp.providerFor(config, AssayConfig.of(Map.of()), new SimpleMeterRegistry())).hasMessageContaining("generator.provider").hasMessageContaining("magic");
    }
}
