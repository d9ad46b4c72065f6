package dev.assay.executor.kubernetes;

import static dev.assay.executor.kubernetes.KubernetesJobRunnerTest.JOBS;
import static dev.assay.executor.kubernetes.KubernetesJobRunnerTest.LOG_LIMIT;
import static dev.assay.executor.kubernetes.KubernetesJobRunnerTest.NS;
import static dev.assay.executor.kubernetes.KubernetesJobRunnerTest.config;
import static dev.assay.executor.kubernetes.KubernetesJobRunnerTest.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.assay.executor.kubernetes.FakeJobController.Script;
import dev.assay.executor.kubernetes.JobResult.Status;
import dev.assay.executor.kubernetes.KubernetesSandboxException.Reason;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import io.kubernetes.client.openapi.models.V1Job;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A replayed Kafka record for the same attempt and candidate must find the existing Job, never start a second run of
 * the code; the other candidates of that attempt run as Jobs of their own.
 */
class KubernetesJobReplayTest {
    private KubernetesApiEmulator emulator;
    private FakeJobController controller;

    @BeforeEach
    void start() {
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

    @ParameterizedTest(name = "candidate {0}")
    @ValueSource(ints = {1, 2})
    void aReplayAfterAnExecutorCrashWaitsForTheJobTheCrashedExecutorCreated(int candidate) throws Exception {
        KubernetesSandboxConfig config = config(Map.of());
        JobRequest request = request("req-replay", 1, candidate, config);
        // The crashed executor got as far as creating the Job.
        assertTheReplayReuses(new JobSpecFactory(config).plan(request).job(), request, config);
    }

    @Test
    void aJobCreatedBeforeCandidatesExistedIsReusedByTheFirstCandidate() throws Exception {
        KubernetesSandboxConfig config = config(Map.of());
        JobRequest request = request("req-old", 1, 1, config);
        V1Job unlabelled = new JobSpecFactory(config).plan(request).job();
        Map<String, String> labels = new java.util.HashMap<>(unlabelled.getMetadata().getLabels());
        labels.remove(JobNames.CANDIDATE_LABEL);
        unlabelled.getMetadata().labels(labels);

        assertTheReplayReuses(unlabelled, request, config);
    }

    private void assertTheReplayReuses(V1Job leftOverSpec, JobRequest request, KubernetesSandboxConfig config) throws Exception {
        V1Job leftOver = new BatchV1Api(emulator.client()).createNamespacedJob(NS, leftOverSpec).execute();
        controller = new FakeJobController(emulator, NS, LOG_LIMIT, Script.completes("{\"run\":\"first\"}", "once\n"));

        JobResult result = new KubernetesJobRunner(emulator.client(), config).run(request);

        assertThat(result.status()).isEqualTo(Status.SUCCEEDED);
        assertThat(result.terminationMessage()).isEqualTo("{\"run\":\"first\"}");
        assertThat(controller.jobs()).singleElement()
                .satisfies(job -> assertThat(job.getMetadata().getUid()).isEqualTo(leftOver.getMetadata().getUid()));
        assertThat(controller.pods()).hasSize(1);
        assertThat(emulator.count("POST", JOBS)).as("left-over create plus the replay's attempt").isEqualTo(2);
        assertThat(new BatchV1Api(emulator.client()).listNamespacedJob(NS).execute().getItems()).isEmpty();
    }

    @Test
    void twoExecutorsRunningTheSameAttemptAtOnceShareOneJob() throws Exception {
        KubernetesSandboxConfig config = config(Map.of());
        JobRequest request = request("req-twice", 0, config);
        controller = new FakeJobController(emulator, NS, LOG_LIMIT, Script.completes("{}", "once\n")).holdCompletion();
        KubernetesJobRunner first = new KubernetesJobRunner(emulator.client(), config);
        KubernetesJobRunner second = new KubernetesJobRunner(emulator.client(), config);

        // Own threads: the common pool has a single worker on a two-core machine.
        ExecutorService executors = Executors.newFixedThreadPool(2);
        List<JobResult> results;
        try {
            CompletableFuture<JobResult> a = CompletableFuture.supplyAsync(() -> runUnchecked(first, request), executors);
            CompletableFuture<JobResult> b = CompletableFuture.supplyAsync(() -> runUnchecked(second, request), executors);
            await().atMost(Duration.ofSeconds(30)).until(() -> emulator.count("POST", JOBS) == 2 && controller.pods().size() == 1);
            controller.release();
            results = List.of(a.get(60, TimeUnit.SECONDS), b.get(60, TimeUnit.SECONDS));
        } finally {
            executors.shutdownNow();
        }

        assertThat(controller.jobs()).hasSize(1);
        assertThat(controller.pods()).hasSize(1);
        assertThat(results).anySatisfy(r -> assertThat(r.status()).isEqualTo(Status.SUCCEEDED));
        // Whichever executor finishes second may find the Job already deleted by the first: never a second run.
        assertThat(results).allSatisfy(r -> assertThat(r.status() == Status.SUCCEEDED
                || (r.status() == Status.ERROR && r.detail().contains("deleted before it finished"))).isTrue());
    }

    @Test
    void candidatesOfOneAttemptRunAtOnceAsJobsOfTheirOwn() throws Exception {
        KubernetesSandboxConfig config = config(Map.of());
        JobRequest first = request("req-candidates", 1, 1, config);
        JobRequest second = request("req-candidates", 1, 2, config);
        controller = new FakeJobController(emulator, NS, LOG_LIMIT, Script.completes("{}", "ran\n")).holdCompletion();
        KubernetesJobRunner runner = new KubernetesJobRunner(emulator.client(), config);
        BatchV1Api batch = new BatchV1Api(emulator.client());

        ExecutorService executors = Executors.newFixedThreadPool(2);
        List<JobResult> results;
        try {
            CompletableFuture<JobResult> a = CompletableFuture.supplyAsync(() -> runUnchecked(runner, first), executors);
            CompletableFuture<JobResult> b = CompletableFuture.supplyAsync(() -> runUnchecked(runner, second), executors);
            // Sharing a name would leave one Job answering both creates with 409.
            await().atMost(Duration.ofSeconds(30)).until(() -> batch.listNamespacedJob(NS).execute().getItems().size() == 2);
            controller.release();
            results = List.of(a.get(60, TimeUnit.SECONDS), b.get(60, TimeUnit.SECONDS));
        } finally {
            executors.shutdownNow();
        }

        assertThat(results).extracting(JobResult::jobName).containsExactly("assay-req-candidates-a1", "assay-req-candidates-a1c2");
        assertThat(results).allSatisfy(r -> assertThat(r.status()).isEqualTo(Status.SUCCEEDED));
        assertThat(controller.jobs()).extracting(job -> job.getMetadata().getLabels().get(JobNames.CANDIDATE_LABEL))
                .containsExactlyInAnyOrder("1", "2");
        assertThat(controller.pods()).hasSize(2);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {JobNames.REQUEST_ID_LABEL, JobNames.ATTEMPT_LABEL, JobNames.CANDIDATE_LABEL})
    void leavesAJobOfTheSameNameLabelledForAnotherRunAlone(String mismatchingLabel) throws Exception {
        KubernetesSandboxConfig config = config(Map.of());
        JobRequest mine = request("req-mine", 0, config);
        V1Job foreign = new JobSpecFactory(config).plan(mine).job();
        Map<String, String> labels = new java.util.HashMap<>(foreign.getMetadata().getLabels());
        labels.put(mismatchingLabel, "7");
        foreign.getMetadata().labels(labels);
        new BatchV1Api(emulator.client()).createNamespacedJob(NS, foreign).execute();
        KubernetesJobRunner runner = new KubernetesJobRunner(emulator.client(), config);

        KubernetesSandboxException e = catchThrowableOfType(KubernetesSandboxException.class, () -> runner.run(mine));

        assertThat(e.reason()).isEqualTo(Reason.NAME_CONFLICT);
        assertThat(e.getMessage()).contains("not labelled for request req-mine attempt 0");
        assertThat(new BatchV1Api(emulator.client()).readNamespacedJob(foreign.getMetadata().getName(), NS).execute())
                .as("the foreign Job survives").isNotNull();
        assertThat(emulator.count("DELETE", JOBS + "/" + foreign.getMetadata().getName())).isZero();
    }

    private static JobResult runUnchecked(KubernetesJobRunner runner, JobRequest request) {
        try {
            return runner.run(request);
        } catch (KubernetesSandboxException e) {
            throw new CompletionException(e);
        }
    }
}
