package dev.assay.executor.kubernetes;

import static dev.assay.executor.kubernetes.KubernetesJobRunnerTest.LOG_LIMIT;
import static dev.assay.executor.kubernetes.KubernetesJobRunnerTest.NS;
import static dev.assay.executor.kubernetes.KubernetesJobRunnerTest.config;
import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.executor.kubernetes.FakeJobController.Script;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1KeyToPath;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Job and ConfigMap as the API server stored them (read back over HTTP by the fake controller while the run
 * was in flight) meet Pod Security Standards <em>restricted</em> and the sandbox's own rules.
 */
class KubernetesJobSpecTest {
    private static final Pattern CONFIG_MAP_KEY = Pattern.compile("[-._a-zA-Z0-9]+");
    private static final Map<String, String> FILES = Map.of(
            "src/app.py", "def add(a, b):\n    return a + b\n",
            "tests/test_app.py", "from app import add\n",
            "data/input file (1).json", "{}");
    private static V1Job job;
    private static V1ConfigMap configMap;
    private static JobResult result;

    @BeforeAll
    static void runOnce() throws Exception {
        try (KubernetesApiEmulator emulator = new KubernetesApiEmulator()) {
            KubernetesSandboxConfig config = config(Map.of("executor.kubernetes.service.account", "assay-sandbox-runner"));
            JobLimits limits = config.defaultLimits().withActiveDeadline(Duration.ofMillis(45_500))
                    .withMemoryLimitBytes(200L * 1024 * 1024).withWorkspaceBytes(32L * 1024 * 1024);
            JobRequest request = new JobRequest("7f3c1a9e-5b2d-4c8f-9e1a-2b3c4d5e6f70", 3, 2, "Python", FILES,
                    List.of("python3", "/opt/assay/harness.py", "--marker", "@@"), Map.of("PYTHONHASHSEED", "0"), limits);
            try (FakeJobController controller = new FakeJobController(emulator, NS, LOG_LIMIT, Script.completes("{}", ""))) {
                result = new KubernetesJobRunner(emulator.client(), config).run(request);
                assertThat(controller.errors()).isEmpty();
                job = controller.jobs().getFirst();
                configMap = controller.configMaps().getFirst();
            }
        }
    }

    @AfterAll
    static void forget() {
        job = null;
        configMap = null;
    }

    private static V1PodSpec pod() {
        return job.getSpec().getTemplate().getSpec();
    }

    private static V1Container runner() {
        return pod().getContainers().getFirst();
    }

    @Test
    void podMeetsRestrictedPodSecurityStandard() {
        V1PodSpec pod = pod();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
        assertThat(pod.getSecurityContext().getRunAsGroup()).isEqualTo(65532L);
        assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(65532L);
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getContainers()).hasSize(1);
        assertThat(pod.getInitContainers()).isNullOrEmpty();
        V1Container runner = runner();
        assertThat(runner.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(runner.getSecurityContext().getPrivileged()).isFalse();
        assertThat(runner.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(runner.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
        assertThat(runner.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(runner.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
        assertThat(runner.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(runner.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        // restricted allows only these volume types; the pod uses a configMap and emptyDirs.
        assertThat(pod.getVolumes()).allSatisfy(v -> assertThat(v.getHostPath()).isNull())
                .allSatisfy(v -> assertThat(v.getConfigMap() != null || v.getEmptyDir() != null).isTrue());
        assertThat(pod.getHostNetwork()).isFalse();
        assertThat(pod.getHostPID()).isFalse();
        assertThat(pod.getHostIPC()).isFalse();
    }

    @Test
    void podHasNoCredentialsNoServiceLinksNoClusterDnsAndTheConfiguredRuntime() {
        V1PodSpec pod = pod();
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getServiceAccountName()).isEqualTo("assay-sandbox-runner");
        assertThat(pod.getEnableServiceLinks()).isFalse();
        assertThat(pod.getDnsPolicy()).isEqualTo("None");
        assertThat(pod.getDnsConfig().getNameservers()).containsExactly("127.0.0.1");
        assertThat(pod.getRuntimeClassName()).isEqualTo("gvisor");
        assertThat(pod.getRestartPolicy()).isEqualTo("Never");
    }

    @Test
    void jobRunsOnceWithinItsDeadlineAndCleansItselfUp() {
        assertThat(job.getSpec().getBackoffLimit()).isZero();
        assertThat(job.getSpec().getCompletions()).isEqualTo(1);
        assertThat(job.getSpec().getParallelism()).isEqualTo(1);
        assertThat(job.getSpec().getActiveDeadlineSeconds()).as("45.5 s rounded up").isEqualTo(46L);
        assertThat(job.getSpec().getTtlSecondsAfterFinished()).isEqualTo(300);
        assertThat(job.getSpec().getPodFailurePolicy().getRules()).singleElement().satisfies(rule -> {
            assertThat(rule.getAction()).isEqualTo("FailJob");
            assertThat(rule.getOnExitCodes().getContainerName()).isEqualTo("runner");
            assertThat(rule.getOnExitCodes().getOperator()).isEqualTo("In");
            assertThat(rule.getOnExitCodes().getValues()).containsExactly(97, 98, 99, 100);
        });
    }

    @Test
    void containerHasLimitsTerminationMessageFallbackAndTheCommandBehindTheCopyStep() {
        V1Container runner = runner();
        assertThat(runner.getImage()).isEqualTo("registry.example/assay/sandbox-python:test");
        assertThat(runner.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
        assertThat(runner.getResources().getRequests()).containsEntry("cpu", Quantity.fromString("250m"))
                .containsEntry("memory", Quantity.fromString("200Mi"));
        assertThat(runner.getResources().getLimits()).containsEntry("cpu", Quantity.fromString("1"))
                .containsEntry("memory", Quantity.fromString("200Mi"));
        assertThat(runner.getCommand()).containsExactly("/bin/sh", "-c", JobSpecFactory.ENTRYPOINT_SCRIPT);
        assertThat(runner.getArgs()).containsExactly("assay-entrypoint", "python3", "/opt/assay/harness.py", "--marker", "@@");
        assertThat(runner.getWorkingDir()).isEqualTo("/workspace");
        assertThat(runner.getEnv()).extracting(e -> e.getName() + "=" + e.getValue())
                .contains("HOME=/tmp", "TMPDIR=/tmp", "PYTHONHASHSEED=0");
    }

    @Test
    void workspaceIsMountedReadOnlyAndWritableDirsAreSizeLimited() {
        Map<String, V1VolumeMount> mounts = new java.util.HashMap<>();
        runner().getVolumeMounts().forEach(m -> mounts.put(m.getMountPath(), m));
        assertThat(mounts.keySet()).containsExactlyInAnyOrder("/assay/input", "/workspace", "/tmp");
        assertThat(mounts.get("/assay/input").getReadOnly()).isTrue();
        Map<String, V1Volume> volumes = new java.util.HashMap<>();
        pod().getVolumes().forEach(v -> volumes.put(v.getName(), v));
        assertThat(volumes.get(mounts.get("/workspace").getName()).getEmptyDir().getSizeLimit()).isEqualTo(Quantity.fromString("32Mi"));
        assertThat(volumes.get(mounts.get("/tmp").getName()).getEmptyDir().getSizeLimit()).isEqualTo(Quantity.fromString("32Mi"));
        assertThat(volumes.get(mounts.get("/assay/input").getName()).getConfigMap().getName()).isEqualTo(configMap.getMetadata().getName());
    }

    @Test
    void configMapKeysAreValidAndItemsRestoreEveryPath() {
        assertThat(configMap.getData().keySet()).allSatisfy(key -> assertThat(key).matches(CONFIG_MAP_KEY).hasSizeLessThanOrEqualTo(253));
        List<V1KeyToPath> items = pod().getVolumes().stream().filter(v -> v.getConfigMap() != null).findFirst().orElseThrow()
                .getConfigMap().getItems();
        Map<String, String> restored = new java.util.HashMap<>();
        items.forEach(item -> restored.put(item.getPath(), configMap.getData().get(item.getKey())));
        assertThat(restored).isEqualTo(FILES);
        assertThat(configMap.getImmutable()).isTrue();
    }

    @Test
    void everythingIsLabelledWithTheRequestAndTheConfigMapIsOwnedByTheJob() {
        Map<String, String> expected = Map.of("assay.dev/request-id", "7f3c1a9e-5b2d-4c8f-9e1a-2b3c4d5e6f70",
                "assay.dev/attempt", "3", "assay.dev/candidate", "2", "assay.dev/language", "python",
                "app.kubernetes.io/name", "assay-sandbox");
        assertThat(job.getMetadata().getName()).isEqualTo(result.jobName()).isEqualTo("assay-7f3c1a9e-5b2d-4c8f-9e1a-2b3c4d5e6f70-a3c2");
        assertThat(job.getMetadata().getLabels()).containsAllEntriesOf(expected);
        assertThat(job.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(expected);
        assertThat(configMap.getMetadata().getLabels()).containsAllEntriesOf(expected);
        assertThat(configMap.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
            assertThat(owner.getKind()).isEqualTo("Job");
            assertThat(owner.getName()).isEqualTo(job.getMetadata().getName());
            assertThat(owner.getUid()).isEqualTo(job.getMetadata().getUid());
        });
    }
}
