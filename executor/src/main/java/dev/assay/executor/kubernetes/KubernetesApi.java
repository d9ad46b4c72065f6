package dev.assay.executor.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.assay.executor.kubernetes.KubernetesSandboxException.Reason;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1Secret;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import okhttp3.Call;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API calls the runner makes, in one namespace, with the error policy in one place: 5xx, 429 and connection
 * errors are retried with bounded exponential backoff; every other 4xx fails at once with a message that says
 * what to fix. Requests are built by the typed client; replies are read as JSON trees, because the generated models
 * reject fields of newer API servers and mis-read the object a DELETE returns.
 */
final class KubernetesApi {
    private static final Logger log = LoggerFactory.getLogger(KubernetesApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_JSON_BYTES = 16 * 1024 * 1024;
    private static final int MAX_SERVER_MESSAGE = 500;

    private final BatchV1Api batch;
    private final CoreV1Api core;
    private final String namespace;
    private final int retries;
    private final Duration backoff;

    KubernetesApi(ApiClient client, String namespace, int retries, Duration backoff) {
        this.batch = new BatchV1Api(client);
        this.core = new CoreV1Api(client);
        this.namespace = namespace;
        this.retries = retries;
        this.backoff = backoff;
    }

    /** An object the runner tried to create: made now, or found under that name. */
    record Created(boolean created, JsonNode object) {
    }

    /** A container log, cut at the limit. */
    record PodLog(String text, boolean truncated) {
    }

    Created createJob(V1Job job) throws KubernetesSandboxException {
        String name = job.getMetadata().getName();
        return create("Jobs", name, () -> batch.createNamespacedJob(namespace, job).buildCall(null),
                () -> readJob(name));
    }

    Created createConfigMap(V1ConfigMap configMap) throws KubernetesSandboxException {
        String name = configMap.getMetadata().getName();
        return create("ConfigMaps", name, () -> core.createNamespacedConfigMap(namespace, configMap).buildCall(null),
                () -> read("ConfigMaps", name, () -> core.readNamespacedConfigMap(name, namespace).buildCall(null)));
    }

    /** The Secret's contents are in the returned object: never log it. */
    Created createSecret(V1Secret secret) throws KubernetesSandboxException {
        String name = secret.getMetadata().getName();
        return create("Secrets", name, () -> core.createNamespacedSecret(namespace, secret).buildCall(null),
                () -> read("Secrets", name, () -> core.readNamespacedSecret(name, namespace).buildCall(null)));
    }

    Optional<JsonNode> readJob(String name) throws KubernetesSandboxException {
        return read("Jobs", name, () -> batch.readNamespacedJob(name, namespace).buildCall(null));
    }

    List<JsonNode> listPods(String labelSelector) throws KubernetesSandboxException {
        Reply reply = send("list", "Pods", labelSelector,
                () -> core.listNamespacedPod(namespace).labelSelector(labelSelector).buildCall(null), MAX_JSON_BYTES);
        if (!reply.ok()) {
            throw failure("list", "Pods", labelSelector, reply);
        }
        List<JsonNode> items = new ArrayList<>();
        reply.json().path("items").forEach(items::add);
        return items;
    }

    /** At most {@code limitBytes} of the container's log; the API server is asked for one byte more to see a cut. */
    PodLog readLog(String pod, String container, int limitBytes) throws KubernetesSandboxException {
        int ask = limitBytes == Integer.MAX_VALUE ? limitBytes : limitBytes + 1;
        Reply reply = send("get", "pods/log", pod,
                () -> core.readNamespacedPodLog(pod, namespace).container(container).limitBytes(ask).buildCall(null), ask);
        if (!reply.ok()) {
            throw failure("get", "pods/log", pod, reply);
        }
        boolean truncated = reply.body().length > limitBytes;
        return new PodLog(Utf8.decodePrefix(reply.body(), limitBytes), truncated);
    }

    /** Deletes the Job and, in the background, its pods; an already deleted Job is fine. */
    void deleteJob(String name) throws KubernetesSandboxException {
        delete("Jobs", name, () -> batch.deleteNamespacedJob(name, namespace).propagationPolicy("Background").buildCall(null));
    }

    void deleteConfigMap(String name) throws KubernetesSandboxException {
        delete("ConfigMaps", name, () -> core.deleteNamespacedConfigMap(name, namespace).buildCall(null));
    }

    void deleteSecret(String name) throws KubernetesSandboxException {
        delete("Secrets", name, () -> core.deleteNamespacedSecret(name, namespace).buildCall(null));
    }

    String namespace() {
        return namespace;
    }

    @FunctionalInterface
    interface CallFactory {
        Call newCall() throws ApiException;
    }

    @FunctionalInterface
    private interface Reader {
        Optional<JsonNode> read() throws KubernetesSandboxException;
    }

    private Created create(String resource, String name, CallFactory create, Reader existing) throws KubernetesSandboxException {
        // A create retried after a lost reply, or a replayed request, meets its own object: 409 means "use that one".
        for (int round = 0; round < 2; round++) {
            Reply reply = send("create", resource, name, create, MAX_JSON_BYTES);
            if (reply.ok()) {
                return new Created(true, reply.json());
            }
            if (reply.code() != 409) {
                throw failure("create", resource, name, reply);
            }
            Optional<JsonNode> found = existing.read();
            if (found.isPresent()) {
                return new Created(false, found.get());
            }
            log.info("{} {} in {} was deleted right after a conflict; creating it again", resource, name, namespace);
        }
        throw new KubernetesSandboxException(Reason.API_UNAVAILABLE,
                resource + " " + name + " in " + namespace + " kept conflicting and vanishing; another executor is deleting it");
    }

    private Optional<JsonNode> read(String resource, String name, CallFactory call) throws KubernetesSandboxException {
        Reply reply = send("get", resource, name, call, MAX_JSON_BYTES);
        if (reply.code() == 404) {
            return Optional.empty();
        }
        if (!reply.ok()) {
            throw failure("get", resource, name, reply);
        }
        return Optional.of(reply.json());
    }

    private void delete(String resource, String name, CallFactory call) throws KubernetesSandboxException {
        Reply reply = send("delete", resource, name, call, MAX_JSON_BYTES);
        if (!reply.ok() && reply.code() != 404) {
            throw failure("delete", resource, name, reply);
        }
    }

    /** Sends with retries; returns any reply that is not worth retrying, 2xx or 4xx. */
    private Reply send(String verb, String resource, String name, CallFactory factory, int maxBytes)
            throws KubernetesSandboxException {
        for (int attempt = 0; ; attempt++) {
            Reply reply = null;
            IOException failure = null;
            try (Response response = factory.newCall().execute()) {
                reply = Reply.of(response, maxBytes);
            } catch (IOException e) {
                if (Thread.currentThread().isInterrupted()) {
                    // okio turns an interrupt into InterruptedIOException: that is a shutdown, not a flaky network.
                    throw new KubernetesSandboxException(Reason.INTERRUPTED,
                            "interrupted while trying to " + verb + " " + resource + " " + name + " in " + namespace, e);
                }
                failure = e;
            } catch (ApiException e) {
                // Only thrown while building the request (a missing required parameter): a bug, not a cluster problem.
                throw new IllegalStateException("cannot build the request to " + verb + " " + resource + " " + name, e);
            }
            if (reply != null && reply.code() != 429 && reply.code() < 500) {
                return reply;
            }
            String problem = reply == null ? failure.getClass().getSimpleName() + ": " + failure.getMessage()
                    : "HTTP " + reply.code() + " " + reply.serverMessage();
            if (attempt >= retries) {
                throw new KubernetesSandboxException(Reason.API_UNAVAILABLE, "Kubernetes API server did not " + verb + " "
                        + resource + " " + name + " in " + namespace + " after " + (attempt + 1) + " attempts; last: " + problem, failure);
            }
            Duration wait = backoff(attempt, reply);
            log.warn("Kubernetes API failed to {} {} {} in {} ({}); retry {}/{} in {} ms", verb, resource, name, namespace,
                    problem, attempt + 1, retries, wait.toMillis());
            sleep(wait);
        }
    }

    private Duration backoff(int attempt, Reply reply) {
        Duration cap = KubernetesSandboxConfig.MAX_BACKOFF;
        Duration wait = backoff.multipliedBy(1L << Math.min(attempt, 16));
        if (reply != null && reply.retryAfterSeconds() > 0) {
            wait = wait.compareTo(Duration.ofSeconds(reply.retryAfterSeconds())) < 0 ? Duration.ofSeconds(reply.retryAfterSeconds()) : wait;
        }
        return wait.compareTo(cap) > 0 ? cap : wait;
    }

    static void sleep(Duration wait) throws KubernetesSandboxException {
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubernetesSandboxException(Reason.INTERRUPTED, "interrupted while talking to the Kubernetes API", e);
        }
    }

    private KubernetesSandboxException failure(String verb, String resource, String name, Reply reply) {
        String server = reply.serverMessage();
        String what = verb + " " + resource + " in " + namespace;
        return switch (reply.code()) {
            case 401 -> new KubernetesSandboxException(Reason.UNAUTHORIZED,
                    "the API server rejected the executor's credentials (401) trying to " + what + ": " + server);
            case 403 -> server.toLowerCase(Locale.ROOT).contains("exceeded quota")
                    ? new KubernetesSandboxException(Reason.QUOTA_EXCEEDED,
                            "ResourceQuota of namespace " + namespace + " is exhausted, cannot " + what + ": " + server)
                    : new KubernetesSandboxException(Reason.FORBIDDEN,
                            "executor's ServiceAccount lacks RBAC to " + what + " (403 Forbidden: " + server + ")");
            default -> new KubernetesSandboxException(Reason.REJECTED,
                    "the API server refused to " + verb + " " + resource + " " + name + " in " + namespace
                            + " (HTTP " + reply.code() + "): " + server);
        };
    }

    /** One HTTP reply, body read up to a cap. */
    private record Reply(int code, byte[] body, long retryAfterSeconds) {
        static Reply of(Response response, int maxBytes) throws IOException {
            ResponseBody body = response.body();
            byte[] bytes = new byte[0];
            if (body != null) {
                try (InputStream in = body.byteStream()) {
                    bytes = in.readNBytes(maxBytes);
                }
            }
            long retryAfter = 0;
            String header = response.header("Retry-After");
            if (header != null && header.trim().matches("\\d{1,6}")) {
                retryAfter = Long.parseLong(header.trim());
            }
            return new Reply(response.code(), bytes, retryAfter);
        }

        boolean ok() {
            return code >= 200 && code < 300;
        }

        JsonNode json() throws KubernetesSandboxException {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new KubernetesSandboxException(Reason.REJECTED,
                        "the API server answered HTTP " + code + " with unreadable JSON: " + e.getMessage(), e);
            }
        }

        /** The {@code message} of a Status body, else the start of the body. */
        String serverMessage() {
            String text = new String(body, StandardCharsets.UTF_8);
            try {
                JsonNode status = JSON.readTree(body);
                if (status != null && status.path("message").isTextual()) {
                    text = status.path("message").asText();
                }
            } catch (JsonProcessingException e) {
                // Not a Status object (a proxy's HTML page, plain text): the raw start of the body is the message.
                log.debug("non-JSON error body from the API server: {}", e.getOriginalMessage());
            } catch (IOException e) {
                log.debug("unreadable error body from the API server", e);
            }
            text = text.isBlank() ? "(no message)" : text.strip();
            return text.length() > MAX_SERVER_MESSAGE ? text.substring(0, MAX_SERVER_MESSAGE) + "…" : text;
        }
    }
}
