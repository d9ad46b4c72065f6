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
import io.kubernetes.client.openapi.models.V1SecurityContext;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the Job and workspace ConfigMap for one request. The pod meets Pod Security Standards <em>restricted</em>
 * and adds what the threat model asks beyond it: read-only root, size-limited emptyDirs, no service account token,
 * no service links, no cluster DNS, one attempt only.
 */
final class JobSpecFactory {
    static final String CONTAINER = "runner";
    static final String WORKDIR = "/workspace";
    static final String INPUT_DIR = "/assay/input";
    private static final String INPUT_VOLUME = "input";
    private static final String WORKSPACE_VOLUME = "workspace";
    private static final String TMP_VOLUME = "tmp";
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

    /** Everything to create for one request, validated before the first API call. */
    record Plan(String jobName, String configMapName, V1Job job, WorkspaceConfigMap workspace, Map<String, String> labels) {
    }

    Plan plan(JobRequest request) throws KubernetesSandboxException {
        String image = config.imageFor(request.language());
        if (image == null) {
            throw new KubernetesSandboxException(KubernetesSandboxException.Reason.INVALID_REQUEST,
                    "no runner image configured for language '" + request.language() + "' (set "
                            + KubernetesSandboxConfig.PREFIX + "images." + request.language().toLowerCase(java.util.Locale.ROOT) + ")");
        }
        WorkspaceConfigMap workspace = WorkspaceConfigMap.of(request.files());
        String jobName = JobNames.jobName(request.requestId(), request.attempt(), request.candidate());
        String configMapName = JobNames.configMapName(jobName);
        Map<String, String> labels = labels(request);
        return new Plan(jobName, configMapName, job(request, image, jobName, configMapName, workspace, labels), workspace, labels);
    }

    /** The workspace ConfigMap, owned by the Job so that garbage collection removes it with the Job. */
    V1ConfigMap configMap(Plan plan, String jobUid) {
        V1ObjectMeta meta = new V1ObjectMeta().name(plan.configMapName()).namespace(config.namespace())
                .labels(plan.labels()).annotations(plan.job().getMetadata().getAnnotations());
        if (jobUid != null) {
            meta.addOwnerReferencesItem(new V1OwnerReference().apiVersion("batch/v1").kind("Job").name(plan.jobName())
                    .uid(jobUid).controller(false).blockOwnerDeletion(false));
        }
        return new V1ConfigMap().apiVersion("v1").kind("ConfigMap").metadata(meta)
                .data(new TreeMap<>(plan.workspace().data())).immutable(true);
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
        return Map.copyOf(labels);
    }

    private V1Job job(JobRequest request, String image, String jobName, String configMapName, WorkspaceConfigMap workspace,
            Map<String, String> labels) {
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
                        .spec(podSpec(request, image, configMapName, workspace)));
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

    private V1PodSpec podSpec(JobRequest request, String image, String configMapName, WorkspaceConfigMap workspace) {
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
        return new V1Container()
                .name(CONTAINER)
                .image(image)
                .imagePullPolicy(config.imagePullPolicy())
                .command(List.of("/bin/sh", "-c", ENTRYPOINT_SCRIPT))
                .args(args)
                .workingDir(WORKDIR)
                .env(env.entrySet().stream().map(e -> new V1EnvVar().name(e.getKey()).value(e.getValue())).toList())
                .terminationMessagePolicy("FallbackToLogsOnError")
                .resources(new V1ResourceRequirements()
                        .requests(Map.of("cpu", Quantity.fromString(limits.cpuRequest()),
                                "memory", bytes(limits.memoryRequestBytes())))
                        .limits(Map.of("cpu", Quantity.fromString(limits.cpuLimit()),
                                "memory", bytes(limits.memoryLimitBytes()))))
                .securityContext(new V1SecurityContext()
                        .runAsNonRoot(true)
                        .runAsUser(config.runAsUser())
                        .runAsGroup(config.runAsUser())
                        .privileged(false)
                        .allowPrivilegeEscalation(false)
                        .readOnlyRootFilesystem(true)
                        .capabilities(new V1Capabilities().drop(List.of("ALL")))
                        .seccompProfile(new V1SeccompProfile().type("RuntimeDefault")))
                .addVolumeMountsItem(new V1VolumeMount().name(INPUT_VOLUME).mountPath(INPUT_DIR).readOnly(true))
                .addVolumeMountsItem(new V1VolumeMount().name(WORKSPACE_VOLUME).mountPath(WORKDIR))
                .addVolumeMountsItem(new V1VolumeMount().name(TMP_VOLUME).mountPath("/tmp"));
    }

    /** Whole mebibytes as {@code <n>Mi} for readable specs, other sizes as plain bytes. */
    private static Quantity bytes(long value) {
        long mebi = 1024 * 1024;
        return Quantity.fromString(value % mebi == 0 ? (value / mebi) + "Mi" : Long.toString(value));
    }
}
