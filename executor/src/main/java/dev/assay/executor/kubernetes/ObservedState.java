package dev.assay.executor.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The few fields of Jobs and pods the runner decides on, read leniently from the API server's JSON. The typed
 * client models reject any field they do not know, which newer API servers add to status objects every release.
 */
final class ObservedState {
    private ObservedState() {
    }

    /** A Job's identity and terminal condition, if any. */
    record JobState(String uid, Map<String, String> labels, String terminalType, String reason, String message) {
        boolean terminal() {
            return terminalType != null;
        }

        boolean complete() {
            return "Complete".equals(terminalType);
        }
    }

    /** A container's last known state. */
    record ContainerState(String waitingReason, String waitingMessage, boolean running, Terminated terminated) {
        boolean started() {
            return running || terminated != null;
        }
    }

    /** How the runner container ended. */
    record Terminated(int exitCode, String reason, String message) {
    }

    /**
     * A pod of the Job.
     *
     * @param runner the runner container, null before the kubelet reports it
     * @param init   the handshake init container, null when the pod has none or the kubelet has not reported it
     */
    record PodState(String name, Instant created, String phase, String reason, String message, String unschedulable,
            ContainerState runner, ContainerState init) {
    }

    static JobState job(JsonNode job) {
        String terminalType = null;
        String reason = null;
        String message = null;
        for (JsonNode condition : job.path("status").path("conditions")) {
            String type = condition.path("type").asText();
            // FailureTarget/SuccessCriteriaMet come first; Failed/Complete only once the pods have terminated.
            if (("Complete".equals(type) || "Failed".equals(type)) && "True".equals(condition.path("status").asText())) {
                terminalType = type;
                reason = text(condition, "reason");
                message = text(condition, "message");
            }
        }
        Map<String, String> labels = new TreeMap<>();
        job.path("metadata").path("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        return new JobState(text(job.path("metadata"), "uid"), labels, terminalType, reason, message);
    }

    /**
     * @param container     the main container whose state counts
     * @param initContainer the init container to report as well
     */
    static PodState pod(JsonNode pod, String container, String initContainer) {
        JsonNode status = pod.path("status");
        String unschedulable = null;
        for (JsonNode condition : status.path("conditions")) {
            if ("PodScheduled".equals(condition.path("type").asText()) && "False".equals(condition.path("status").asText())) {
                unschedulable = String.join(": ", nonNull(text(condition, "reason"), text(condition, "message")));
            }
        }
        return new PodState(text(pod.path("metadata"), "name"), instant(text(pod.path("metadata"), "creationTimestamp")),
                text(status, "phase"), text(status, "reason"), text(status, "message"), unschedulable,
                container(status.path("containerStatuses"), container), container(status.path("initContainerStatuses"), initContainer));
    }

    private static ContainerState container(JsonNode statuses, String name) {
        for (JsonNode cs : statuses) {
            if (name.equals(cs.path("name").asText())) {
                JsonNode state = cs.path("state");
                JsonNode terminated = state.path("terminated");
                return new ContainerState(
                        text(state.path("waiting"), "reason"),
                        text(state.path("waiting"), "message"),
                        state.has("running") && !state.path("running").isNull(),
                        terminated.isObject() ? new Terminated(terminated.path("exitCode").asInt(),
                                text(terminated, "reason"), text(terminated, "message")) : null);
            }
        }
        return null;
    }

    /** The pod a result is read from: the newest one whose runner terminated, else the newest one. */
    static PodState resultPod(List<PodState> pods) {
        List<PodState> sorted = new ArrayList<>(pods);
        sorted.sort(Comparator.comparing(PodState::created, Comparator.nullsFirst(Comparator.naturalOrder()))
                .thenComparing(PodState::name));
        PodState newest = sorted.isEmpty() ? null : sorted.getLast();
        for (PodState pod : sorted.reversed()) {
            if (pod.runner() != null && pod.runner().terminated() != null) {
                return pod;
            }
        }
        return newest;
    }

    private static List<String> nonNull(String... values) {
        List<String> out = new ArrayList<>();
        for (String value : values) {
            if (value != null) {
                out.add(value);
            }
        }
        return out;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isValueNode() && !value.isNull() ? value.asText() : null;
    }

    private static Instant instant(String value) {
        try {
            return value == null ? null : Instant.parse(value);
        } catch (DateTimeParseException e) {
            // Ordering only; a malformed timestamp just sorts first.
            return null;
        }
    }
}
