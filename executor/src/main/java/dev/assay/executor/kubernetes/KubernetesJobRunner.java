package dev.assay.executor.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assay.executor.kubernetes.JobOutcomes.Progress;
import dev.assay.executor.kubernetes.JobOutcomes.Verdict;
import dev.assay.executor.kubernetes.KubernetesSandboxException.Reason;
import dev.assay.executor.kubernetes.ObservedState.JobState;
import dev.assay.executor.kubernetes.ObservedState.PodState;
import dev.assay.executor.sandbox.SandboxRequest;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one request as a Kubernetes Job and waits for its result: the production sandbox backend.
 *
 * <p>Per run: create the Job (name from request id + attempt + candidate + phase; an existing Job of that name is
 * reused, so a replayed record never runs the code twice at once), create the workspace ConfigMap and, for a run with
 * a handshake, the handshake Secret, both owned by the Job; poll the Job and its pod until the Job is Complete or
 * Failed (or the deadline plus {@code wait.grace.seconds} passes), read the runner's termination message, exit code
 * and log, then delete the Job (background propagation takes the pod), the ConfigMap and the Secret, also when
 * anything failed. The API server emulation used in tests does not serve HTTP watches, and one GET per poll interval
 * per running Job is cheap at the executor's concurrency, so the runner polls.
 *
 * <p>A run that joins an existing Job also finds that Job's handshake Secret, written by whichever executor created
 * the Job with its own nonce: the pod reads that one, so the result carries it ({@link JobResult#handshake()}).
 *
 * <p>Thread-safe: one instance serves all executor slots.
 */
public final class KubernetesJobRunner {
    private static final Logger log = LoggerFactory.getLogger(KubernetesJobRunner.class);

    private final KubernetesSandboxConfig config;
    private final KubernetesApi api;
    private final JobSpecFactory specs;

    /**
     * @param client the API client (base path, credentials, timeouts); see {@link #connect(KubernetesSandboxConfig)}
     * @param config the sandbox settings
     */
    public KubernetesJobRunner(ApiClient client, KubernetesSandboxConfig config) {
        this.config = Objects.requireNonNull(config);
        this.api = new KubernetesApi(client, config.namespace(), config.apiRetries(), config.apiBackoff());
        this.specs = new JobSpecFactory(config);
    }

    /**
     * A runner on the standard client configuration: the pod's ServiceAccount in-cluster, else {@code $KUBECONFIG}
     * or {@code ~/.kube/config}. The ServiceAccount needs, in the sandbox namespace only: create/get/delete on
     * {@code jobs.batch}, {@code configmaps} and {@code secrets}, list on {@code pods}, get on {@code pods/log}.
     *
     * @throws IOException when no configuration can be read
     */
    public static KubernetesJobRunner connect(KubernetesSandboxConfig config) throws IOException {
        return new KubernetesJobRunner(ClientBuilder.standard().build(), config);
    }

    /** The settings this runner uses. */
    public KubernetesSandboxConfig config() {
        return config;
    }

    /**
     * Runs the request to a result; whatever the code under test does ends up in the result, never in an exception.
     *
     * @throws KubernetesSandboxException when the sandbox itself cannot run it (invalid workspace, RBAC, API down,
     *                                    name conflict, interrupted); the Job, ConfigMap and Secret are deleted first
     */
    public JobResult run(JobRequest request) throws KubernetesSandboxException {
        long started = System.nanoTime();
        JobSpecFactory.Plan plan = specs.plan(request);
        log.info("Running {} as Job {} in {} ({} workspace files, {} bytes{})", describe(request), plan.jobName(),
                config.namespace(), request.files().size(), plan.workspace().bytes(),
                plan.secretName() == null ? ", no handshake" : ", handshake in Secret " + plan.secretName());
        // Deletion is skipped only for an object found to belong to another request.
        Cleanup cleanup = new Cleanup(plan);
        KubernetesSandboxException failure = null;
        try {
            KubernetesApi.Created job = api.createJob(plan.job());
            JobState created = ObservedState.job(job.object());
            if (!job.created()) {
                // A foreign Job of this name means the names of its ConfigMap and Secret are foreign too.
                cleanup.foreignJob(!ownedBy(plan, created.labels()));
                requireOwned(cleanup.job, "Job", plan.jobName(), request);
                log.info("Job {} already exists (replayed {}); waiting for it instead of starting another",
                        plan.jobName(), describe(request));
            }
            KubernetesApi.Created configMap = api.createConfigMap(specs.configMap(plan, created.uid()));
            if (!configMap.created()) {
                cleanup.configMap = ownedBy(plan, labels(configMap.object()));
                requireOwned(cleanup.configMap, "ConfigMap", plan.configMapName(), request);
            }
            String handshake = plan.secretName() == null ? "" : createSecret(plan, request, created.uid(), cleanup);
            JobResult result = await(plan, request.limits(), started, handshake);
            log.info("Job {} for {} ended {} ({}) in {} ms", plan.jobName(), describe(request), result.status(),
                    result.violation(), result.duration().toMillis());
            return result;
        } catch (KubernetesSandboxException e) {
            failure = e;
            throw e;
        } finally {
            cleanUp(cleanup, failure);
        }
    }

    /**
     * Creates the handshake Secret and returns the handshake the pod will read: the request's own, or the one already
     * stored under that name for this run by the executor that created the Job (its pod may be running with it).
     */
    private String createSecret(JobSpecFactory.Plan plan, JobRequest request, String jobUid, Cleanup cleanup)
            throws KubernetesSandboxException {
        KubernetesApi.Created secret = api.createSecret(specs.secret(plan, request, jobUid));
        if (secret.created()) {
            return request.handshake();
        }
        cleanup.secret = ownedBy(plan, labels(secret.object()));
        requireOwned(cleanup.secret, "Secret", plan.secretName(), request);
        String stored = storedHandshake(secret.object());
        if (stored == null) {
            throw new KubernetesSandboxException(Reason.NAME_CONFLICT, "Secret " + plan.secretName() + " in "
                    + config.namespace() + " is labelled for " + describe(request) + " but holds no handshake under key '"
                    + JobSpecFactory.HANDSHAKE_KEY + "'; cannot tell which handshake its pod reads");
        }
        if (!stored.equals(request.handshake())) {
            log.info("Secret {} already holds the handshake of the executor that started Job {}; {} reads that run's records",
                    plan.secretName(), plan.jobName(), describe(request));
        }
        return stored;
    }

    /** The handshake in a Secret as the API server returns it (base64 {@code data}), null when it has none. */
    private static String storedHandshake(JsonNode secret) {
        JsonNode value = secret.path("data").path(JobSpecFactory.HANDSHAKE_KEY);
        if (!value.isTextual()) {
            return null;
        }
        try {
            return new String(Base64.getDecoder().decode(value.asText()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Which of the run's objects to delete at the end: all of them, unless found to belong to another run. */
    private static final class Cleanup {
        final JobSpecFactory.Plan plan;
        boolean job = true;
        boolean configMap = true;
        boolean secret;

        Cleanup(JobSpecFactory.Plan plan) {
            this.plan = plan;
            this.secret = plan.secretName() != null;
        }

        void foreignJob(boolean foreign) {
            if (foreign) {
                job = false;
                configMap = false;
                secret = false;
            }
        }
    }

    private JobResult await(JobSpecFactory.Plan plan, JobLimits limits, long started, String handshake)
            throws KubernetesSandboxException {
        long waitNanos = Duration.ofSeconds(limits.activeDeadlineSeconds()).plus(config.waitGrace()).toNanos();
        Progress progress = new Progress();
        while (true) {
            Optional<JsonNode> jobJson = api.readJob(plan.jobName());
            if (jobJson.isEmpty()) {
                return new JobResult(JobResult.Status.ERROR, JobResult.Violation.NONE, null, "", "", false,
                        elapsed(started), plan.jobName(), null,
                        "Job was deleted before it finished (another executor ran this attempt, or someone deleted it)",
                        handshake);
            }
            JobState job = ObservedState.job(jobJson.get());
            List<PodState> pods = pods(plan.jobName());
            progress.observe(pods);
            String stuck = progress.permanentFailure(pods);
            if (stuck != null) {
                PodState pod = ObservedState.resultPod(pods);
                return new JobResult(JobResult.Status.ERROR, JobResult.Violation.NONE, null, "", "", false,
                        elapsed(started), plan.jobName(), pod == null ? null : pod.name(), stuck, handshake);
            }
            boolean waitedOut = System.nanoTime() - started > waitNanos;
            if (job.terminal() || waitedOut) {
                PodState pod = ObservedState.resultPod(pods);
                Verdict verdict = JobOutcomes.classify(job, pod, progress, config.violationExitCodes());
                return withLogs(plan, verdict, pod, limits, elapsed(started), handshake);
            }
            KubernetesApi.sleep(config.pollInterval());
        }
    }

    private JobResult withLogs(JobSpecFactory.Plan plan, Verdict verdict, PodState pod, JobLimits limits, Duration duration,
            String handshake) {
        String logs = "";
        boolean truncated = false;
        String detail = verdict.detail();
        if (pod == null) {
            detail += "; no pod left to read logs from";
        } else {
            try {
                KubernetesApi.PodLog log = api.readLog(pod.name(), JobSpecFactory.CONTAINER, limits.logBytes());
                logs = log.text();
                truncated = log.truncated();
            } catch (KubernetesSandboxException e) {
                // The verdict stands without the log; say why it is missing rather than failing the whole run.
                KubernetesJobRunner.log.warn("Cannot read the log of pod {} for Job {}: {}", pod.name(), plan.jobName(), e.getMessage());
                detail += "; log unavailable: " + e.getMessage();
            }
        }
        return new JobResult(verdict.status(), verdict.violation(), verdict.exitCode(), verdict.terminationMessage(), logs,
                truncated, duration, plan.jobName(), pod == null ? null : pod.name(), detail, handshake);
    }

    /** Pods of the Job by the label the Job controller sets ({@code batch.kubernetes.io/job-name}, or the pre-1.27 one). */
    private List<PodState> pods(String jobName) throws KubernetesSandboxException {
        List<JsonNode> items = api.listPods("batch.kubernetes.io/job-name=" + jobName);
        if (items.isEmpty()) {
            items = api.listPods("job-name=" + jobName);
        }
        List<PodState> pods = new ArrayList<>();
        for (JsonNode item : items) {
            pods.add(ObservedState.pod(item, JobSpecFactory.CONTAINER, JobSpecFactory.INIT_CONTAINER));
        }
        return pods;
    }

    private void cleanUp(Cleanup cleanup, KubernetesSandboxException failure) {
        JobSpecFactory.Plan plan = cleanup.plan;
        // Deleting must happen even on an interrupt (shutdown): clear the flag for the calls, then restore it.
        boolean interrupted = Thread.interrupted();
        try {
            if (cleanup.job) {
                deleteQuietly("Job", plan.jobName(), () -> api.deleteJob(plan.jobName()), failure);
            }
            if (cleanup.configMap) {
                deleteQuietly("ConfigMap", plan.configMapName(), () -> api.deleteConfigMap(plan.configMapName()), failure);
            }
            if (cleanup.secret) {
                deleteQuietly("Secret", plan.secretName(), () -> api.deleteSecret(plan.secretName()), failure);
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @FunctionalInterface
    private interface Deletion {
        void run() throws KubernetesSandboxException;
    }

    /**
     * A failed deletion must not hide the run's result or its original error: it is logged (and attached to the
     * original error); ttlSecondsAfterFinished and the owner references of the ConfigMap and Secret remove the objects
     * later.
     */
    private void deleteQuietly(String kind, String name, Deletion deletion, KubernetesSandboxException failure) {
        try {
            deletion.run();
        } catch (KubernetesSandboxException e) {
            if (failure != null) {
                // The caller gets the whole story from the original error; the log line just says what is left behind.
                failure.addSuppressed(e);
                log.warn("Cannot delete {} {} in {}; the Job's TTL and garbage collection will remove it: {}", kind, name,
                        config.namespace(), e.getMessage());
            } else {
                log.warn("Cannot delete {} {} in {}; the Job's TTL and garbage collection will remove it", kind, name,
                        config.namespace(), e);
            }
        }
    }

    private static boolean ownedBy(JobSpecFactory.Plan plan, Map<String, String> labels) {
        return Objects.equals(labels.get(JobNames.REQUEST_ID_LABEL), plan.labels().get(JobNames.REQUEST_ID_LABEL))
                && Objects.equals(labels.get(JobNames.ATTEMPT_LABEL), plan.labels().get(JobNames.ATTEMPT_LABEL))
                // Objects created before candidates existed have no candidate label and ran the only candidate;
                // objects created before phases existed have no phase label and ran the tests.
                && labels.getOrDefault(JobNames.CANDIDATE_LABEL, "1").equals(plan.labels().get(JobNames.CANDIDATE_LABEL))
                && labels.getOrDefault(JobNames.PHASE_LABEL, SandboxRequest.Run.TEST).equals(plan.labels().get(JobNames.PHASE_LABEL));
    }

    private void requireOwned(boolean owned, String kind, String name, JobRequest request) throws KubernetesSandboxException {
        if (!owned) {
            throw new KubernetesSandboxException(Reason.NAME_CONFLICT, kind + " " + name + " in " + config.namespace()
                    + " exists but is not labelled for " + describe(request) + "; leaving it alone");
        }
    }

    /** "request r-1 attempt 2", plus the candidate when there are several, plus the phase when it is not the test run. */
    private static String describe(JobRequest request) {
        return "request " + request.requestId() + " " + SandboxRequest.Run.describe(request.attempt(), request.candidate())
                + (SandboxRequest.Run.TEST.equals(request.phase()) ? "" : " (" + request.phase() + " run)");
    }

    private static Map<String, String> labels(JsonNode object) {
        Map<String, String> labels = new java.util.TreeMap<>();
        object.path("metadata").path("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        return labels;
    }

    private static Duration elapsed(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }
}
