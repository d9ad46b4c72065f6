package dev.assay.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assay.executor.sandbox.Sandboxes;
import dev.assay.runtime.AssayConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExecutorConfigTest {

    @Test
    void defaults() {
        ExecutorConfig config = ExecutorConfig.from(AssayConfig.of(Map.of()));
        assertThat(config.sandbox()).isEqualTo(Sandboxes.Choice.AUTO);
        assertThat(config.limits().timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.limits().cpuSeconds()).isEqualTo(30);
        assertThat(config.limits().memoryBytes()).isEqualTo(512L * 1024 * 1024);
        assertThat(config.limits().pids()).isEqualTo(64);
        assertThat(config.limits().outputBytes()).isEqualTo(65536);
        assertThat(config.slots()).isEqualTo(2);
        assertThat(config.python()).isEqualTo(Path.of("/usr/bin/python3"));
        assertThat(config.jsParser()).isEqualTo(Path.of("/usr/share/nodejs/acorn/dist/acorn.mjs"));
        assertThat(config.limits().workspaceBytes()).isEqualTo(64L * 1024 * 1024);
    }

    @Test
    void readsEverySetting() {
        ExecutorConfig config = ExecutorConfig.from(config("executor.sandbox", "BWrap",
                "executor.timeout.seconds", "5", "executor.memory.mb", "128", "executor.pids", "16",
                "executor.output.bytes", "1024", "executor.workspace.bytes", "4096", "executor.slots", "3",
                "executor.python", "/opt/py/bin/python3", "executor.js.parser", "/opt/acorn/acorn.mjs",
                "executor.java.home", "/opt/jdk", "executor.node", "/opt/node/bin/node"));
        assertThat(config.sandbox()).isEqualTo(Sandboxes.Choice.BWRAP);
        assertThat(config.limits().timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.limits().cpuSeconds()).isEqualTo(5);
        assertThat(config.limits().memoryBytes()).isEqualTo(128L * 1024 * 1024);
        assertThat(config.limits().pids()).isEqualTo(16);
        assertThat(config.limits().outputBytes()).isEqualTo(1024);
        assertThat(config.limits().workspaceBytes()).isEqualTo(4096);
        assertThat(config.slots()).isEqualTo(3);
        assertThat(config.python()).isEqualTo(Path.of("/opt/py/bin/python3"));
        assertThat(config.jsParser()).isEqualTo(Path.of("/opt/acorn/acorn.mjs"));
        assertThat(config.javaHome()).isEqualTo(Path.of("/opt/jdk"));
        assertThat(config.node()).isEqualTo(Path.of("/opt/node/bin/node"));
    }

    private static AssayConfig config(String... keysAndValues) {
        Map<String, String> values = new java.util.HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            values.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return AssayConfig.of(values);
    }

    @Test
    void rejectsBadValuesNamingTheKey() {
        assertThatThrownBy(() -> ExecutorConfig.from(AssayConfig.of(Map.of("executor.sandbox", "docker"))))
                .hasMessageContaining("executor.sandbox");
        assertThatThrownBy(() -> ExecutorConfig.from(AssayConfig.of(Map.of("executor.pids", "0"))))
                .hasMessageContaining("executor.pids");
        assertThatThrownBy(() -> ExecutorConfig.from(AssayConfig.of(Map.of("executor.timeout.seconds", "soon"))))
                .hasMessageContaining("executor.timeout.seconds");
    }
}
