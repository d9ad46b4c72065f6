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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one request as a Kubernetes Job and waits for its result: the production sandbox backend.
 *
 * <p>Per run: create the Job (name from request id + attempt + candidate; an existing Job of that name is reused, so a
 * replayed record never runs the code twice at once), create the workspace ConfigMap owned by the Job, poll the Job
 * and its pod until the Job is Complete or Failed (or the deadline plus {@code wait.grace.seconds} passes), read the
 * runner's termination message, exit code and log, then delete the Job (background propagation takes the pod) and
 * the ConfigMap, also when anything failed. The API server emulation used in tests does not serve HTTP watches, and
 * one GET per poll interval per running Job is cheap at the executor's concurrency, so the runner polls.
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
     * {@code jobs.batch} and {@code configmaps}, list on {@code pods}, get on {@code pods/log}.
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
     *                                    name conflict, interrupted); the Job and ConfigMap are deleted first
     */
    public JobResult run(JobRequest request) throws KubernetesSandboxException {
        long started = System.nanoTime();
        JobSpecFactory.Plan plan = specs.plan(request);
        log.info("Running {} as Job {} in {} ({} workspace files, {} bytes)", describe(request), plan.jobName(),
                config.namespace(), request.files().size(), plan.workspace().bytes());
        // Deletion is skipped only for an object found to belong to another request.
        boolean deleteJob = true;
        boolean deleteConfigMap = true;
        KubernetesSandboxException failure = null;
        try {
            KubernetesApi.Created job = api.createJob(plan.job());
            JobState created = ObservedState.job(job.object());
            if (!job.created()) {
                deleteJob = ownedBy(plan, created.labels());
                // A foreign Job of this name means its ConfigMap name is foreign too.
                deleteConfigMap = deleteJob;
                requireOwned(deleteJob, "Job", plan.jobName(), request);
                log.info("Job {} already exists (replayed {}); waiting for it instead of starting another",
                        plan.jobName(), describe(request));
            }
            KubernetesApi.Created configMap = api.createConfigMap(specs.configMap(plan, created.uid()));
            if (!configMap.created()) {
                Map<String, String> labels = labels(configMap.object());
                deleteConfigMap = ownedBy(plan, labels);
                requireOwned(deleteConfigMap, "ConfigMap", plan.configMapName(), request);
            }
            JobResult result = await(plan, request.limits(), started);
            log.info("Job {} for {} ended {} ({}) in {} ms", plan.jobName(), describe(request), result.status(),
                    result.violation(), result.duration().toMillis());
            return result;
        } catch (KubernetesSandboxException e) {
            failure = e;
            throw e;
        } finally {
            cleanUp(plan, deleteJob, deleteConfigMap, failure);
        }
    }

    private JobResult await(JobSpecFactory.Plan plan, JobLimits limits, long started) throws KubernetesSandboxException {
        long waitNanos = Duration.ofSeconds(limits.activeDeadlineSeconds()).plus(config.waitGrace()).toNanos();
        Progress progress = new Progress();
        while (true) {
            Optional<JsonNode> jobJson = api.readJob(plan.jobName());
            if (jobJson.isEmpty()) {
                return new JobResult(JobResult.Status.ERROR, JobResult.Violation.NONE, null, "", "", false,
                        elapsed(started), plan.jobName(), null,
                        "Job was deleted before it finished (another executor ran this attempt, or someone deleted it)");
            }
            JobState job = ObservedState.job(jobJson.get());
            List<PodState> pods = pods(plan.jobName());
            progress.observe(pods);
            String stuck = progress.permanentFailure(pods);
            if (stuck != null) {
                PodState pod = ObservedState.resultPod(pods);
                return new JobResult(JobResult.Status.ERROR, JobResult.Violation.NONE, null, "", "", false,
                        elapsed(started), plan.jobName(), pod == null ? null : pod.name(), stuck);
            }
            boolean waitedOut = System.nanoTime() - started > waitNanos;
            if (job.terminal() || waitedOut) {
                PodState pod = ObservedState.resultPod(pods);
                Verdict verdict = JobOutcomes.classify(job, pod, progress, config.violationExitCodes());
                return withLogs(plan, verdict, pod, limits, elapsed(started));
            }
            KubernetesApi.sleep(config.pollInterval());
        }
    }

    private JobResult withLogs(JobSpecFactory.Plan plan, Verdict verdict, PodState pod, JobLimits limits, Duration duration) {
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
                truncated, duration, plan.jobName(), pod == null ? null : pod.name(), detail);
    }

    /** Pods of the Job by the label the Job controller sets ({@code batch.kubernetes.io/job-name}, or the pre-1.27 one). */
    private List<PodState> pods(String jobName) throws KubernetesSandboxException {
        List<JsonNode> items = api.listPods("batch.kubernetes.io/job-name=" + jobName);
        if (items.isEmpty()) {
            items = api.listPods("job-name=" + jobName);
        }
        List<PodState> pods = new ArrayList<>();
        for (JsonNode item : items) {
            pods.add(ObservedState.pod(item, JobSpecFactory.CONTAINER));
        }
        return pods;
    }

    private void cleanUp(JobSpecFactory.Plan plan, boolean deleteJob, boolean deleteConfigMap, KubernetesSandboxException failure) {
        // Deleting must happen even on an interrupt (shutdown): clear the flag for the calls, then restore it.
        boolean interrupted = Thread.interrupted();
        try {
            if (deleteJob) {
                deleteQuietly("Job", plan.jobName(), () -> api.deleteJob(plan.jobName()), failure);
            }
            if (deleteConfigMap) {
                deleteQuietly("ConfigMap", plan.configMapName(), () -> api.deleteConfigMap(plan.configMapName()), failure);
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
     * original error); ttlSecondsAfterFinished and the ConfigMap's owner reference remove the objects later.
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
                // Objects created before candidates existed have no candidate label and ran the only candidate.
                && labels.getOrDefault(JobNames.CANDIDATE_LABEL, "1").equals(plan.labels().get(JobNames.CANDIDATE_LABEL));
    }

    private void requireOwned(boolean owned, String kind, String name, JobRequest request) throws KubernetesSandboxException {
        if (!owned) {
            throw new KubernetesSandboxException(Reason.NAME_CONFLICT, kind + " " + name + " in " + config.namespace()
                    + " exists but is not labelled for " + describe(request) + "; leaving it alone");
        }
    }

    /** "request r-1 attempt 2", plus the candidate when there are several. */
    private static String describe(JobRequest request) {
        return "request " + request.requestId() + " " + SandboxRequest.Run.describe(request.attempt(), request.candidate());
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
