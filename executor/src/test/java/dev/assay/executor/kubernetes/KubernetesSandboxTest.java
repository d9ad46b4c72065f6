package dev.assay.executor.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.assay.avro.Violation;
import dev.assay.executor.kubernetes.FakeJobController.Script;
import dev.assay.executor.sandbox.SandboxException;
import dev.assay.executor.sandbox.SandboxLimits;
import dev.assay.executor.sandbox.SandboxRequest;
import dev.assay.executor.sandbox.SandboxResult;
import dev.assay.runtime.RetriableStageException;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes backend behind the executor's {@code Sandbox} contract, over HTTP against the emulated API server: the
 * handshake reaches the pod through the Secret, and the pod log splits into output and harness records.
 */
class KubernetesSandboxTest {
    private static final String NS = KubernetesJobRunnerTest.NS;
    private static final int OUTPUT_BYTES = 1024;
    private static final int LOG_LIMIT = 2 * OUTPUT_BYTES + KubernetesSandbox.REPORT_ALLOWANCE_BYTES;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NONCE = "3c".repeat(32);
    private static final String BEGIN = "BEGIN {\"harness\":\"python\",\"mode\":\"test\"}";
    private static final String REPORT = "REPORT {\"tests\":[{\"id\":\"tests/test_solution.py::test_add\",\"status\":\"PASSED\"}],"
            + "\"probes\":[],\"errors\":[],\"integrity\":[],\"usage\":null}";

    @TempDir
    Path workspace;
    private KubernetesApiEmulator emulator;
    private FakeJobController controller;
    private KubernetesSandbox sandbox;

    @BeforeEach
    void start() throws Exception {
        emulator = new KubernetesApiEmulator();
        sandbox = new KubernetesSandbox(new KubernetesJobRunner(emulator.client(), KubernetesJobRunnerTest.config(Map.of())));
        Files.writeString(workspace.resolve("solution.py"), "def add(a, b):\n    return a + b\n");
        Files.createDirectories(workspace.resolve("tests"));
        Files.writeString(workspace.resolve("tests/test_solution.py"), "from solution import add\n");
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (controller != null) {
            controller.close();
            assertThat(controller.errors()).as("fake controller errors").isEmpty();
        }
        emulator.close();
    }

    private static String handshake(String nonce) {
        return "{\"nonce\":\"" + nonce + "\",\"mode\":\"test\",\"root\":\"/workspace\",\"requestFiles\":[\"tests/test_solution.py\"],"
                + "\"requestTests\":[\"tests/test_solution.py\"],\"generated\":[\"solution.py\"],\"targetPaths\":[\"solution.py\"],"
                + "\"memoryBytes\":268435456}\n";
    }

    private SandboxRequest request(String requestId, int attempt, int candidate, String phase, String nonce) {
        return new SandboxRequest(workspace, List.of("/usr/bin/python3", "-I", "-B", "/opt/assay/harness/python/assay_harness.py"),
                List.of(SandboxRequest.Mount.samePath(Path.of("/opt/assay/harness"))), Map.of(),
                new SandboxLimits(Duration.ofSeconds(30), 30, 256L * 1024 * 1024, 32, OUTPUT_BYTES, 1024 * 1024),
                nonce == null ? "" : handshake(nonce), nonce, new SandboxRequest.Run(requestId, attempt, candidate, "PYTHON", phase));
    }

    private SandboxRequest request(String requestId, int attempt) {
        return request(requestId, attempt, 1, SandboxRequest.Run.TEST, NONCE);
    }

    /** What the harness in the pod prints: its records carry the nonce of the handshake the init container copied. */
    private static Function<String, String> harnessPrinting(String output) {
        return handshake -> {
            String nonce = nonceIn(handshake);
            return "\n" + nonce + " " + BEGIN + "\n" + output + "\n" + nonce + " " + REPORT + "\n";
        };
    }

    private static String nonceIn(String handshake) {
        try {
            return JSON.readTree(handshake).path("nonce").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void thePodReadsTheHandshakeFromTheSecretAndItsRecordsAreSplitFromTheOutput() throws Exception {
        controller = new FakeJobController(emulator, NS, LOG_LIMIT, Script.harness(harnessPrinting("collecting\n1 passed\n")));

        SandboxResult result = sandbox.run(request("req-ok", 2, 3, SandboxRequest.Run.TEST, NONCE));

        assertThat(controller.handshakes()).containsExactly(handshake(NONCE));
        assertThat(result.records()).containsExactly(BEGIN, REPORT);
        assertThat(result.stdout()).isEqualTo("\ncollecting\n1 passed\n\n").doesNotContain(NONCE);
        assertThat(result.outputAfterReport()).isFalse();
        assertThat(result.exitCode()).isZero();
        assertThat(result.timedOut()).isFalse();
        assertThat(result.enforced()).isEqualTo(Violation.NONE);
        assertThat(controller.jobs()).singleElement().satisfies(job -> {
            assertThat(job.getMetadata().getName()).isEqualTo("assay-req-ok-a2c3");
            assertThat(job.getMetadata().getLabels()).containsEntry("assay.dev/request-id", "req-ok").containsEntry("assay.dev/attempt", "2")
                    .containsEntry("assay.dev/candidate", "3").containsEntry("assay.dev/phase", "test");
            assertThat(job.getSpec().getTemplate().getSpec().getContainers().getFirst().getArgs())
                    .containsExactly("assay-entrypoint", "/usr/bin/python3", "-I", "-B", "/opt/assay/harness/python/assay_harness.py");
            assertThat(job.getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv())
                    .extracting(e -> e.getName() + "=" + e.getValue()).contains("ASSAY_HANDSHAKE_FILE=/assay/handshake/handshake.json")
                    .noneMatch(e -> e.contains(NONCE));
        });
        assertThat(new BatchV1Api(emulator.client()).listNamespacedJob(NS).execute().getItems()).as("Job deleted after the run").isEmpty();
        assertThat(new CoreV1Api(emulator.client()).listNamespacedSecret(NS).execute().getItems()).as("Secret deleted after the run").isEmpty();
    }

    @Test
    void recordsWithAnotherNonceAreNoRecordsButProgramOutput() throws Exception {
        String forged = "9f".repeat(32);
        controller = new FakeJobController(emulator, NS, LOG_LIMIT, Script.harness(handshake -> harnessPrinting("ok\n").apply(handshake(forged))));

        SandboxResult result = sandbox.run(request("req-forged", 1));

        assertThat(result.records()).isEmpty();
        assertThat(result.stdout()).contains(forged + " " + REPORT).doesNotContain(NONCE);
    }

    @Test
    void aReplayJoiningTheCrashedExecutorsJobReadsItsPodsRecordsUnderItsOwnNonce() throws Exception {
        String crashedNonce = "c0".repeat(32);
        SandboxRequest crashed = request("req-replayed", 1, 1, SandboxRequest.Run.TEST, crashedNonce);
        KubernetesSandboxConfig config = KubernetesJobRunnerTest.config(Map.of());
        JobRequest crashedJob = new JobRequest("req-replayed", 1, 1, "PYTHON", "test", KubernetesSandbox.readWorkspace(workspace),
                crashed.command(), Map.of(), crashed.stdin(), config.defaultLimits());
        JobSpecFactory specs = new JobSpecFactory(config);
        JobSpecFactory.Plan plan = specs.plan(crashedJob);
        String uid = new BatchV1Api(emulator.client()).createNamespacedJob(NS, plan.job()).execute().getMetadata().getUid();
        new CoreV1Api(emulator.client()).createNamespacedSecret(NS, specs.secret(plan, crashedJob, uid)).execute();
        // The code under test could not know either nonce; a stray copy of the pod's one still counts as the nonce.
        controller = new FakeJobController(emulator, NS, LOG_LIMIT,
                Script.harness(handshake -> harnessPrinting("echo " + nonceIn(handshake) + "\n").apply(handshake)));

        SandboxResult result = sandbox.run(request("req-replayed", 1));

        assertThat(controller.handshakes()).containsExactly(handshake(crashedNonce));
        assertThat(result.records()).containsExactly(BEGIN, REPORT);
        assertThat(result.stdout()).isEqualTo("\necho " + NONCE + "\n\n").doesNotContain(crashedNonce);
    }

    @Test
    void theAnalysisRunIsAJobOfItsOwn() throws Exception {
        controller = new FakeJobController(emulator, NS, LOG_LIMIT, Script.harness(harnessPrinting("")));

        SandboxResult result = sandbox.run(request("req-analysis", 0, 1, SandboxRequest.Run.ANALYSIS, NONCE));

        assertThat(result.records()).containsExactly(BEGIN, REPORT);
        assertThat(controller.jobs()).singleElement().satisfies(job -> {
            assertThat(job.getMetadata().getName()).isEqualTo("assay-req-analysis-a0-analysis");
            assertThat(job.getMetadata().getLabels()).containsEntry("assay.dev/phase", "analysis");
        });
    }

    @Test
    void aRunWithoutAHandshakeHasNoSecretAndNoRecords() throws Exception {
        controller = new FakeJobController(emulator, NS, LOG_LIMIT, Script.completes("{}", "plain output\n"));

        SandboxResult result = sandbox.run(request("req-plain", 0, 1, SandboxRequest.Run.TEST, null));

        assertThat(result.stdout()).isEqualTo("plain output\n");
        assertThat(result.records()).isEmpty();
        assertThat(controller.secrets()).isEmpty();
        assertThat(emulator.count("POST", KubernetesJobRunnerTest.SECRETS)).isZero();
    }

    @Test
    void onlyAWellFormedStoredNonceIsReplaced() {
        JobResult ran = new JobResult(JobResult.Status.SUCCEEDED, JobResult.Violation.NONE, 0, "", "x " + "c0".repeat(32), false,
                Duration.ZERO, "job", "pod", "", handshake("c0".repeat(32)));
        assertThat(KubernetesSandbox.inRequestNonce(ran, handshake(NONCE), NONCE).logs()).isEqualTo("x " + NONCE);
        assertThat(KubernetesSandbox.inRequestNonce(ran, handshake("c0".repeat(32)), "c0".repeat(32))).isSameAs(ran);
        JobResult odd = new JobResult(JobResult.Status.SUCCEEDED, JobResult.Violation.NONE, 0, "", "x", false,
                Duration.ZERO, "job", "pod", "", "{\"nonce\":\"\"}");
        assertThat(KubernetesSandbox.inRequestNonce(odd, handshake(NONCE), NONCE).logs()).isEqualTo("x");
    }

    @Test
    void reportsTheKubeletsOomKillAsAMemoryViolation() throws Exception {
        controller = new FakeJobController(emulator, NS, LOG_LIMIT, Script.fails(137, "OOMKilled", null, "allocating\n", "BackoffLimitExceeded"));

        SandboxResult result = sandbox.run(request("req-oom", 1));

        assertThat(result.enforced()).isEqualTo(Violation.MEMORY);
        assertThat(result.records()).isEmpty();
        assertThat(dev.assay.executor.Violations.classify(result, null)).isEqualTo(Violation.MEMORY);
    }

    @Test
    void anUnavailableApiServerAsksTheStageToRetryInsteadOfSpendingTheAttempt() {
        emulator.expect().post().withPath(KubernetesJobRunnerTest.JOBS).andReturn(503, "upstream connect error").always();

        assertThatThrownBy(() -> sandbox.run(request("req-down", 1))).isInstanceOf(RetriableStageException.class)
                .hasMessageContaining("req-down");
    }

    @Test
    void missingRbacIsASandboxFailureNamingThePermission() {
        emulator.expect().post().withPath(KubernetesJobRunnerTest.SECRETS).andReturn(403, "{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                + "\"status\":\"Failure\",\"message\":\"secrets is forbidden\",\"reason\":\"Forbidden\",\"code\":403}").always();

        assertThatThrownBy(() -> sandbox.run(request("req-rbac", 1))).isInstanceOf(SandboxException.class)
                .hasMessageContaining("RBAC").hasMessageContaining("Secrets").hasMessageNotContaining(NONCE);
    }

    @Test
    void refusesBinaryWorkspaceFilesBeforeCallingTheCluster() throws Exception {
        Files.write(workspace.resolve("blob.bin"), new byte[] {(byte) 0xff, (byte) 0xfe, 0});

        assertThatThrownBy(() -> sandbox.run(request("req-binary", 1))).isInstanceOf(SandboxException.class)
                .hasMessageContaining("blob.bin");
        assertThat(emulator.count("POST", KubernetesJobRunnerTest.JOBS)).isZero();
    }
}
