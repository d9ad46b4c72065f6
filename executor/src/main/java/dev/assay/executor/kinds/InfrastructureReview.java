package dev.assay.executor.kinds;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.assay.avro.ArtifactKind;
import dev.assay.avro.Finding;
import dev.assay.avro.KindSignal;
import dev.assay.avro.Severity;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1Capabilities;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1CronJob;
import io.kubernetes.client.openapi.models.V1DaemonSet;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSecurityContext;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.openapi.models.V1ReplicaSet;
import io.kubernetes.client.openapi.models.V1ReplicationController;
import io.kubernetes.client.openapi.models.V1SeccompProfile;
import io.kubernetes.client.openapi.models.V1SecurityContext;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.util.ModelMapper;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The dry-run evidence infrastructure reaches its reviewer with, since it is never applied. Kubernetes manifests are
 * read into the official client's API models, which reject unknown fields, missing required fields and wrong types
 * (what {@code kubectl apply --dry-run=client} would), then their pod specs are held against the Pod Security
 * Standards' <em>restricted</em> profile and common misconfigurations (privileged, host namespaces and ports,
 * hostPath, {@code latest} or untagged images, no resource limits). Dockerfiles are checked for untagged base images
 * and for running as root. Findings are MEDIUM at most: infrastructure always waits for a person, who reads them.
 */
public final class InfrastructureReview {
    /** {@link Finding#getCheck()} prefix of this report's findings. */
    public static final String CHECK_PREFIX = "infrastructure/";
    private static final int MAX_DOCUMENTS = 100;
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON_WRITER = new ObjectMapper();

    private InfrastructureReview() {
    }

    /**
     * @param generatedFiles the generated files by path
     * @param signals        every kind signal of the execution; the INFRASTRUCTURE ones say which files to read
     */
    public static List<Finding> review(Map<String, String> generatedFiles, List<KindSignal> signals) {
        Set<String> paths = new LinkedHashSet<>();
        signals.stream().filter(s -> s.getKind() == ArtifactKind.INFRASTRUCTURE && s.getPath() != null).forEach(s -> paths.add(s.getPath()));
        List<Finding> findings = new ArrayList<>();
        for (String path : paths) {
            String content = generatedFiles.get(path);
            if (content == null || content.length() > KindInference.MAX_PARSED_CHARS) {
                continue;
            }
            if (KindInference.isDockerfile(path)) {
                dockerfile(path, content, findings);
            } else if (content.contains("{{")) {
                findings.add(finding("schema", Severity.LOW, "a template: the manifests it renders to are not checked here",
                        new Place(path, null, "")));
            } else if (path.endsWith(".yaml") || path.endsWith(".yml") || path.endsWith(".json")) {
                manifests(path, content, findings);
            }
        }
        return findings;
    }

    private static void manifests(String path, String content, List<Finding> findings) {
        try (JsonParser parser = YAML.createParser(content)) {
            int documents = 0;
            JsonToken token;
            while ((token = parser.nextToken()) != null && documents++ < MAX_DOCUMENTS) {
                int line = parser.currentTokenLocation().getLineNr();
                if (token != JsonToken.START_OBJECT) {
                    parser.skipChildren();
                    continue;
                }
                JsonNode document = YAML.readTree(parser);
                String apiVersion = document.path("apiVersion").asText("");
                String kind = document.path("kind").asText("");
                if (!apiVersion.isEmpty() && !kind.isEmpty()) {
                    manifest(new Place(path, line, kind + " " + document.path("metadata").path("name").asText("(unnamed)")),
                            apiVersion, document, findings);
                }
            }
        } catch (IOException | RuntimeException e) {
            findings.add(finding("schema", Severity.MEDIUM, "not readable as YAML (" + e.getClass().getSimpleName()
                    + "): kubectl would refuse it", new Place(path, null, "")));
        }
    }

    /** Where a finding points: the file, the line its document starts on, and what the document is. */
    private record Place(String path, Integer line, String what) {
        String prefix() {
            return what.isEmpty() ? "" : what + ": ";
        }
    }

    private static void manifest(Place place, String apiVersion, JsonNode document, List<Finding> findings) {
        Class<?> type = ModelMapper.getApiTypeClass(apiVersion, document.path("kind").asText());
        if (type == null || type == DynamicKubernetesObject.class) {
            findings.add(finding("schema", Severity.LOW, "a custom resource (" + apiVersion + "): its schema lives in the cluster, "
                    + "not checked here", place));
            return;
        }
        Object model;
        try {
            model = JSON.deserialize(JSON_WRITER.writeValueAsString(document), type);
        } catch (IOException | RuntimeException e) {
            // The generated models validate while reading: unknown fields, missing required ones, wrong types.
            findings.add(finding("schema", Severity.MEDIUM, place.prefix() + "the API server would reject it: " + e.getMessage(), place));
            return;
        }
        podSpec(model).ifPresent(spec -> podSecurity(place, spec, findings));
    }

    private static Optional<V1PodSpec> podSpec(Object model) {
        V1PodTemplateSpec template = switch (model) {
            case V1Pod pod -> new V1PodTemplateSpec().spec(pod.getSpec());
            case V1Deployment d -> d.getSpec() == null ? null : d.getSpec().getTemplate();
            case V1StatefulSet s -> s.getSpec() == null ? null : s.getSpec().getTemplate();
            case V1DaemonSet d -> d.getSpec() == null ? null : d.getSpec().getTemplate();
            case V1ReplicaSet r -> r.getSpec() == null ? null : r.getSpec().getTemplate();
            case V1ReplicationController r -> r.getSpec() == null ? null : r.getSpec().getTemplate();
            case V1Job j -> j.getSpec() == null ? null : j.getSpec().getTemplate();
            case V1CronJob c -> c.getSpec() == null || c.getSpec().getJobTemplate().getSpec() == null ? null
                    : c.getSpec().getJobTemplate().getSpec().getTemplate();
            default -> null;
        };
        return Optional.ofNullable(template).map(V1PodTemplateSpec::getSpec);
    }

    /** The Pod Security Standards' baseline and restricted controls that a manifest alone decides, and limits and tags. */
    private static void podSecurity(Place place, V1PodSpec spec, List<Finding> findings) {
        String at = place.prefix();
        if (Boolean.TRUE.equals(spec.getHostNetwork()) || Boolean.TRUE.equals(spec.getHostPID()) || Boolean.TRUE.equals(spec.getHostIPC())) {
            findings.add(finding("pod-security", Severity.MEDIUM, at + "shares the node's " + String.join(", ", Stream.of(
                    Boolean.TRUE.equals(spec.getHostNetwork()) ? "network" : null, Boolean.TRUE.equals(spec.getHostPID()) ? "process" : null,
                    Boolean.TRUE.equals(spec.getHostIPC()) ? "IPC" : null).filter(Objects::nonNull).toList())
                    + " namespace (forbidden even by the baseline profile)", place));
        }
        for (V1Volume volume : Optional.ofNullable(spec.getVolumes()).orElse(List.of())) {
            if (volume.getHostPath() != null) {
                findings.add(finding("pod-security", Severity.MEDIUM, at + "volume " + volume.getName() + " mounts the node's "
                        + volume.getHostPath().getPath() + " (hostPath: forbidden by the baseline profile)", place));
            }
        }
        V1PodSecurityContext pod = Optional.ofNullable(spec.getSecurityContext()).orElse(new V1PodSecurityContext());
        List<V1Container> containers = new ArrayList<>(Optional.ofNullable(spec.getInitContainers()).orElse(List.of()));
        containers.addAll(Optional.ofNullable(spec.getContainers()).orElse(List.of()));
        for (V1Container container : containers) {
            container(place, "container " + container.getName(), container, pod, findings);
        }
    }

    private static void container(Place place, String name, V1Container container, V1PodSecurityContext pod, List<Finding> findings) {
        String at = place.prefix() + name + " ";
        V1SecurityContext sc = Optional.ofNullable(container.getSecurityContext()).orElse(new V1SecurityContext());
        if (Boolean.TRUE.equals(sc.getPrivileged())) {
            findings.add(finding("pod-security", Severity.MEDIUM, at + "is privileged: it can do anything the node can", place));
        }
        for (V1ContainerPort port : Optional.ofNullable(container.getPorts()).orElse(List.of())) {
            if (port.getHostPort() != null && port.getHostPort() != 0) {
                findings.add(finding("pod-security", Severity.MEDIUM, at + "binds host port " + port.getHostPort(), place));
            }
        }
        List<String> restricted = new ArrayList<>();
        if (!Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
            restricted.add("allowPrivilegeEscalation is not false");
        }
        Boolean nonRoot = sc.getRunAsNonRoot() != null ? sc.getRunAsNonRoot() : pod.getRunAsNonRoot();
        Long user = sc.getRunAsUser() != null ? sc.getRunAsUser() : pod.getRunAsUser();
        if (!Boolean.TRUE.equals(nonRoot) || Long.valueOf(0).equals(user)) {
            restricted.add(Long.valueOf(0).equals(user) ? "runs as user 0" : "runAsNonRoot is not true");
        }
        V1SeccompProfile seccomp = sc.getSeccompProfile() != null ? sc.getSeccompProfile() : pod.getSeccompProfile();
        if (seccomp == null || !Set.of("RuntimeDefault", "Localhost").contains(seccomp.getType())) {
            restricted.add("no RuntimeDefault or Localhost seccomp profile");
        }
        V1Capabilities capabilities = sc.getCapabilities();
        if (capabilities == null || capabilities.getDrop() == null || !capabilities.getDrop().contains("ALL")) {
            restricted.add("capabilities not dropped (drop: [ALL])");
        }
        if (capabilities != null && capabilities.getAdd() != null
                && capabilities.getAdd().stream().anyMatch(c -> !c.equals("NET_BIND_SERVICE"))) {
            restricted.add("adds capabilities " + capabilities.getAdd());
        }
        if (!restricted.isEmpty()) {
            findings.add(finding("pod-security", Severity.LOW, at + "breaks the restricted profile: " + String.join("; ", restricted), place));
        }
        String image = Optional.ofNullable(container.getImage()).orElse("");
        if (floatingTag(image)) {
            findings.add(finding("image-tag", Severity.LOW, at + "runs image " + (image.isEmpty() ? "(none)" : image)
                    + " without a fixed tag or digest: what runs can change under the same manifest", place));
        }
        var limits = container.getResources() == null ? null : container.getResources().getLimits();
        if (limits == null || !limits.containsKey("memory") || !limits.containsKey("cpu")) {
            findings.add(finding("limits", Severity.LOW, at + "has no " + (limits != null && limits.containsKey("memory") ? "CPU"
                    : limits != null && limits.containsKey("cpu") ? "memory" : "CPU or memory") + " limit", place));
        }
    }

    /** {@code latest}, or no tag and no digest (which means {@code latest}). */
    static boolean floatingTag(String image) {
        if (image.contains("@")) {
            return false;
        }
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        return colon <= slash || image.substring(colon + 1).equals("latest");
    }

    /**
     * Dockerfile instructions read line by line, continuations joined: no Dockerfile parser is on Maven Central, and
     * FROM and USER need no more than that.
     */
    private static void dockerfile(String path, String content, List<Finding> findings) {
        String lastUser = null;
        Integer lastUserLine = null;
        String[] lines = content.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int start = i;
            StringBuilder instruction = new StringBuilder(lines[i].strip());
            while (instruction.toString().endsWith("\\") && i + 1 < lines.length) {
                instruction.setLength(instruction.length() - 1);
                instruction.append(' ').append(lines[++i].strip());
            }
            String[] words = instruction.toString().strip().split("\\s+");
            if (words.length < 2 || words[0].startsWith("#")) {
                continue;
            }
            String keyword = words[0].toUpperCase(java.util.Locale.ROOT);
            if (keyword.equals("FROM")) {
                String image = Stream.of(words).skip(1).filter(w -> !w.startsWith("--")).findFirst().orElse("");
                if (!image.equalsIgnoreCase("scratch") && !image.contains("$") && floatingTag(image)) {
                    findings.add(finding("image-tag", Severity.LOW, "FROM " + image + " without a fixed tag or digest: the build "
                            + "can change under the same Dockerfile", new Place(path, start + 1, "")));
                }
                lastUser = null;
                lastUserLine = null;
            } else if (keyword.equals("USER")) {
                lastUser = words[1];
                lastUserLine = start + 1;
            }
        }
        if (lastUser == null) {
            findings.add(finding("run-as-root", Severity.LOW, "no USER instruction in the final stage: the container runs as root",
                    new Place(path, null, "")));
        } else if (lastUser.equals("root") || lastUser.equals("0") || lastUser.startsWith("0:") || lastUser.startsWith("root:")) {
            findings.add(finding("run-as-root", Severity.LOW, "USER " + lastUser + ": the container runs as root",
                    new Place(path, lastUserLine, "")));
        }
    }

    private static Finding finding(String rule, Severity severity, String message, Place place) {
        return Finding.newBuilder().setCheck(CHECK_PREFIX + rule).setSeverity(severity).setMessage(message).setPath(place.path())
                .setLine(place.line()).build();
    }
}
