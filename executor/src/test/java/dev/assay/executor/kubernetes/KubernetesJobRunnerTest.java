package dev.assay.executor.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.assay.executor.kubernetes.FakeJobController.Script;
import dev.assay.executor.kubernetes.JobResult.Status;
import dev.assay.executor.kubernetes.JobResult.Violation;
import dev.assay.executor.kubernetes.KubernetesSandboxException.Reason;
import dev.assay.runtime.AssayConfig;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The runner end to end over HTTP against the emulated API server, with a fake controller in the cluster's place. */
class KubernetesJobRunnerTest {
    static final String NS = "assay-sandbox";
    static final int LOG_LIMIT = 4096;
    static final String JOBS = "/apis/batch/v1/namespaces/" + NS + "/jobs";
    static final String CONFIG_MAPS = "/api/v1/namespaces/" + NS + "/configmaps";
    static final String SECRETS = "/api/v1/namespaces/" + NS + "/secrets";
    static final String NONCE = "5e".repeat(32);
    static final String HANDSHAKE = "{\"nonce\":\"" + NONCE + "\",\"mode\":\"test\",\"root\":\"/workspace\"}\n";
    static final Map<String, String> FILES = Map.of("src/app.py", "def add(a, b):\n    return a + b\n",
            "tests/test_app.py", "from app import add\n\ndef test_add():\n    assert add(1, 2) == 3\n");

    private KubernetesApiEmulator emulator;
    private FakeJobController controller;

    @BeforeEach
    void startApiServer() {
        emulator = new KubernetesApiEmulator();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (controller != null) {
            controller.close();
            assertThat(controller.errors()).as("fake controller errors").isEmpty();
        }
        emulator.close();
    }

    static KubernetesSandboxConfig config(Map<String, String> overrides) {
        Map<String, String> values = new HashMap<>(Map.of(
                "executor.kubernetes.poll.interval.ms", "20",
                "executor.kubernetes.api.backoff.ms", "10",
                "executor.kubernetes.api.retries", "3",
                "executor.kubernetes.wait.grace.seconds", "10",
                "executor.kubernetes.log.bytes", Integer.toString(LOG_LIMIT),
                "executor.kubernetes.runtime.class", "gvisor",
                "executor.kubernetes.images.python", "registry.example/assay/sandbox-python:test"));
        values.putAll(overrides);
        return KubernetesSandboxConfig.from(AssayConfig.of(values));
    }

    private KubernetesJobRunner runner(Map<String, String> overrides) {
        return new KubernetesJobRunner(emulator.client(), config(overrides));
    }

    private KubernetesJobRunner runner() {
        return runner(Map.of());
    }

    private FakeJobController cluster(Script script) {
        controller = new FakeJobController(emulator, NS, LOG_LIMIT, script);
        return controller;
    }

    static JobRequest request(String requestId, int attempt, KubernetesSandboxConfig config) {
        return request(requestId, attempt, 1, config);
    }

    static JobRequest request(String requestId, int attempt, int candidate, KubernetesSandboxConfig config) {
        return request(requestId, attempt, candidate, "test", HANDSHAKE, config);
    }

    static JobRequest request(String requestId, int attempt, int candidate, String phase, String handshake,
            KubernetesSandboxConfig config) {
        return new JobRequest(requestId, attempt, candidate, "python", phase, FILES,
                List.of("/usr/bin/python3", "-I", "-B", "/opt/assay/harness/python/assay_harness.py"),
                Map.of("PYTHONDONTWRITEBYTECODE", "1"), handshake, config.defaultLimits());
    }

    private JobResult run(KubernetesJobRunner runner, JobRequest request) throws Exception {
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return runner.run(request);
                } catch (KubernetesSandboxException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            }).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    private void assertCleanedUp(String jobName) throws ApiException {
        BatchV1Api batch = new BatchV1Api(emulator.client());
        CoreV1Api core = new CoreV1Api(emulator.client());
        assertThat(batch.listNamespacedJob(NS).execute().getItems()).extracting(j -> j.getMetadata().getName())
                .doesNotContain(jobName);
        assertThat(core.listNamespacedConfigMap(NS).execute().getItems()).extracting(c -> c.getMetadata().getName())
                .doesNotContain(JobNames.configMapName(jobName));
        assertThat(core.listNamespacedSecret(NS).execute().getItems()).extracting(c -> c.getMetadata().getName())
                .doesNotContain(JobNames.secretName(jobName));
    }

    @Test
    void succeedsWithTheRunnersTerminationMessageAndLog() throws Exception {
        String report = "{\"tests\":[{\"name\":\"test_add\",\"status\":\"PASSED\"}]}";
        cluster(Script.completes(report, "1 passed\n"));
        JobResult result = run(runner(), request("req-ok", 0, config(Map.of())));

        assertThat(result.status()).isEqualTo(Status.SUCCEEDED);
        assertThat(result.violation()).isEqualTo(Violation.NONE);
        assertThat(result.exitCode()).isZero();
        assertThat(result.terminationMessage()).isEqualTo(report);
        assertThat(result.logs()).isEqualTo("1 passed\n");
        assertThat(result.logsTruncated()).isFalse();
        assertThat(result.jobName()).isEqualTo("assay-req-ok-a0");
        assertThat(result.podName()).isEqualTo("assay-req-ok-a0-x7k2p");
        assertThat(result.handshake()).isEqualTo(HANDSHAKE);
        assertThat(controller.secrets()).singleElement()
                .satisfies(secret -> assertThat(secret.getMetadata().getName()).isEqualTo("assay-req-ok-a0-hs"));
        assertThat(controller.handshakes()).containsExactly(HANDSHAKE);
        assertThat(emulator.count("DELETE", SECRETS + "/assay-req-ok-a0-hs")).isEqualTo(1);
        assertCleanedUp(result.jobName());
    }

    @Test
    void aRunWithoutAHandshakeCreatesNoSecret() throws Exception {
        cluster(Script.completes("{}", "ran\n"));
        KubernetesJobRunner runner = runner();
        JobResult result = run(runner, request("req-plain", 0, 1, "test", "", runner.config()));

        assertThat(result.status()).isEqualTo(Status.SUCCEEDED);
        assertThat(result.handshake()).isEmpty();
        assertThat(emulator.count("POST", SECRETS) + emulator.count("DELETE", SECRETS + "/assay-req-plain-a0-hs")).isZero();
        assertThat(controller.jobs().getFirst().getSpec().getTemplate().getSpec().getInitContainers()).isNullOrEmpty();
        assertCleanedUp(result.jobName());
    }

    @Test
    void theAnalysisRunOfAnAttemptRunsAsAJobOfItsOwn() throws Exception {
        cluster(Script.completes("{}", "analysed\n"));
        KubernetesJobRunner runner = runner();
        JobResult result = run(runner, request("req-an", 1, 1, "analysis", HANDSHAKE, runner.config()));

        assertThat(result.status()).isEqualTo(Status.SUCCEEDED);
        assertThat(result.jobName()).isEqualTo("assay-req-an-a1-analysis");
        assertThat(controller.jobs()).singleElement()
                .satisfies(job -> assertThat(job.getMetadata().getLabels()).containsEntry("assay.dev/phase", "analysis"));
        assertThat(controller.secrets()).singleElement().satisfies(secret -> {
            assertThat(secret.getMetadata().getName()).isEqualTo("assay-req-an-a1-analysis-hs");
            assertThat(secret.getMetadata().getLabels()).containsEntry("assay.dev/phase", "analysis");
        });
        assertCleanedUp(result.jobName());
    }

    @Test
    void aFailedHandshakeCopyIsASandboxErrorAndEverythingIsDeleted() throws Exception {
        cluster(Script.initFails(1));
        JobResult result = run(runner(), request("req-initfail", 0, config(Map.of())));

        assertThat(result.status()).isEqualTo(Status.ERROR);
        assertThat(result.exitCode()).isNull();
        assertThat(result.detail()).contains("handshake init container exited with 1", "cp: can't open");
        assertCleanedUp(result.jobName());
    }

    @Test
    void refusesAnUnknownPhaseOrAnOversizedHandshakeBeforeCallingTheApi() {
        KubernetesJobRunner runner = runner();

        assertThatThrownBy(() -> runner.run(request("req-phase", 0, 1, "compile", HANDSHAKE, runner.config())))
                .isInstanceOfSatisfying(KubernetesSandboxException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_REQUEST))
                .hasMessageContaining("unknown run phase 'compile'");
        String huge = "{\"nonce\":\"" + NONCE + "\",\"requestFiles\":[\"" + "f".repeat(1024 * 1024) + "\"]}";
        assertThatThrownBy(() -> runner.run(request("req-big", 0, 1, "test", huge, runner.config())))
                .isInstanceOfSatisfying(KubernetesSandboxException.class, e -> assertThat(e.reason()).isEqualTo(Reason.WORKSPACE_TOO_LARGE))
                .hasMessageContaining("handshake").hasMessageNotContaining(NONCE);
        assertThat(emulator.count("POST", JOBS) + emulator.count("POST", CONFIG_MAPS) + emulator.count("POST", SECRETS)).isZero();
    }

    @Test
    void deletesTheJobAndConfigMapWhenTheHandshakeSecretCannotBeCreated() throws Exception {
        emulator.expect().post().withPath(SECRETS).andReturn(403, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                + "\"message\":\"secrets is forbidden: User \\\"system:serviceaccount:assay:assay-executor\\\" cannot create resource \\\"secrets\\\"\","
                + "\"reason\":\"Forbidden\",\"code\":403}").always();
        KubernetesJobRunner runner = runner();

        KubernetesSandboxException e = catchThrowableOfType(KubernetesSandboxException.class,
                () -> runner.run(request("req-nosecret", 0, runner.config())));

        assertThat(e.reason()).isEqualTo(Reason.FORBIDDEN);
        assertThat(e.getMessage()).startsWith("executor's ServiceAccount lacks RBAC to create Secrets in assay-sandbox")
                .doesNotContain(NONCE);
        assertThat(emulator.count("DELETE", JOBS + "/assay-req-nosecret-a0")).isEqualTo(1);
        assertThat(emulator.count("DELETE", CONFIG_MAPS + "/assay-req-nosecret-a0-ws")).isEqualTo(1);
        assertCleanedUp("assay-req-nosecret-a0");
    }

    @Test
    void reportsFailingTestsAsFailedWithTheirExitCode() throws Exception {
        cluster(Script.fails(1, "Error", "{\"tests\":[{\"name\":\"test_add\",\"status\":\"FAILED\"}]}", "1 failed\n",
                "BackoffLimitExceeded"));
        JobResult result = run(runner(), request("req-fail", 2, config(Map.of())));

        assertThat(result.status()).isEqualTo(Status.FAILED);
        assertThat(result.violation()).isEqualTo(Violation.NONE);
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.terminationMessage()).contains("FAILED");
        assertThat(result.detail()).contains("exited with 1", "BackoffLimitExceeded");
        assertCleanedUp(result.jobName());
    }

    @Test
    void reportsAnExceededDeadlineAsTimeout() throws Exception {
        cluster(Script.fails(137, "Error", null, "spinning\n", "DeadlineExceeded"));
        JobResult result = run(runner(), request("req-slow", 0, config(Map.of())));

        assertThat(result.status()).isEqualTo(Status.TIMEOUT);
        assertThat(result.violation()).isEqualTo(Violation.TIMEOUT);
        assertThat(result.logs()).isEqualTo("spinning\n");
        assertCleanedUp(result.jobName());
    }

    @Test
    void reportsAnOomKillAsMemoryViolation() throws Exception {
        cluster(Script.fails(137, "OOMKilled", null, "allocating\n", "BackoffLimitExceeded"));
        JobResult result = run(runner(), request("req-oom", 0, config(Map.of())));

        assertThat(result.status()).isEqualTo(Status.FAILED);
        assertThat(result.violation()).isEqualTo(Violation.MEMORY);
        assertThat(result.exitCode()).isEqualTo(137);
        assertCleanedUp(result.jobName());
    }

    @Test
    void reportsASandboxViolationExitCodeMatchedByThePodFailurePolicy() throws Exception {
        cluster(Script.fails(97, "Error", "{\"violation\":\"NETWORK\"}", "connect refused\n", "PodFailurePolicy"));
        JobResult result = run(runner(), request("req-net", 0, config(Map.of())));

        assertThat(result.status()).isEqualTo(Status.FAILED);
        assertThat(result.violation()).isEqualTo(Violation.NETWORK);
        assertThat(result.exitCode()).isEqualTo(97);
        assertCleanedUp(result.jobName());
    }

    @Test
    void cutsTheLogAtTheLimitAndSaysSo() throws Exception {
        cluster(Script.completes("{}", "é".repeat(LOG_LIMIT)));
        JobResult result = run(runner(), request("req-flood", 0, config(Map.of())));

        assertThat(result.logsTruncated()).isTrue();
        // 2-byte characters: the cut at 4096 bytes keeps exactly 2048 whole characters.
        assertThat(result.logs()).isEqualTo("é".repeat(LOG_LIMIT / 2));
        assertCleanedUp(result.jobName());
    }

    @Test
    void reportsAnImageThatCanNeverStartAsErrorWithoutWaitingForTheDeadline() throws Exception {
        cluster(Script.staysWaiting("InvalidImageName"));
        JobResult result = run(runner(), request("req-badimage", 0, config(Map.of())));

        assertThat(result.status()).isEqualTo(Status.ERROR);
        assertThat(result.detail()).contains("InvalidImageName");
        assertCleanedUp(result.jobName());
    }

    @Test
    void stopsWaitingAfterDeadlinePlusGraceWhenTheControllerNeverReports() throws Exception {
        cluster(Script.runsForever());
        KubernetesJobRunner runner = runner(Map.of("executor.kubernetes.active.deadline.seconds", "1",
                "executor.kubernetes.wait.grace.seconds", "0"));
        JobResult result = run(runner, request("req-stuck", 0, runner.config()));

        assertThat(result.status()).isEqualTo(Status.TIMEOUT);
        assertThat(result.detail()).contains("had not reported an end");
        assertCleanedUp(result.jobName());
    }

    @Test
    void retriesServerErrorsAndThenSucceeds() throws Exception {
        emulator.expect().post().withPath(JOBS)
                .andReturn(500, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"etcdserver: leader changed\",\"code\":500}")
                .times(2);
        cluster(Script.completes("{}", "ok\n"));
        JobResult result = run(runner(), request("req-flaky", 0, config(Map.of())));

        assertThat(result.status()).isEqualTo(Status.SUCCEEDED);
        assertThat(emulator.count("POST", JOBS)).isEqualTo(3);
        assertThat(controller.jobs()).hasSize(1);
        assertCleanedUp(result.jobName());
    }

    @Test
    void givesUpAfterTheBoundedNumberOfRetries() {
        emulator.expect().post().withPath(JOBS).andReturn(503, "upstream connect error").always();
        KubernetesJobRunner runner = runner();

        KubernetesSandboxException e = catchThrowableOfType(KubernetesSandboxException.class,
                () -> runner.run(request("req-down", 0, runner.config())));

        assertThat(e.reason()).isEqualTo(Reason.API_UNAVAILABLE);
        assertThat(e.retriable()).isTrue();
        assertThat(e.getMessage()).contains("after 4 attempts", "HTTP 503 upstream connect error");
        assertThat(emulator.count("POST", JOBS)).isEqualTo(4);
    }

    @Test
    void failsClearlyOnForbiddenWithoutRetrying() {
        emulator.expect().post().withPath(JOBS).andReturn(403, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                + "\"message\":\"jobs.batch is forbidden: User \\\"system:serviceaccount:assay:executor\\\" cannot create resource \\\"jobs\\\"\","
                + "\"reason\":\"Forbidden\",\"code\":403}").always();
        KubernetesJobRunner runner = runner();

        KubernetesSandboxException e = catchThrowableOfType(KubernetesSandboxException.class,
                () -> runner.run(request("req-rbac", 0, runner.config())));

        assertThat(e.reason()).isEqualTo(Reason.FORBIDDEN);
        assertThat(e.retriable()).isFalse();
        assertThat(e.getMessage()).startsWith("executor's ServiceAccount lacks RBAC to create Jobs in assay-sandbox")
                .contains("cannot create resource");
        assertThat(emulator.count("POST", JOBS)).isEqualTo(1);
    }

    @Test
    void deletesTheJobWhenTheWorkspaceConfigMapCannotBeCreated() throws Exception {
        emulator.expect().post().withPath(CONFIG_MAPS).andReturn(403, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                + "\"message\":\"configmaps \\\"x\\\" is forbidden: exceeded quota: sandbox, requested: count/configmaps=1\","
                + "\"reason\":\"Forbidden\",\"code\":403}").always();
        KubernetesJobRunner runner = runner();

        KubernetesSandboxException e = catchThrowableOfType(KubernetesSandboxException.class,
                () -> runner.run(request("req-quota", 0, runner.config())));

        assertThat(e.reason()).isEqualTo(Reason.QUOTA_EXCEEDED);
        assertThat(e.getMessage()).contains("ResourceQuota of namespace assay-sandbox");
        assertThat(emulator.count("POST", JOBS)).isEqualTo(1);
        assertThat(emulator.count("POST", SECRETS)).as("the Secret comes after the ConfigMap").isZero();
        assertThat(emulator.count("DELETE", JOBS + "/assay-req-quota-a0")).isEqualTo(1);
        assertCleanedUp("assay-req-quota-a0");
    }

    @Test
    void refusesAWorkspaceLargerThanAConfigMapBeforeCallingTheApi() {
        KubernetesJobRunner runner = runner();
        JobRequest huge = new JobRequest("req-huge", 0, 1, "python", "test", Map.of("blob.txt", "x".repeat(1024 * 1024 + 1)),
                List.of("python3"), Map.of(), HANDSHAKE, runner.config().defaultLimits());

        assertThatThrownBy(() -> runner.run(huge)).isInstanceOfSatisfying(KubernetesSandboxException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.WORKSPACE_TOO_LARGE))
                .hasMessageContaining("more than the 1048576 bytes a Kubernetes ConfigMap can hold");
        assertThat(emulator.count("POST", JOBS) + emulator.count("POST", CONFIG_MAPS)).isZero();
    }

    @Test
    void failsOnAnUnreachableApiServerAfterRetrying() throws Exception {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        io.kubernetes.client.openapi.ApiClient client = new io.kubernetes.client.util.ClientBuilder()
                .setBasePath("http://127.0.0.1:" + port).build();
        KubernetesJobRunner runner = new KubernetesJobRunner(client, config(Map.of()));

        KubernetesSandboxException e = catchThrowableOfType(KubernetesSandboxException.class,
                () -> runner.run(request("req-offline", 0, runner.config())));

        assertThat(e.reason()).isEqualTo(Reason.API_UNAVAILABLE);
        assertThat(e.getMessage()).contains("did not create Jobs assay-req-offline-a0", "after 4 attempts", "ConnectException");
    }

    @Test
    void anInterruptedRunDeletesItsJobAndKeepsTheInterruptFlag() throws Exception {
        cluster(Script.runsForever());
        KubernetesJobRunner runner = runner();
        java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean flagKept = new java.util.concurrent.atomic.AtomicBoolean();
        Thread worker = new Thread(() -> {
            try {
                runner.run(request("req-shutdown", 0, runner.config()));
            } catch (KubernetesSandboxException e) {
                thrown.set(e);
            } finally {
                flagKept.set(Thread.currentThread().isInterrupted());
            }
        });
        worker.start();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> controller.pods().size() == 1);
        worker.interrupt();
        worker.join(30_000);

        assertThat(thrown.get()).isInstanceOfSatisfying(KubernetesSandboxException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.INTERRUPTED));
        assertThat(flagKept).isTrue();
        assertThat(emulator.count("DELETE", SECRETS + "/assay-req-shutdown-a0-hs")).isEqualTo(1);
        assertCleanedUp("assay-req-shutdown-a0");
    }
}
