package dev.assay.executor.kubernetes;

import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1Capabilities;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ConfigMapVolumeSource;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EmptyDirVolumeSource;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1JobSpec;
import io.kubernetes.client.openapi.models.V1KeyToPath;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1OwnerReference;
import io.kubernetes.client.openapi.models.V1PodDNSConfig;
import io.kubernetes.client.openapi.models.V1PodFailurePolicy;
import io.kubernetes.client.openapi.models.V1PodFailurePolicyOnExitCodesRequirement;
import io.kubernetes.client.openapi.models.V1PodFailurePolicyRule;
import io.kubernetes.client.openapi.models.V1PodSecurityContext;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.openapi.models.V1ResourceRequirements;
import io.kubernetes.client.openapi.models.V1SeccompProfile;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1SecretVolumeSource;
import io.kubernetes.client.openapi.models.V1SecurityContext;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the Job, workspace ConfigMap and handshake Secret for one request. The pod meets Pod Security Standards
 * <em>restricted</em> and adds what the threat model asks beyond it: read-only root, size-limited emptyDirs, no service
 * account token, no service links, no cluster DNS, one attempt only.
 *
 * <p>The handshake (harness/PROTOCOL.md "Handshake") carries the run's nonce, which must be in no file the code under
 * test can read. It travels in a Secret that only the init container {@value #INIT_CONTAINER} mounts; that container
 * (same image, same security context, no workspace code) copies it onto a pod-private, memory-backed emptyDir, the
 * only handshake volume the runner container mounts. The runner finds the copy through {@value #HANDSHAKE_ENV}, and
 * the harness reads and unlinks it before any workspace code loads. A run without a handshake gets none of this.
 */
final class JobSpecFactory {
    static final String CONTAINER = "runner";
    /** The init container that copies the handshake out of the Secret. */
    static final String INIT_CONTAINER = "handshake";
    static final String WORKDIR = "/workspace";
    static final String INPUT_DIR = "/assay/input";
    /** Where the init container sees the handshake Secret (read-only); the runner container never mounts it. */
    static final String HANDSHAKE_SECRET_DIR = "/assay/handshake-secret";
    /** The pod-private emptyDir both containers mount; the harness deletes the file, so it stays writable. */
    static final String HANDSHAKE_DIR = "/assay/handshake";
    static final String HANDSHAKE_FILE = HANDSHAKE_DIR + "/handshake.json";
    /** The runner's environment variable naming {@link #HANDSHAKE_FILE} (harness/PROTOCOL.md). */
    static final String HANDSHAKE_ENV = "ASSAY_HANDSHAKE_FILE";
    /** The handshake's key in the Secret. */
    static final String HANDSHAKE_KEY = "handshake";
    /** The API server refuses Secrets whose data exceeds 1 MiB. */
    static final long MAX_HANDSHAKE_BYTES = 1024 * 1024;
    /** The handshake emptyDir: in memory, and just large enough for the largest handshake a Secret can hold. */
    static final String HANDSHAKE_DIR_SIZE = "2Mi";
    /**
     * Copies the handshake with the owner's permissions only (the runner runs as the same uid); busybox {@code cp -L}
     * dereferences the kubelet's {@code ..data} symlink.
     */
    static final String HANDSHAKE_COPY_SCRIPT = "set -eu\n"
            + "umask 077\n"
            + "cp -L " + HANDSHAKE_SECRET_DIR + "/" + HANDSHAKE_KEY + " " + HANDSHAKE_FILE + "\n"
            + "chmod 0400 " + HANDSHAKE_FILE + "\n";
    private static final String INPUT_VOLUME = "input";
    private static final String WORKSPACE_VOLUME = "workspace";
    private static final String TMP_VOLUME = "tmp";
    private static final String HANDSHAKE_SECRET_VOLUME = "handshake-secret";
    private static final String HANDSHAKE_VOLUME = "handshake";
    /** Root-owned, readable by the pod's fsGroup (the init container's gid), by nobody else. */
    private static final int HANDSHAKE_SECRET_MODE = 0440;
    /**
     * Copies the read-only ConfigMap projection into the writable work dir, dereferencing the kubelet's symlinks and
     * skipping its {@code ..data}/{@code ..<timestamp>} entries, then replaces itself with the request's command.
     */
    static final String ENTRYPOINT_SCRIPT = "set -eu\n"
            + "find -L " + INPUT_DIR + " -mindepth 1 -maxdepth 1 ! -name '..*' -exec cp -RL {} " + WORKDIR + "/ \\;\n"
            + "chmod -R u+w " + WORKDIR + "\n"
            + "exec \"$@\"\n";
    /** Read-only for everyone: the runner copies, it never edits the projection. */
    private static final int INPUT_MODE = 0444;
    /** Nothing listens here: name resolution fails fast instead of leaking data through cluster DNS queries. */
    private static final String NO_DNS = "127.0.0.1";

    private final KubernetesSandboxConfig config;

    JobSpecFactory(KubernetesSandboxConfig config) {
        this.config = config;
    }

    /**
     * Everything to create for one request, validated before the first API call.
     *
     * @param secretName the handshake Secret, null when the request has no handshake
     */
    record Plan(String jobName, String configMapName, String secretName, V1Job job, WorkspaceConfigMap workspace,
            Map<String, String> labels) {
    }

    Plan plan(JobRequest request) throws KubernetesSandboxException {
        String image = config.imageFor(request.language());
        if (image == null) {
            throw new KubernetesSandboxException(KubernetesSandboxException.Reason.INVALID_REQUEST,
                    "no runner image configured for language '" + request.language() + "' (set "
                            + KubernetesSandboxConfig.PREFIX + "images." + request.language().toLowerCase(java.util.Locale.ROOT) + ")");
        }
        WorkspaceConfigMap workspace = WorkspaceConfigMap.of(request.files());
        String jobName;
        try {
            jobName = JobNames.jobName(request.requestId(), request.attempt(), request.candidate(), request.phase());
        } catch (IllegalArgumentException e) {
            throw new KubernetesSandboxException(KubernetesSandboxException.Reason.INVALID_REQUEST, e.getMessage(), e);
        }
        long handshakeBytes = request.handshake().getBytes(StandardCharsets.UTF_8).length;
        if (handshakeBytes > MAX_HANDSHAKE_BYTES) {
            throw new KubernetesSandboxException(KubernetesSandboxException.Reason.WORKSPACE_TOO_LARGE,
                    "the harness handshake of " + handshakeBytes + " bytes (it lists every workspace file) is more than the "
                            + MAX_HANDSHAKE_BYTES + " bytes a Kubernetes Secret can hold; the Kubernetes sandbox cannot run it");
        }
        String configMapName = JobNames.configMapName(jobName);
        String secretName = request.handshake().isEmpty() ? null : JobNames.secretName(jobName);
        Map<String, String> labels = labels(request);
        return new Plan(jobName, configMapName, secretName,
                job(request, image, jobName, configMapName, secretName, workspace, labels), workspace, labels);
    }

    /** The workspace ConfigMap, owned by the Job so that garbage collection removes it with the Job. */
    V1ConfigMap configMap(Plan plan, String jobUid) {
        return new V1ConfigMap().apiVersion("v1").kind("ConfigMap").metadata(ownedMeta(plan, plan.configMapName(), jobUid))
                .data(new TreeMap<>(plan.workspace().data())).immutable(true);
    }

    /**
     * The handshake Secret, owned by the Job like the ConfigMap; only the init container mounts it.
     *
     * @throws IllegalStateException when the plan has no handshake Secret
     */
    V1Secret secret(Plan plan, JobRequest request, String jobUid) {
        if (plan.secretName() == null) {
            throw new IllegalStateException("Job " + plan.jobName() + " has no handshake Secret");
        }
        return new V1Secret().apiVersion("v1").kind("Secret").type("Opaque").metadata(ownedMeta(plan, plan.secretName(), jobUid))
                .data(Map.of(HANDSHAKE_KEY, request.handshake().getBytes(StandardCharsets.UTF_8))).immutable(true);
    }

    /** Labelled like the Job and owned by it, so that garbage collection removes the object with the Job. */
    private V1ObjectMeta ownedMeta(Plan plan, String name, String jobUid) {
        V1ObjectMeta meta = new V1ObjectMeta().name(name).namespace(config.namespace())
                .labels(plan.labels()).annotations(plan.job().getMetadata().getAnnotations());
        if (jobUid != null) {
            meta.addOwnerReferencesItem(new V1OwnerReference().apiVersion("batch/v1").kind("Job").name(plan.jobName())
                    .uid(jobUid).controller(false).blockOwnerDeletion(false));
        }
        return meta;
    }

    private Map<String, String> labels(JobRequest request) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", "assay-sandbox");
        labels.put("app.kubernetes.io/component", CONTAINER);
        labels.put("app.kubernetes.io/managed-by", "assay-executor");
        labels.put(JobNames.REQUEST_ID_LABEL, JobNames.labelValue(request.requestId()));
        labels.put(JobNames.ATTEMPT_LABEL, Integer.toString(request.attempt()));
        labels.put(JobNames.CANDIDATE_LABEL, Integer.toString(request.candidate()));
        labels.put(JobNames.LANGUAGE_LABEL, JobNames.labelValue(request.language().toLowerCase(java.util.Locale.ROOT)));
        labels.put(JobNames.PHASE_LABEL, request.phase());
        return Map.copyOf(labels);
    }

    private V1Job job(JobRequest request, String image, String jobName, String configMapName, String secretName,
            WorkspaceConfigMap workspace, Map<String, String> labels) {
        JobLimits limits = request.limits();
        Map<String, String> annotations = Map.of(JobNames.REQUEST_ID_ANNOTATION, request.requestId());
        V1JobSpec spec = new V1JobSpec()
                .backoffLimit(0)
                .completions(1)
                .parallelism(1)
                .activeDeadlineSeconds(limits.activeDeadlineSeconds())
                .ttlSecondsAfterFinished(config.ttlSecondsAfterFinished())
                .template(new V1PodTemplateSpec()
                        .metadata(new V1ObjectMeta().labels(labels).annotations(annotations))
                        .spec(podSpec(request, image, configMapName, secretName, workspace)));
        V1PodFailurePolicy failurePolicy = podFailurePolicy();
        if (failurePolicy != null) {
            spec.podFailurePolicy(failurePolicy);
        }
        return new V1Job().apiVersion("batch/v1").kind("Job")
                .metadata(new V1ObjectMeta().name(jobName).namespace(config.namespace()).labels(labels).annotations(annotations))
                .spec(spec);
    }

    private V1PodFailurePolicy podFailurePolicy() {
        if (config.violationExitCodes().isEmpty()) {
            return null;
        }
        // With backoffLimit 0 any failure already ends the Job; the rule makes the reason explicit (PodFailurePolicy)
        // and keeps hostile code from being retried should someone raise the backoff limit.
        return new V1PodFailurePolicy().addRulesItem(new V1PodFailurePolicyRule().action("FailJob")
                .onExitCodes(new V1PodFailurePolicyOnExitCodesRequirement().containerName(CONTAINER).operator("In")
                        .values(new ArrayList<>(config.violationExitCodes().keySet()))));
    }

    private V1PodSpec podSpec(JobRequest request, String image, String configMapName, String secretName,
            WorkspaceConfigMap workspace) {
        JobLimits limits = request.limits();
        long uid = config.runAsUser();
        V1PodSpec spec = new V1PodSpec()
                .restartPolicy("Never")
                .automountServiceAccountToken(false)
                .enableServiceLinks(false)
                .hostNetwork(false)
                .hostPID(false)
                .hostIPC(false)
                .shareProcessNamespace(false)
                .terminationGracePeriodSeconds(5L)
                .dnsPolicy("None")
                .dnsConfig(new V1PodDNSConfig().nameservers(List.of(NO_DNS)))
                .securityContext(new V1PodSecurityContext()
                        .runAsNonRoot(true)
                        .runAsUser(uid)
                        .runAsGroup(uid)
                        .fsGroup(uid)
                        .seccompProfile(new V1SeccompProfile().type("RuntimeDefault")))
                .addContainersItem(container(request, image, limits))
                .addVolumesItem(new V1Volume().name(INPUT_VOLUME).configMap(new V1ConfigMapVolumeSource()
                        .name(configMapName).defaultMode(INPUT_MODE).optional(false).items(new ArrayList<>(workspace.items()))))
                .addVolumesItem(new V1Volume().name(WORKSPACE_VOLUME)
                        .emptyDir(new V1EmptyDirVolumeSource().sizeLimit(bytes(limits.workspaceBytes()))))
                .addVolumesItem(new V1Volume().name(TMP_VOLUME)
                        .emptyDir(new V1EmptyDirVolumeSource().sizeLimit(bytes(limits.workspaceBytes()))));
        if (secretName != null) {
            spec.addInitContainersItem(handshakeCopy(image, limits))
                    .addVolumesItem(new V1Volume().name(HANDSHAKE_SECRET_VOLUME).secret(new V1SecretVolumeSource()
                            .secretName(secretName).defaultMode(HANDSHAKE_SECRET_MODE).optional(false)
                            .items(List.of(new V1KeyToPath().key(HANDSHAKE_KEY).path(HANDSHAKE_KEY)))))
                    .addVolumesItem(new V1Volume().name(HANDSHAKE_VOLUME).emptyDir(new V1EmptyDirVolumeSource()
                            .medium("Memory").sizeLimit(Quantity.fromString(HANDSHAKE_DIR_SIZE))));
        }
        if (config.runtimeClassName() != null) {
            spec.runtimeClassName(config.runtimeClassName());
        }
        if (config.serviceAccountName() != null) {
            spec.serviceAccountName(config.serviceAccountName());
        }
        return spec;
    }

    private V1Container container(JobRequest request, String image, JobLimits limits) {
        List<String> args = new ArrayList<>();
        args.add("assay-entrypoint");
        args.addAll(request.command());
        Map<String, String> env = new TreeMap<>(request.environment());
        env.put("HOME", "/tmp");
        env.put("TMPDIR", "/tmp");
        boolean handshake = !request.handshake().isEmpty();
        if (handshake) {
            env.put(HANDSHAKE_ENV, HANDSHAKE_FILE);
        }
        V1Container container = new V1Container()
                .name(CONTAINER)
                .image(image)
                .imagePullPolicy(config.imagePullPolicy())
                .command(List.of("/bin/sh", "-c", ENTRYPOINT_SCRIPT))
                .args(args)
                .workingDir(WORKDIR)
                .env(env.entrySet().stream().map(e -> new V1EnvVar().name(e.getKey()).value(e.getValue())).toList())
                .terminationMessagePolicy("FallbackToLogsOnError")
                .resources(resources(limits))
                .securityContext(restricted())
                .addVolumeMountsItem(new V1VolumeMount().name(INPUT_VOLUME).mountPath(INPUT_DIR).readOnly(true))
                .addVolumeMountsItem(new V1VolumeMount().name(WORKSPACE_VOLUME).mountPath(WORKDIR))
                .addVolumeMountsItem(new V1VolumeMount().name(TMP_VOLUME).mountPath("/tmp"));
        if (handshake) {
            // The copy only, never the Secret: the harness deletes it before any workspace code loads.
            container.addVolumeMountsItem(new V1VolumeMount().name(HANDSHAKE_VOLUME).mountPath(HANDSHAKE_DIR));
        }
        return container;
    }

    /**
     * The init container: the runner image's busybox {@code sh} and {@code cp}, no workspace and no workspace code. Its
     * resources equal the runner's, so the pod's effective requests and limits (the larger of init and app containers)
     * stay what they were without it.
     */
    private V1Container handshakeCopy(String image, JobLimits limits) {
        return new V1Container()
                .name(INIT_CONTAINER)
                .image(image)
                .imagePullPolicy(config.imagePullPolicy())
                .command(List.of("/bin/sh", "-c", HANDSHAKE_COPY_SCRIPT))
                // A mount point, so it exists under the read-only root whatever the image's WORKDIR.
                .workingDir(HANDSHAKE_DIR)
                .terminationMessagePolicy("FallbackToLogsOnError")
                .resources(resources(limits))
                .securityContext(restricted())
                .addVolumeMountsItem(new V1VolumeMount().name(HANDSHAKE_SECRET_VOLUME).mountPath(HANDSHAKE_SECRET_DIR).readOnly(true))
                .addVolumeMountsItem(new V1VolumeMount().name(HANDSHAKE_VOLUME).mountPath(HANDSHAKE_DIR));
    }

    private static V1ResourceRequirements resources(JobLimits limits) {
        return new V1ResourceRequirements()
                .requests(Map.of("cpu", Quantity.fromString(limits.cpuRequest()), "memory", bytes(limits.memoryRequestBytes())))
                .limits(Map.of("cpu", Quantity.fromString(limits.cpuLimit()), "memory", bytes(limits.memoryLimitBytes())));
    }

    /** Pod Security Standards <em>restricted</em> for one container, plus a read-only root. */
    private V1SecurityContext restricted() {
        return new V1SecurityContext()
                .runAsNonRoot(true)
                .runAsUser(config.runAsUser())
                .runAsGroup(config.runAsUser())
                .privileged(false)
                .allowPrivilegeEscalation(false)
                .readOnlyRootFilesystem(true)
                .capabilities(new V1Capabilities().drop(List.of("ALL")))
                .seccompProfile(new V1SeccompProfile().type("RuntimeDefault"));
    }

    /** Whole mebibytes as {@code <n>Mi} for readable specs, other sizes as plain bytes. */
    private static Quantity bytes(long value) {
        long mebi = 1024 * 1024;
        return Quantity.fromString(value % mebi == 0 ? (value / mebi) + "Mi" : Long.toString(value));
    }
}
