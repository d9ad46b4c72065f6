package dev.assay.executor.kubernetes;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
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
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1SecretVolumeSource;
import io.kubernetes.client.openapi.models.V1Volume;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Plays the Job controller and the kubelet against the emulated API server, over HTTP only: for every new Job it
 * waits for the workspace ConfigMap and the handshake Secret its pod mounts (as the kubelet waits to mount them),
 * creates the pod with the Job's labels, plays the init container (reads the handshake from the Secret it found, by
 * the key the Secret volume names), reports the runner container running, serves the container log, then reports
 * the scripted termination and Job condition. It records each Job, ConfigMap, Secret and handshake as read back from
 * the API server.
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
     * @param harness           when set, makes the container log from the handshake the init container copied (what
     *                          the harness would print), instead of {@code logs}
     * @param initExitCode      the handshake init container's exit code; non-zero fails the pod before the runner starts
     */
    record Script(Integer exitCode, String terminatedReason, String message, String logs, String jobCondition,
            String jobReason, String waitingReason, Function<String, String> harness, int initExitCode) {
        static Script completes(String message, String logs) {
            return new Script(0, "Completed", message, logs, "Complete", null, null, null, 0);
        }

        static Script fails(int exitCode, String reason, String message, String logs, String jobReason) {
            return new Script(exitCode, reason, message, logs, "Failed", jobReason, null, null, 0);
        }

        static Script runsForever() {
            return new Script(null, null, null, "", null, null, null, null, 0);
        }

        static Script staysWaiting(String waitingReason) {
            return new Script(null, null, null, "", null, null, waitingReason, null, 0);
        }

        /** The runner prints what {@code harness} makes of the handshake (null when the pod got none) and exits 0. */
        static Script harness(Function<String, String> harness) {
            return new Script(0, "Completed", "", "", "Complete", null, null, harness, 0);
        }

        /** The init container fails; the runner never starts and the Job fails. */
        static Script initFails(int initExitCode) {
            return new Script(null, null, null, "", "Failed", "BackoffLimitExceeded", null, null, initExitCode);
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
    private final List<V1Secret> secrets = new CopyOnWriteArrayList<>();
    private final List<String> handshakes = new CopyOnWriteArrayList<>();
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

    List<V1Secret> secrets() {
        return List.copyOf(secrets);
    }

    /** The handshakes the init containers copied, one per pod that had a Secret. */
    List<String> handshakes() {
        return List.copyOf(handshakes);
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
        List<V1Volume> volumes = job.getSpec().getTemplate().getSpec().getVolumes();
        String configMapName = volumes.stream().filter(v -> v.getConfigMap() != null).findFirst().orElseThrow().getConfigMap().getName();
        V1ConfigMap configMap = awaitMountable(() -> core.readNamespacedConfigMap(configMapName, namespace).execute());
        if (configMap == null) {
            return;
        }
        configMaps.add(configMap);
        V1SecretVolumeSource secretVolume = volumes.stream().map(V1Volume::getSecret).filter(Objects::nonNull).findFirst().orElse(null);
        String handshake = null;
        if (secretVolume != null) {
            V1Secret secret = awaitMountable(() -> core.readNamespacedSecret(secretVolume.getSecretName(), namespace).execute());
            if (secret == null) {
                return;
            }
            secrets.add(secret);
            // What the init container copies: the file the Secret volume's item puts the key at.
            byte[] data = secret.getData().get(secretVolume.getItems().getFirst().getKey());
            handshake = new String(data, StandardCharsets.UTF_8);
            handshakes.add(handshake);
        }

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
        String logs = current.harness() == null ? current.logs() : current.harness().apply(handshake);
        emulator.expect().get()
                .withPath("/api/v1/namespaces/" + namespace + "/pods/" + podName + "/log?container=runner&limitBytes=" + (logLimitBytes + 1))
                .andReturn(200, logs).always();

        // The init container's state as reported on the pod: the copy succeeded unless the script says otherwise.
        V1ContainerState init = new V1ContainerState().terminated(new V1ContainerStateTerminated().exitCode(current.initExitCode())
                .reason(current.initExitCode() == 0 ? "Completed" : "Error")
                .message(current.initExitCode() == 0 ? null : "cp: can't open '/assay/handshake-secret/handshake': Permission denied\n"));
        if (current.waitingReason() != null) {
            setContainer(podName, "Pending", init, new V1ContainerState().waiting(
                    new V1ContainerStateWaiting().reason(current.waitingReason()).message("scripted " + current.waitingReason())));
            return;
        }
        if (current.initExitCode() != 0) {
            setContainer(podName, "Failed", init, new V1ContainerState().waiting(new V1ContainerStateWaiting().reason("PodInitializing")));
            finishJob(name, current);
            return;
        }
        setContainer(podName, "Running", init, new V1ContainerState().running(new V1ContainerStateRunning().startedAt(OffsetDateTime.now())));
        if (!release.await(30, TimeUnit.SECONDS) || current.jobCondition() == null) {
            return;
        }
        if (current.exitCode() != null) {
            setContainer(podName, current.exitCode() == 0 ? "Succeeded" : "Failed", init, new V1ContainerState().terminated(
                    new V1ContainerStateTerminated().exitCode(current.exitCode()).reason(current.terminatedReason())
                            .message(current.message()).finishedAt(OffsetDateTime.now())));
        }
        finishJob(name, current);
    }

    private void finishJob(String name, Script current) throws ApiException {
        V1Job stored = batch.readNamespacedJob(name, namespace).execute();
        boolean complete = "Complete".equals(current.jobCondition());
        stored.status(new V1JobStatus().startTime(OffsetDateTime.now()).succeeded(complete ? 1 : 0).failed(complete ? 0 : 1)
                .addConditionsItem(new V1JobCondition().type(current.jobCondition()).status("True")
                        .reason(current.jobReason()).message(current.jobReason() == null ? null : "scripted " + current.jobReason())));
        batch.replaceNamespacedJobStatus(name, namespace, stored).execute();
    }

    /** Reads an object the pod mounts until it exists, as the kubelet retries a mount; null when closed meanwhile. */
    private <T> T awaitMountable(Read<T> read) throws ApiException, InterruptedException {
        while (running) {
            try {
                return read.read();
            } catch (ApiException e) {
                if (e.getCode() != 404) {
                    throw e;
                }
                Thread.sleep(5);
            }
        }
        return null;
    }

    @FunctionalInterface
    private interface Read<T> {
        T read() throws ApiException;
    }

    private void setContainer(String podName, String phase, V1ContainerState init, V1ContainerState state) throws ApiException {
        V1Pod pod = core.readNamespacedPod(podName, namespace).execute();
        V1PodStatus status = new V1PodStatus().phase(phase).addContainerStatusesItem(new V1ContainerStatus().name("runner")
                .image(pod.getSpec().getContainers().getFirst().getImage()).imageID("").ready(false).restartCount(0).state(state));
        if (pod.getSpec().getInitContainers() != null && !pod.getSpec().getInitContainers().isEmpty()) {
            V1Container initContainer = pod.getSpec().getInitContainers().getFirst();
            status.addInitContainerStatusesItem(new V1ContainerStatus().name(initContainer.getName()).image(initContainer.getImage()).imageID("")
                    .ready(false).restartCount(0).state(init));
        }
        pod.status(status);
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
