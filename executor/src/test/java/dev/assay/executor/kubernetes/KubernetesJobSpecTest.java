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
import io.kubernetes.client.openapi.models.V1Secret;
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
 * The Job, ConfigMap and Secret as the API server stored them (read back over HTTP by the fake controller while the
 * run was in flight) meet Pod Security Standards <em>restricted</em> and the sandbox's own rules; the handshake is
 * reachable from the init container only, its copy from both containers.
 */
class KubernetesJobSpecTest {
    private static final Pattern CONFIG_MAP_KEY = Pattern.compile("[-._a-zA-Z0-9]+");
    private static final Map<String, String> FILES = Map.of(
            "src/app.py", "def add(a, b):\n    return a + b\n",
            "tests/test_app.py", "from app import add\n",
            "data/input file (1).json", "{}");
    static final String HANDSHAKE = "{\"nonce\":\"" + "0123456789abcdef".repeat(4) + "\",\"mode\":\"test\",\"root\":\"/workspace\"}\n";
    private static V1Job job;
    private static V1ConfigMap configMap;
    private static V1Secret secret;
    private static String copiedHandshake;
    private static JobResult result;
    /** The same run without a handshake. */
    private static V1Job plainJob;

    @BeforeAll
    static void runOnce() throws Exception {
        try (KubernetesApiEmulator emulator = new KubernetesApiEmulator()) {
            KubernetesSandboxConfig config = config(Map.of("executor.kubernetes.service.account", "assay-sandbox-runner"));
            JobLimits limits = config.defaultLimits().withActiveDeadline(Duration.ofMillis(45_500))
                    .withMemoryLimitBytes(200L * 1024 * 1024).withWorkspaceBytes(32L * 1024 * 1024);
            List<String> command = List.of("python3", "-I", "/opt/assay/harness/python/assay_harness.py");
            JobRequest request = new JobRequest("7f3c1a9e-5b2d-4c8f-9e1a-2b3c4d5e6f70", 3, 2, "Python", "test", FILES,
                    command, Map.of("PYTHONHASHSEED", "0"), HANDSHAKE, limits);
            JobRequest plain = new JobRequest("7f3c1a9e-5b2d-4c8f-9e1a-2b3c4d5e6f70", 4, 1, "Python", "test", FILES,
                    command, Map.of("PYTHONHASHSEED", "0"), "", limits);
            try (FakeJobController controller = new FakeJobController(emulator, NS, LOG_LIMIT, Script.completes("{}", ""))) {
                KubernetesJobRunner runner = new KubernetesJobRunner(emulator.client(), config);
                result = runner.run(request);
                runner.run(plain);
                assertThat(controller.errors()).isEmpty();
                job = controller.jobs().getFirst();
                configMap = controller.configMaps().getFirst();
                secret = controller.secrets().getFirst();
                copiedHandshake = controller.handshakes().getFirst();
                plainJob = controller.jobs().get(1);
                assertThat(controller.secrets()).as("the run without a handshake has no Secret").hasSize(1);
            }
        }
    }

    @AfterAll
    static void forget() {
        job = null;
        configMap = null;
        secret = null;
        plainJob = null;
    }

    private static V1PodSpec pod() {
        return job.getSpec().getTemplate().getSpec();
    }

    private static V1Container runner() {
        return pod().getContainers().getFirst();
    }

    private static V1Container init() {
        return pod().getInitContainers().getFirst();
    }

    private static Map<String, V1Volume> volumes(V1PodSpec pod) {
        Map<String, V1Volume> volumes = new java.util.HashMap<>();
        pod.getVolumes().forEach(v -> volumes.put(v.getName(), v));
        return volumes;
    }

    /** Mount path to volume, for one container. */
    private static Map<String, V1Volume> mounted(V1Container container) {
        Map<String, V1Volume> volumes = volumes(pod());
        Map<String, V1Volume> mounted = new java.util.HashMap<>();
        container.getVolumeMounts().forEach(m -> mounted.put(m.getMountPath(), volumes.get(m.getName())));
        return mounted;
    }

    @Test
    void podMeetsRestrictedPodSecurityStandard() {
        V1PodSpec pod = pod();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
        assertThat(pod.getSecurityContext().getRunAsGroup()).isEqualTo(65532L);
        assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(65532L);
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getContainers()).extracting(V1Container::getName).containsExactly("runner");
        assertThat(pod.getInitContainers()).extracting(V1Container::getName).containsExactly("handshake");
        for (V1Container container : List.of(runner(), init())) {
            assertThat(container.getSecurityContext()).as(container.getName()).satisfies(sc -> {
                assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
                assertThat(sc.getPrivileged()).isFalse();
                assertThat(sc.getRunAsNonRoot()).isTrue();
                assertThat(sc.getRunAsUser()).isEqualTo(65532L);
                assertThat(sc.getRunAsGroup()).isEqualTo(65532L);
                assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
                assertThat(sc.getCapabilities().getAdd()).isNullOrEmpty();
                assertThat(sc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
                assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
            });
            assertThat(container.getResources().getLimits()).as(container.getName()).containsKeys("cpu", "memory");
        }
        // restricted allows only these volume types; the pod uses a configMap, a secret and emptyDirs.
        assertThat(pod.getVolumes()).allSatisfy(v -> assertThat(v.getHostPath()).isNull())
                .allSatisfy(v -> assertThat(v.getConfigMap() != null || v.getEmptyDir() != null || v.getSecret() != null).isTrue());
        assertThat(pod.getHostNetwork()).isFalse();
        assertThat(pod.getHostPID()).isFalse();
        assertThat(pod.getHostIPC()).isFalse();
    }

    @Test
    void onlyTheInitContainerMountsTheHandshakeSecretAndBothMountThePrivateCopy() {
        Map<String, V1Volume> init = mounted(init());
        Map<String, V1Volume> runner = mounted(runner());
        assertThat(init.keySet()).containsExactlyInAnyOrder("/assay/handshake-secret", "/assay/handshake");
        assertThat(init.get("/assay/handshake-secret").getSecret().getSecretName()).isEqualTo(secret.getMetadata().getName());
        assertThat(init().getVolumeMounts()).filteredOn(m -> m.getMountPath().equals("/assay/handshake-secret"))
                .singleElement().satisfies(m -> assertThat(m.getReadOnly()).isTrue());
        assertThat(runner.values()).as("the runner never sees the Secret").allSatisfy(v -> assertThat(v.getSecret()).isNull());
        assertThat(runner.keySet()).containsExactlyInAnyOrder("/assay/input", "/workspace", "/tmp", "/assay/handshake");
        V1Volume copy = runner.get("/assay/handshake");
        assertThat(init.get("/assay/handshake")).isEqualTo(copy);
        assertThat(copy.getEmptyDir().getMedium()).isEqualTo("Memory");
        assertThat(copy.getEmptyDir().getSizeLimit()).isEqualTo(Quantity.fromString("2Mi"));
        assertThat(init.get("/assay/handshake-secret").getSecret().getDefaultMode()).isEqualTo(0440);
        assertThat(init.get("/assay/handshake-secret").getSecret().getItems()).singleElement()
                .satisfies(item -> assertThat(item.getKey() + "->" + item.getPath()).isEqualTo("handshake->handshake"));
    }

    @Test
    void onlyTheRunnerIsToldWhereTheCopyIsAndTheInitContainerOnlyCopiesIt() {
        assertThat(runner().getEnv()).extracting(e -> e.getName() + "=" + e.getValue())
                .contains("ASSAY_HANDSHAKE_FILE=/assay/handshake/handshake.json");
        assertThat(init().getEnv()).isNullOrEmpty();
        assertThat(init().getImage()).isEqualTo(runner().getImage());
        assertThat(init().getCommand()).containsExactly("/bin/sh", "-c", JobSpecFactory.HANDSHAKE_COPY_SCRIPT);
        assertThat(JobSpecFactory.HANDSHAKE_COPY_SCRIPT).contains(
                "cp -L /assay/handshake-secret/handshake /assay/handshake/handshake.json", "chmod 0400 /assay/handshake/handshake.json");
        assertThat(init().getArgs()).isNullOrEmpty();
        assertThat(init().getResources()).as("no more than the runner asks for").isEqualTo(runner().getResources());
        // The nonce is in no argument and no variable of either container.
        String nonce = "0123456789abcdef".repeat(4);
        for (V1Container container : List.of(runner(), init())) {
            assertThat(String.join(" ", container.getCommand()) + " " + (container.getArgs() == null ? "" : String.join(" ", container.getArgs()))
                    + " " + (container.getEnv() == null ? "" : container.getEnv().toString())).doesNotContain(nonce);
        }
    }

    @Test
    void theSecretHoldsTheHandshakeAndIsLabelledImmutableAndOwnedByTheJob() {
        assertThat(secret.getMetadata().getName()).isEqualTo(job.getMetadata().getName() + "-hs");
        assertThat(secret.getType()).isEqualTo("Opaque");
        assertThat(secret.getImmutable()).isTrue();
        assertThat(secret.getData()).containsOnlyKeys("handshake");
        assertThat(copiedHandshake).isEqualTo(HANDSHAKE);
        assertThat(secret.getMetadata().getLabels()).containsAllEntriesOf(job.getMetadata().getLabels());
        assertThat(secret.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
            assertThat(owner.getKind()).isEqualTo("Job");
            assertThat(owner.getName()).isEqualTo(job.getMetadata().getName());
            assertThat(owner.getUid()).isEqualTo(job.getMetadata().getUid());
        });
        assertThat(result.handshake()).isEqualTo(HANDSHAKE);
        assertThat(result.toString()).doesNotContain("0123456789abcdef");
    }

    @Test
    void aRunWithoutAHandshakeHasNoInitContainerNoSecretAndNoHandshakeVariable() {
        V1PodSpec pod = plainJob.getSpec().getTemplate().getSpec();
        assertThat(pod.getInitContainers()).isNullOrEmpty();
        assertThat(pod.getVolumes()).extracting(V1Volume::getName).containsExactlyInAnyOrder("input", "workspace", "tmp");
        assertThat(pod.getContainers().getFirst().getEnv()).extracting(e -> e.getName()).doesNotContain("ASSAY_HANDSHAKE_FILE");
        assertThat(pod.getContainers().getFirst().getVolumeMounts()).extracting(m -> m.getMountPath())
                .containsExactlyInAnyOrder("/assay/input", "/workspace", "/tmp");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
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
        assertThat(runner.getArgs()).containsExactly("assay-entrypoint", "python3", "-I", "/opt/assay/harness/python/assay_harness.py");
        assertThat(runner.getWorkingDir()).isEqualTo("/workspace");
        assertThat(runner.getEnv()).extracting(e -> e.getName() + "=" + e.getValue())
                .contains("HOME=/tmp", "TMPDIR=/tmp", "PYTHONHASHSEED=0");
    }

    @Test
    void workspaceIsMountedReadOnlyAndWritableDirsAreSizeLimited() {
        Map<String, V1VolumeMount> mounts = new java.util.HashMap<>();
        runner().getVolumeMounts().forEach(m -> mounts.put(m.getMountPath(), m));
        assertThat(mounts.keySet()).containsExactlyInAnyOrder("/assay/input", "/workspace", "/tmp", "/assay/handshake");
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
                "assay.dev/phase", "test", "app.kubernetes.io/name", "assay-sandbox");
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
