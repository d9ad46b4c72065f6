package dev.assay.executor.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assay.runtime.AssayConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KubernetesSandboxConfigTest {

    @Test
    void defaultsSuitARestrictedSandboxNamespace() {
        KubernetesSandboxConfig config = KubernetesSandboxConfig.from(AssayConfig.of(Map.of()));
        assertThat(config.namespace()).isEqualTo("assay-sandbox");
        assertThat(config.imageFor("PYTHON")).isEqualTo("ghcr.io/assay/sandbox-python:0.1.0");
        assertThat(config.imageFor("cobol")).isNull();
        assertThat(config.runtimeClassName()).isNull();
        assertThat(config.runAsUser()).isEqualTo(65532);
        assertThat(config.defaultLimits().activeDeadline()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.defaultLimits().memoryLimitBytes()).isEqualTo(512L * 1024 * 1024);
        assertThat(config.violationExitCodes()).containsEntry(97, JobResult.Violation.NETWORK).hasSize(4);
        assertThat(config.apiRetries()).isEqualTo(3);
    }

    @Test
    void readsEverySetting() {
        KubernetesSandboxConfig config = KubernetesSandboxConfig.from(AssayConfig.of(Map.ofEntries(
                Map.entry("executor.kubernetes.namespace", "sandbox-2"),
                Map.entry("executor.kubernetes.images.python", "reg/py:1"),
                Map.entry("executor.kubernetes.images.Go", "reg/go:1"),
                Map.entry("executor.kubernetes.runtime.class", "kata"),
                Map.entry("executor.kubernetes.cpu.limit", "500m"),
                Map.entry("executor.kubernetes.memory.limit.mb", "128"),
                Map.entry("executor.kubernetes.memory.request.mb", "64"),
                Map.entry("executor.kubernetes.violation.exit.codes", "90=PIDS, 91=UNKNOWN"),
                Map.entry("executor.kubernetes.poll.interval.ms", "250"),
                Map.entry("executor.kubernetes.api.retries", "5"))));
        assertThat(config.namespace()).isEqualTo("sandbox-2");
        assertThat(config.imageFor("python")).isEqualTo("reg/py:1");
        assertThat(config.imageFor("go")).isEqualTo("reg/go:1");
        assertThat(config.runtimeClassName()).isEqualTo("kata");
        assertThat(config.defaultLimits().cpuLimit()).isEqualTo("500m");
        assertThat(config.defaultLimits().memoryRequestBytes()).isEqualTo(64L * 1024 * 1024);
        assertThat(config.violationExitCodes()).containsOnly(Map.entry(90, JobResult.Violation.PIDS), Map.entry(91, JobResult.Violation.UNKNOWN));
        assertThat(config.pollInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.apiRetries()).isEqualTo(5);
    }

    @Test
    void refusesSettingsThatWouldBreakTheSandbox() {
        assertThatThrownBy(() -> from("executor.kubernetes.run.as.user", "0")).hasMessageContaining("non-root");
        assertThatThrownBy(() -> from("executor.kubernetes.namespace", "Assay_Sandbox")).hasMessageContaining("DNS-1123 label");
        assertThatThrownBy(() -> from("executor.kubernetes.violation.exit.codes", "0=DISK")).hasMessageContaining("not in 1..255");
        assertThatThrownBy(() -> from("executor.kubernetes.violation.exit.codes", "97")).hasMessageContaining("code=VIOLATION");
        assertThatThrownBy(() -> from("executor.kubernetes.violation.exit.codes", "97=NONE")).hasMessageContaining("code=VIOLATION");
        assertThatThrownBy(() -> from("executor.kubernetes.cpu.limit", "lots")).hasMessageContaining("cpu limit");
        assertThatThrownBy(() -> from("executor.kubernetes.memory.request.mb", "1024")).hasMessageContaining("exceeds memory limit");
        assertThatThrownBy(() -> from("executor.kubernetes.image.pull.policy", "Sometimes")).hasMessageContaining("IfNotPresent");
        assertThatThrownBy(() -> from("executor.kubernetes.api.retries", "50")).hasMessageContaining("0..10");
    }

    @Test
    void memoryLimitOverrideLowersTheRequestWithIt() {
        JobLimits limits = KubernetesSandboxConfig.from(AssayConfig.of(Map.of())).defaultLimits().withMemoryLimitBytes(100);
        assertThat(limits.memoryRequestBytes()).isEqualTo(100);
        assertThat(limits.withActiveDeadline(Duration.ofMillis(1500)).activeDeadlineSeconds()).isEqualTo(2);
    }

    private static KubernetesSandboxConfig from(String key, String value) {
        return KubernetesSandboxConfig.from(AssayConfig.of(Map.of(key, value)));
    }
}
