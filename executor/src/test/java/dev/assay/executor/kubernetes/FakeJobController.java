package dev.assay.executor.kubernetes;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ContainerState;
import io.kubernetes.client.openapi.models.V1ContainerStateRunning;
import io.kubernetes.client.openapi.models.V1ContainerStateTerminated;
import io.kubernetes.client.openapi.models.V1ContainerStateWaiting;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1JobCondition;
import io.kubernetes.client.openapi.models.V1JobStatus;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Plays the Job controller and the kubelet against the emulated API server, over HTTP only: for every new Job it
 * waits for the workspace ConfigMap (as the kubelet waits to mount it), creates the pod with the Job's labels, reports
 * the runner container running, serves the container log, then reports the scripted termination and Job condition.
 * It records each Job and ConfigMap as read back from the API server.
 */
final class FakeJobController implements AutoCloseable {

    /**
     * What the "cluster" does with the next Job.
     *
     * @param exitCode          runner exit code, null for a container that never terminates
     * @param terminatedReason  kubelet reason, e.g. Completed, Error, OOMKilled
     * @param message           termination message
     * @param logs              container log served on pods/log
     * @param jobCondition      Complete or Failed, null to never finish the Job
     * @param jobReason         reason of a Failed condition: BackoffLimitExceeded, DeadlineExceeded, PodFailurePolicy
     * @param waitingReason     when set, the container stays waiting with this reason and never runs
     */
    record Script(Integer exitCode, String terminatedReason, String message, String logs, String jobCondition,
            String jobReason, String waitingReason) {
        static Script completes(String message, String logs) {
            return new Script(0, "Completed", message, logs, "Complete", null, null);
        }

        static Script fails(int exitCode, String reason, String message, String logs, String jobReason) {
            return new Script(exitCode, reason, message, logs, "Failed", jobReason, null);
        }

        static Script runsForever() {
            return new Script(null, null, null, "", null, null, null);
        }

        static Script staysWaiting(String waitingReason) {
            return new Script(null, null, null, "", null, null, waitingReason);
        }
    }

    private final KubernetesApiEmulator emulator;
    private final BatchV1Api batch;
    private final CoreV1Api core;
    private final String namespace;
    private final int logLimitBytes;
    private final ExecutorService loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "fake-job-controller"));
    private final Set<String> handled = ConcurrentHashMap.newKeySet();
    private final List<V1Job> jobs = new CopyOnWriteArrayList<>();
    private final List<V1ConfigMap> configMaps = new CopyOnWriteArrayList<>();
    private final List<V1Pod> pods = new CopyOnWriteArrayList<>();
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private volatile Script script;
    private volatile CountDownLatch release = new CountDownLatch(0);
    private volatile boolean running = true;

    FakeJobController(KubernetesApiEmulator emulator, String namespace, int logLimitBytes, Script script) {
        this.emulator = emulator;
        this.batch = new BatchV1Api(emulator.client());
        this.core = new CoreV1Api(emulator.client());
        this.namespace = namespace;
        this.logLimitBytes = logLimitBytes;
        this.script = script;
        loop.submit(this::run);
    }

    /** Jobs only finish once {@link #release()} is called; until then their pods run. */
    FakeJobController holdCompletion() {
        release = new CountDownLatch(1);
        return this;
    }

    void release() {
        release.countDown();
    }

    List<V1Job> jobs() {
        return List.copyOf(jobs);
    }

    List<V1ConfigMap> configMaps() {
        return List.copyOf(configMaps);
    }

    List<V1Pod> pods() {
        return List.copyOf(pods);
    }

    List<Throwable> errors() {
        return List.copyOf(errors);
    }

    private void run() {
        while (running) {
            try {
                for (V1Job job : batch.listNamespacedJob(namespace).execute().getItems()) {
                    if (handled.add(job.getMetadata().getName())) {
                        play(job);
                    }
                }
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ApiException | RuntimeException e) {
                if (running) {
                    errors.add(e);
                }
            }
        }
    }

    private void play(V1Job job) throws ApiException, InterruptedException {
        String name = job.getMetadata().getName();
        jobs.add(job);
        String configMapName = job.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getConfigMap() != null).findFirst().orElseThrow().getConfigMap().getName();
        V1ConfigMap configMap = null;
        while (running && configMap == null) {
            try {
                configMap = core.readNamespacedConfigMap(configMapName, namespace).execute();
            } catch (ApiException e) {
                if (e.getCode() != 404) {
                    throw e;
                }
                Thread.sleep(5);
            }
        }
        if (configMap == null) {
            return;
        }
        configMaps.add(configMap);

        Map<String, String> labels = new HashMap<>(job.getSpec().getTemplate().getMetadata().getLabels());
        labels.put("batch.kubernetes.io/job-name", name);
        labels.put("job-name", name);
        labels.put("batch.kubernetes.io/controller-uid", job.getMetadata().getUid());
        String podName = name + "-x7k2p";
        V1Pod pod = core.createNamespacedPod(namespace, new V1Pod().apiVersion("v1").kind("Pod")
                .metadata(new V1ObjectMeta().name(podName).labels(labels)
                        .creationTimestamp(OffsetDateTime.now()))
                .spec(job.getSpec().getTemplate().getSpec())).execute();
        pods.add(pod);
        Script current = script;
        emulator.expect().get()
                .withPath("/api/v1/namespaces/" + namespace + "/pods/" + podName + "/log?container=runner&limitBytes=" + (logLimitBytes + 1))
                .andReturn(200, current.logs()).always();

        if (current.waitingReason() != null) {
            setContainer(podName, "Pending", new V1ContainerState().waiting(
                    new V1ContainerStateWaiting().reason(current.waitingReason()).message("scripted " + current.waitingReason())));
            return;
        }
        setContainer(podName, "Running", new V1ContainerState().running(new V1ContainerStateRunning().startedAt(OffsetDateTime.now())));
        if (!release.await(30, TimeUnit.SECONDS) || current.jobCondition() == null) {
            return;
        }
        if (current.exitCode() != null) {
            setContainer(podName, current.exitCode() == 0 ? "Succeeded" : "Failed", new V1ContainerState().terminated(
                    new V1ContainerStateTerminated().exitCode(current.exitCode()).reason(current.terminatedReason())
                            .message(current.message()).finishedAt(OffsetDateTime.now())));
        }
        V1Job stored = batch.readNamespacedJob(name, namespace).execute();
        boolean complete = "Complete".equals(current.jobCondition());
        stored.status(new V1JobStatus().startTime(OffsetDateTime.now()).succeeded(complete ? 1 : 0).failed(complete ? 0 : 1)
                .addConditionsItem(new V1JobCondition().type(current.jobCondition()).status("True")
                        .reason(current.jobReason()).message(current.jobReason() == null ? null : "scripted " + current.jobReason())));
        batch.replaceNamespacedJobStatus(name, namespace, stored).execute();
    }

    private void setContainer(String podName, String phase, V1ContainerState state) throws ApiException {
        V1Pod pod = core.readNamespacedPod(podName, namespace).execute();
        pod.status(new V1PodStatus().phase(phase).addContainerStatusesItem(new V1ContainerStatus().name("runner")
                .image(pod.getSpec().getContainers().getFirst().getImage()).imageID("").ready(false).restartCount(0).state(state)));
        core.replaceNamespacedPodStatus(podName, namespace, pod).execute();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        release.countDown();
        loop.shutdownNow();
        loop.awaitTermination(10, TimeUnit.SECONDS);
    }
}
