package dev.assay.executor.kubernetes;

import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.dsl.MockServerExpectation;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;

/**
 * fabric8's in-process Kubernetes API server in mixed mode: stored objects behave like the real API (create, 409,
 * get, list by label, status subresources, delete), and canned responses registered with {@link #expect()} answer
 * first, until used up, for injecting 403s and 5xx. Every request is recorded for counting.
 */
final class KubernetesApiEmulator implements AutoCloseable {
    private final KubernetesMockServer server;
    private final List<String> recorded = new ArrayList<>();

    KubernetesApiEmulator() {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
                new KubernetesMixedDispatcher(responses), false);
        server.init();
    }

    String baseUrl() {
        return "http://" + server.getHostName() + ":" + server.getPort();
    }

    /** A fresh client on the emulator; short timeouts so a broken test fails instead of hanging. */
    ApiClient client() {
        ApiClient client = new ClientBuilder().setBasePath(baseUrl()).build();
        client.setConnectTimeout(5_000);
        client.setReadTimeout(10_000);
        return client;
    }

    MockServerExpectation expect() {
        return server.expect();
    }

    /** How many requests with this method went to exactly this path (query excluded). */
    synchronized long count(String method, String path) {
        drain();
        return recorded.stream().filter(r -> r.equals(method + " " + path)).count();
    }

    private void drain() {
        try {
            RecordedRequest request;
            while ((request = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
                String path = request.getPath();
                int query = path.indexOf('?');
                recorded.add(request.getMethod() + " " + (query < 0 ? path : path.substring(0, query)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading recorded requests", e);
        }
    }

    @Override
    public void close() {
        server.destroy();
    }
}
