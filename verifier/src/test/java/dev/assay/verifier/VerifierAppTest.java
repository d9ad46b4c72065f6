package dev.assay.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.runtime.AssayConfig;
import dev.assay.runtime.ServiceContext;
import dev.assay.runtime.StreamsService;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifierAppTest {

    @Test
    void streamsRunExactlyOnceWithTheErrorPolicyAndTheConfiguredStateDir(@TempDir Path state) {
        ServiceContext ctx = ServiceContext.create("verifier", AssayConfig.of(Map.of(
                "kafka.bootstrap.servers", "127.0.0.1:1",
                "kafka.commit.interval.ms", "50",
                "registry.url", "http://127.0.0.1:1",
                VerifierConfig.STATE_DIR, state.toString())), new SimpleMeterRegistry());

        Properties props = VerifierApp.streamsProperties(ctx);

        assertThat(props).containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "assay-verifier")
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
                .containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1")
                .containsEntry("commit.interval.ms", "50")
                .containsEntry(StreamsConfig.STATE_DIR_CONFIG, state.toString())
                .containsEntry(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterDeserializationHandler.class)
                .containsEntry(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class)
                .containsEntry(ErrorPolicy.DEAD_LETTER_TOPIC, ctx.topics().deadLetter());
    }

    @Test
    void isAliveButNotReadyBeforeStartAndNeitherAfterStop(@TempDir Path state) {
        ServiceContext ctx = ServiceContext.create("verifier", AssayConfig.of(Map.of(
                "kafka.bootstrap.servers", "127.0.0.1:1", "registry.url", "http://127.0.0.1:1",
                VerifierConfig.STATE_DIR, state.toString())), new SimpleMeterRegistry());
        StreamsService app = VerifierApp.create(ctx);
        assertThat(app.name()).isEqualTo("verifier");
        assertThat(app.isAlive()).isTrue();
        assertThat(app.isReady()).isFalse();
        app.stop();
        app.stop();
        assertThat(app.isReady()).isFalse();
    }
}
