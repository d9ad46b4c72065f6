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
    void candidatesDefaultToOneAndMustNotExceedTheirMaximum() {
        GeneratorConfig defaults = GeneratorConfig.from(AssayConfig.of(Map.of("generator.scripted.dir", "/s")));
        assertThat(defaults.candidates()).isEqualTo(1);
        assertThat(defaults.candidatesMax()).isEqualTo(4);
        GeneratorConfig three = GeneratorConfig.from(AssayConfig.of(Map.of("generator.scripted.dir", "/s",
                "generator.candidates", "3")));
        assertThat(three.candidatesFor(Fixtures.request().build())).isEqualTo(3);
        assertThat(three.candidatesFor(Fixtures.request().setCandidates(2).build())).as("the request's own number").isEqualTo(2);
        assertThatThrownBy(() -> GeneratorConfig.from(AssayConfig.of(Map.of("generator.scripted.dir", "/s",
                "generator.candidates", "5")))).hasMessageContaining("generator.candidates must be between 1 and generator.candidates.max");
        assertThatThrownBy(() -> GeneratorConfig.from(AssayConfig.of(Map.of("generator.scripted.dir", "/s",
                "generator.candidates", "0")))).isInstanceOf(IllegalArgumentException.class);
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
        assertThatThrownBy(() -> GeneratorApp.providerFor(config, AssayConfig.of(Map.of()), new SimpleMeterRegistry()))
                .hasMessageContaining("generator.provider").hasMessageContaining("magic").hasMessageContaining("replay");
    }

    @Test
    void replayProviderNeedsItsDirectoryAndAnswersFromIt() {
        assertThatThrownBy(() -> GeneratorConfig.from(AssayConfig.of(Map.of("generator.provider", "replay"))))
                .hasMessageContaining("generator.replay.dir");

        AssayConfig raw = AssayConfig.of(Map.of("generator.provider", "replay", "generator.replay.dir", "/srv/recordings"));
        GeneratorConfig config = GeneratorConfig.from(raw);
        assertThat(config.replayDir()).isEqualTo(Path.of("/srv/recordings"));
        assertThat(config.scriptedDir()).isNull();
        assertThat(config.recordDir()).isNull();
        ModelProvider provider = GeneratorApp.providerFor(config, raw, new SimpleMeterRegistry());
        assertThat(provider).isInstanceOf(ReplayProvider.class);
        assertThat(provider.name()).isEqualTo("replay");
        assertThat(provider.scripted()).isFalse();
    }

    @Test
    void recordDirectoryWrapsTheResilientProviderSoTheFinalAnswerIsRecorded() {
        AssayConfig raw = AssayConfig.of(Map.of("generator.provider", "openai", "generator.model", "gpt-test",
                "generator.api.key", "k-123", "generator.record.dir", "/srv/recordings"));
        GeneratorConfig config = GeneratorConfig.from(raw);
        assertThat(config.recordDir()).isEqualTo(Path.of("/srv/recordings"));
        assertThat(config.replayDir()).isNull();

        try (ModelProvider provider = GeneratorApp.providerFor(config, raw, new SimpleMeterRegistry())) {
            assertThat(provider).isInstanceOf(RecordingProvider.class);
            assertThat(provider).extracting("provider").isInstanceOf(ResilientProvider.class);
            assertThat(provider.name()).isEqualTo("openai");
            assertThat(provider.model()).isEqualTo("gpt-test");
        }
    }

    @Test
    void theScriptedProviderIsNotRecordedAsIfAModelHadAnswered() {
        assertThatThrownBy(() -> GeneratorConfig.from(AssayConfig.of(Map.of("generator.scripted.dir", "/srv/scripts",
                "generator.record.dir", "/srv/recordings")))).hasMessageContaining("generator.record.dir").hasMessageContaining("scripted");
    }
}
