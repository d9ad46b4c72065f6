package dev.assay.executor.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assay.avro.Violation;
import dev.assay.executor.kubernetes.FakeJobController.Script;
import dev.assay.executor.sandbox.SandboxException;
import dev.assay.executor.sandbox.SandboxLimits;
import dev.assay.executor.sandbox.SandboxRequest;
import dev.assay.executor.sandbox.SandboxResult;
import dev.assay.runtime.RetriableStageException;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Kubernetes backend behind the executor's {@code Sandbox} contract, over HTTP against the emulated API server. */
class KubernetesSandboxTest {
    private static final String NS = KubernetesJobRunnerTest.NS;
    private static final int OUTPUT_BYTES = 1024;
    private static final int LOG_LIMIT = 2 * OUTPUT_BYTES + KubernetesSandbox.REPORT_ALLOWANCE_BYTES;
    private static final String MARKER = "@@assay-report-test@@";

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

    private SandboxRequest request(String requestId, int attempt) {
        return request(requestId, attempt, 1);
    }

    private SandboxRequest request(String requestId, int attempt, int candidate) {
        return new SandboxRequest(workspace, List.of("/usr/bin/python3", "-I", "python_harness.py"), List.of(Path.of("/opt/ignored")),
                Map.of(), new SandboxLimits(Duration.ofSeconds(30), 30, 256L * 1024 * 1024, 32, OUTPUT_BYTES, 1024 * 1024),
                MARKER, new SandboxRequest.Run(requestId, attempt, candidate, "PYTHON"));
    }

    @Test
    void splitsTheHarnessReportFromTheProgramOutputInThePodLog() throws Exception {
        String report = "{\"tests\":[{\"name\":\"test_add\",\"status\":\"PASSED\"}]}";
        controller = new FakeJobController(emulator, NS, LOG_LIMIT, Script.completes("{}", "collecting\n" + MARKER + "\n" + report));

        SandboxResult result = sandbox.run(request("req-ok", 2, 3));

        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).isEqualTo("collecting\n");
        assertThat(result.report()).isEqualTo(report);
        assertThat(result.timedOut()).isFalse();
        assertThat(result.enforced()).isEqualTo(Violation.NONE);
        assertThat(controller.jobs()).singleElement().satisfies(job -> {
            assertThat(job.getMetadata().getName()).isEqualTo("assay-req-ok-a2c3");
            assertThat(job.getMetadata().getLabels()).containsEntry("assay.dev/request-id", "req-ok").containsEntry("assay.dev/attempt", "2")
                    .containsEntry("assay.dev/candidate", "3");
        });
        assertThat(new BatchV1Api(emulator.client()).listNamespacedJob(NS).execute().getItems()).as("Job deleted after the run").isEmpty();
    }

    @Test
    void reportsTheKubeletsOomKillAsAMemoryViolation() throws Exception {
        controller = new FakeJobController(emulator, NS, LOG_LIMIT, Script.fails(137, "OOMKilled", null, "allocating\n", "BackoffLimitExceeded"));

        SandboxResult result = sandbox.run(request("req-oom", 1));

        assertThat(result.enforced()).isEqualTo(Violation.MEMORY);
        assertThat(result.report()).isNull();
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
        emulator.expect().post().withPath(KubernetesJobRunnerTest.JOBS).andReturn(403, "{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                + "\"status\":\"Failure\",\"message\":\"jobs.batch is forbidden\",\"reason\":\"Forbidden\",\"code\":403}").always();

        assertThatThrownBy(() -> sandbox.run(request("req-rbac", 1))).isInstanceOf(SandboxException.class)
                .hasMessageContaining("RBAC");
    }

    @Test
    void refusesBinaryWorkspaceFilesBeforeCallingTheCluster() throws Exception {
        Files.write(workspace.resolve("blob.bin"), new byte[] {(byte) 0xff, (byte) 0xfe, 0});

        assertThatThrownBy(() -> sandbox.run(request("req-binary", 1))).isInstanceOf(SandboxException.class)
                .hasMessageContaining("blob.bin");
        assertThat(emulator.count("POST", KubernetesJobRunnerTest.JOBS)).isZero();
    }
}
