package dev.assay.executor.kubernetes;

import static dev.assay.executor.kubernetes.KubernetesJobRunnerTest.JOBS;
import static dev.assay.executor.kubernetes.KubernetesJobRunnerTest.CONFIG_MAPS;
import static dev.assay.executor.kubernetes.KubernetesJobRunnerTest.HANDSHAKE;
import static dev.assay.executor.kubernetes.KubernetesJobRunnerTest.LOG_LIMIT;
import static dev.assay.executor.kubernetes.KubernetesJobRunnerTest.NONCE;
import static dev.assay.executor.kubernetes.KubernetesJobRunnerTest.NS;
import static dev.assay.executor.kubernetes.KubernetesJobRunnerTest.config;
import static dev.assay.executor.kubernetes.KubernetesJobRunnerTest.SECRETS;
import static dev.assay.executor.kubernetes.KubernetesJobRunnerTest.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.assay.executor.kubernetes.FakeJobController.Script;
import dev.assay.executor.kubernetes.JobResult.Status;
import dev.assay.executor.kubernetes.KubernetesSandboxException.Reason;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1Secret;
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
 * A replayed Kafka record for the same attempt, candidate and phase must find the existing Job, never start a second
 * run of the code, and read the records its pod writes with the handshake that pod got; the other candidates of that
 * attempt, and its analysis run, run as Jobs of their own.
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

    @ParameterizedTest(name = "without {0}")
    @ValueSource(strings = {JobNames.CANDIDATE_LABEL, JobNames.PHASE_LABEL})
    void aJobCreatedBeforeCandidatesOrPhasesExistedIsReusedByTheFirstCandidatesTestRun(String missingLabel) throws Exception {
        KubernetesSandboxConfig config = config(Map.of());
        JobRequest request = request("req-old", 1, 1, config);
        V1Job unlabelled = new JobSpecFactory(config).plan(request).job();
        Map<String, String> labels = new java.util.HashMap<>(unlabelled.getMetadata().getLabels());
        labels.remove(missingLabel);
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
        // The crash came before the Secret: the replay's own handshake is the one the pod reads.
        assertThat(result.handshake()).isEqualTo(HANDSHAKE);
        assertThat(controller.handshakes()).containsExactly(HANDSHAKE);
        assertThat(new BatchV1Api(emulator.client()).listNamespacedJob(NS).execute().getItems()).isEmpty();
        assertThat(new CoreV1Api(emulator.client()).listNamespacedSecret(NS).execute().getItems()).isEmpty();
    }

    @Test
    void aReplayReadsWithTheHandshakeTheCrashedExecutorStoredForTheRunningPod() throws Exception {
        KubernetesSandboxConfig config = config(Map.of());
        String crashedHandshake = HANDSHAKE.replace(NONCE, "c0".repeat(32));
        JobRequest crashed = request("req-stored", 1, 1, "test", crashedHandshake, config);
        JobSpecFactory specs = new JobSpecFactory(config);
        JobSpecFactory.Plan plan = specs.plan(crashed);
        // The crashed executor created the Job and its handshake Secret, then died.
        V1Job leftOver = new BatchV1Api(emulator.client()).createNamespacedJob(NS, plan.job()).execute();
        new CoreV1Api(emulator.client()).createNamespacedSecret(NS, specs.secret(plan, crashed, leftOver.getMetadata().getUid())).execute();
        controller = new FakeJobController(emulator, NS, LOG_LIMIT, Script.completes("{}", "once\n"));

        JobResult result = new KubernetesJobRunner(emulator.client(), config).run(request("req-stored", 1, config));

        assertThat(result.status()).isEqualTo(Status.SUCCEEDED);
        assertThat(result.handshake()).as("what the pod read").isEqualTo(crashedHandshake);
        assertThat(controller.handshakes()).containsExactly(crashedHandshake);
        assertThat(controller.pods()).hasSize(1);
        assertThat(emulator.count("POST", SECRETS)).as("left-over create plus the replay's attempt").isEqualTo(2);
        assertThat(new CoreV1Api(emulator.client()).listNamespacedSecret(NS).execute().getItems()).as("deleted after the run").isEmpty();
    }

    @Test
    void leavesASecretOfTheSameNameLabelledForAnotherRunAlone() throws Exception {
        KubernetesSandboxConfig config = config(Map.of());
        JobRequest mine = request("req-secret", 0, config);
        JobSpecFactory specs = new JobSpecFactory(config);
        V1Secret foreign = specs.secret(specs.plan(mine), mine, null);
        Map<String, String> labels = new java.util.HashMap<>(foreign.getMetadata().getLabels());
        labels.put(JobNames.ATTEMPT_LABEL, "7");
        foreign.getMetadata().labels(labels);
        new CoreV1Api(emulator.client()).createNamespacedSecret(NS, foreign).execute();
        KubernetesJobRunner runner = new KubernetesJobRunner(emulator.client(), config);

        KubernetesSandboxException e = catchThrowableOfType(KubernetesSandboxException.class, () -> runner.run(mine));

        assertThat(e.reason()).isEqualTo(Reason.NAME_CONFLICT);
        assertThat(e.getMessage()).contains("Secret assay-req-secret-a0-hs", "not labelled for request req-secret attempt 0");
        assertThat(new CoreV1Api(emulator.client()).readNamespacedSecret("assay-req-secret-a0-hs", NS).execute())
                .as("the foreign Secret survives").isNotNull();
        assertThat(emulator.count("DELETE", SECRETS + "/assay-req-secret-a0-hs")).isZero();
        assertThat(emulator.count("DELETE", JOBS + "/assay-req-secret-a0")).isEqualTo(1);
        assertThat(emulator.count("DELETE", CONFIG_MAPS + "/assay-req-secret-a0-ws")).isEqualTo(1);
    }

    @Test
    void theTestAndAnalysisRunsOfOneCandidateRunAtOnceAsJobsOfTheirOwn() throws Exception {
        KubernetesSandboxConfig config = config(Map.of());
        JobRequest test = request("req-phases", 2, 1, "test", HANDSHAKE, config);
        JobRequest analysis = request("req-phases", 2, 1, "analysis", HANDSHAKE.replace(NONCE, "a1".repeat(32)), config);
        controller = new FakeJobController(emulator, NS, LOG_LIMIT, Script.completes("{}", "ran\n")).holdCompletion();
        KubernetesJobRunner runner = new KubernetesJobRunner(emulator.client(), config);
        CoreV1Api core = new CoreV1Api(emulator.client());

        ExecutorService executors = Executors.newFixedThreadPool(2);
        List<JobResult> results;
        try {
            CompletableFuture<JobResult> a = CompletableFuture.supplyAsync(() -> runUnchecked(runner, test), executors);
            CompletableFuture<JobResult> b = CompletableFuture.supplyAsync(() -> runUnchecked(runner, analysis), executors);
            // Sharing a name would leave one Secret answering both creates with 409.
            await().atMost(Duration.ofSeconds(30)).until(() -> core.listNamespacedSecret(NS).execute().getItems().size() == 2);
            assertThat(core.listNamespacedSecret(NS).execute().getItems()).extracting(secret -> secret.getMetadata().getName())
                    .containsExactlyInAnyOrder("assay-req-phases-a2-hs", "assay-req-phases-a2-analysis-hs");
            controller.release();
            results = List.of(a.get(60, TimeUnit.SECONDS), b.get(60, TimeUnit.SECONDS));
        } finally {
            executors.shutdownNow();
        }

        assertThat(results).extracting(JobResult::jobName).containsExactly("assay-req-phases-a2", "assay-req-phases-a2-analysis");
        assertThat(results).allSatisfy(r -> assertThat(r.status()).isEqualTo(Status.SUCCEEDED));
        assertThat(results.get(1).handshake()).isEqualTo(analysis.handshake());
        assertThat(controller.jobs()).extracting(job -> job.getMetadata().getLabels().get(JobNames.PHASE_LABEL))
                .containsExactlyInAnyOrder("test", "analysis");
        assertThat(controller.handshakes()).containsExactlyInAnyOrder(test.handshake(), analysis.handshake());
    }

    @Test
    void twoExecutorsRunningTheSameAttemptAtOnceShareOneJob() throws Exception {
        KubernetesSandboxConfig config = config(Map.of());
        JobRequest request = request("req-twice", 0, config);
        // Each executor made its own nonce for the record.
        JobRequest replayed = request("req-twice", 0, 1, "test", HANDSHAKE.replace(NONCE, "77".repeat(32)), config);
        controller = new FakeJobController(emulator, NS, LOG_LIMIT, Script.completes("{}", "once\n")).holdCompletion();
        KubernetesJobRunner first = new KubernetesJobRunner(emulator.client(), config);
        KubernetesJobRunner second = new KubernetesJobRunner(emulator.client(), config);

        // Own threads: the common pool has a single worker on a two-core machine.
        ExecutorService executors = Executors.newFixedThreadPool(2);
        List<JobResult> results;
        try {
            CompletableFuture<JobResult> a = CompletableFuture.supplyAsync(() -> runUnchecked(first, request), executors);
            CompletableFuture<JobResult> b = CompletableFuture.supplyAsync(() -> runUnchecked(second, replayed), executors);
            await().atMost(Duration.ofSeconds(30)).until(() -> emulator.count("POST", JOBS) == 2 && emulator.count("POST", SECRETS) == 2
                    && controller.pods().size() == 1);
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
        // One Secret won; both executors read the pod's records with the handshake in it.
        assertThat(controller.handshakes()).singleElement().isIn(request.handshake(), replayed.handshake());
        assertThat(results).allSatisfy(r -> assertThat(r.handshake()).isEqualTo(controller.handshakes().getFirst()));
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
    @ValueSource(strings = {JobNames.REQUEST_ID_LABEL, JobNames.ATTEMPT_LABEL, JobNames.CANDIDATE_LABEL, JobNames.PHASE_LABEL})
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
        assertThat(emulator.count("POST", SECRETS) + emulator.count("DELETE", SECRETS + "/" + foreign.getMetadata().getName() + "-hs"))
                .as("the foreign Job's Secret name is left alone too").isZero();
    }

    private static JobResult runUnchecked(KubernetesJobRunner runner, JobRequest request) {
        try {
            return runner.run(request);
        } catch (KubernetesSandboxException e) {
            throw new CompletionException(e);
        }
    }
}
