package dev.assay.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.executor.sandbox.TestSandboxes;
import dev.assay.runtime.AssayConfig;
import dev.assay.runtime.AssayService;
import dev.assay.runtime.ServiceContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExecutorAppTest {

    @Test
    void createBuildsTheStageLoopWithoutConnectingAnywhere() {
        TestSandboxes.any();
        AssayConfig config = AssayConfig.of(Map.of("kafka.bootstrap.servers", "127.0.0.1:1", "registry.url", "http://127.0.0.1:1",
                "executor.slots", "3"));
        AssayService service = ExecutorApp.create(ServiceContext.create("executor", config, new SimpleMeterRegistry()));
        assertThat(service.name()).isEqualTo("executor");
        assertThat(service.isReady()).isFalse();
        service.stop();
    }
}
