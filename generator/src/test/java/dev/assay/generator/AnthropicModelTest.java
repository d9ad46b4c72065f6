package dev.assay.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.assay.generator.FakeModelServer.Reply;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Anthropic provider against a local server speaking the Messages protocol. */
class AnthropicModelTest {
    private final FakeModelServer server = new FakeModelServer();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Prompt prompt = new Prompt("req-1", 2, "SYSTEM RULES", "USER TASK", "v1", 1024);

    AnthropicModelTest() throws Exception {
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static String message(String stopReason, String... texts) {
        StringBuilder content = new StringBuilder();
        for (String t : texts) {
            content.append(content.isEmpty() ? "" : ",").append("{\"type\":\"text\",\"text\":")
                    .append(new ObjectMapper().valueToTree(t).toString()).append(",\"citations\":null}");
        }
        return """
                {"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant","model":"claude-test-20260101",
                 "content":[%s],"stop_reason":"%s","stop_sequence":null,
                 "usage":{"input_tokens":2095,"output_tokens":503,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,
                          "service_tier":"standard"}}
                """.formatted(content, stopReason);
    }

    static String error(String type, String message) {
        return "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message + "\"},\"request_id\":\"req_011\"}";
    }

    private ResilientProvider provider(Duration timeout, int window) {
        ProviderSettings settings = new ProviderSettings("claude-test", server.url(), new ProviderSettings.ApiKey("ant-test-key"),
                timeout, 3, Duration.ofMillis(10), Duration.ofMillis(40), Duration.ofSeconds(5), 50, window, Duration.ofSeconds(60));
        return new ResilientProvider(new AnthropicModel(settings, false), settings, meters);
    }

    @Test
    void sendsAMessagesRequestAndJoinsTextBlocks() throws Exception {
        server.then(Reply.json(200, message("end_turn", "```python path=slug.py\n", "X = 1\n```")));

        Completion c = provider(Duration.ofSeconds(10), 10).complete(prompt);

        assertThat(c.text()).isEqualTo("```python path=slug.py\nX = 1\n```");
        assertThat(c.tokensIn()).isEqualTo(2095);
        assertThat(c.tokensOut()).isEqualTo(503);
        assertThat(c.model()).isEqualTo("claude-test-20260101");
        FakeModelServer.Request request = server.requests().getFirst();
        assertThat(request.path()).isEqualTo("/v1/messages");
        // The SDK picks the auth header (x-api-key or a bearer token, by version); either way the key is sent as configured.
        assertThat(java.util.Arrays.asList(request.header("x-api-key"), request.header("Authorization")))
                .containsAnyOf("ant-test-key", "Bearer ant-test-key");
        assertThat(request.header("anthropic-version")).isNotBlank();
        JsonNode body = new ObjectMapper().readTree(request.body());
        assertThat(body.get("model").asText()).isEqualTo("claude-test");
        assertThat(body.get("max_tokens").asInt()).isEqualTo(1024);
        assertThat(body.get("system").asText()).isEqualTo("SYSTEM RULES");
        assertThat(body.get("messages").get(0).get("role").asText()).isEqualTo("user");
        assertThat(body.get("messages").get(0).get("content").asText()).isEqualTo("USER TASK");
    }

    @Test
    void retriesRateLimitAndOverloadHonouringRetryAfter() throws Exception {
        server.then(Reply.json(429, error("rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit"))
                        .withHeader("retry-after", "1"))
                .then(Reply.json(529, error("overloaded_error", "Overloaded")))
                .then(Reply.json(200, message("end_turn", "ok")));

        assertThat(provider(Duration.ofSeconds(10), 10).complete(prompt).text()).isEqualTo("ok");
        assertThat(server.requests()).hasSize(3);
        assertThat(meters.counter("assay.generator.provider.retries", "provider", "anthropic").count()).isEqualTo(2.0);
    }

    @Test
    void givesUpOnPersistentServerErrors() {
        server.then(Reply.json(500, error("api_error", "Internal server error")))
                .then(Reply.json(500, error("api_error", "Internal server error")))
                .then(Reply.json(500, error("api_error", "Internal server error")));

        assertThatThrownBy(() -> provider(Duration.ofSeconds(10), 10).complete(prompt)).isInstanceOf(ModelProviderException.class)
                .hasMessage("anthropic answered HTTP 500 (gave up after retries)");
    }

    @Test
    void retriesATimeout() throws Exception {
        server.then(Reply.json(200, message("end_turn", "late")).after(Duration.ofSeconds(3)))
                .then(Reply.json(200, message("end_turn", "in time")));

        assertThat(provider(Duration.ofMillis(500), 10).complete(prompt).text()).isEqualTo("in time");
    }

    @Test
    void malformedJsonFailsWithoutRetry() {
        server.then(Reply.json(200, "{\"id\":\"msg_1\",\"type\":\"message\",\"content\":[{\"type\":\"text\",\"text\":\"x"));

        assertThatThrownBy(() -> provider(Duration.ofSeconds(10), 10).complete(prompt)).isInstanceOf(ModelProviderException.class)
                .hasMessage("anthropic sent a malformed response");
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void emptyContentIsAnEmptyCompletion() throws Exception {
        server.then(Reply.json(200, message("end_turn")));

        assertThat(provider(Duration.ofSeconds(10), 10).complete(prompt).text()).isEmpty();
    }

    @Test
    void aRefusalFails() {
        server.then(Reply.json(200, message("refusal", "I won't write that.")));

        assertThatThrownBy(() -> provider(Duration.ofSeconds(10), 10).complete(prompt)).isInstanceOf(ModelProviderException.class)
                .hasMessage("the model refused: I won't write that.");
    }

    @Test
    void theCircuitOpensAfterRepeatedFailuresAndStopsCallingTheProvider() {
        for (int i = 0; i < 6; i++) {
            server.then(Reply.json(503, error("api_error", "unavailable")));
        }
        ResilientProvider provider = provider(Duration.ofSeconds(10), 2);

        // Each generation counts once, after its three attempts: the window of two opens on the second.
        assertThatThrownBy(() -> provider.complete(prompt)).hasMessageContaining("gave up after retries");
        assertThat(provider.breakerState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThatThrownBy(() -> provider.complete(prompt)).hasMessageContaining("gave up after retries");
        assertThat(server.requests()).hasSize(6);
        assertThat(provider.breakerState()).isEqualTo(CircuitBreaker.State.OPEN);
        int calls = server.requests().size();
        assertThatThrownBy(() -> provider.complete(prompt)).hasMessage("anthropic is unavailable: circuit breaker open after repeated failures");
        assertThat(server.requests()).hasSize(calls);
        assertThat(meters.find("resilience4j.circuitbreaker.state").tag("name", "model-anthropic").tag("state", "open").gauge().value())
                .isEqualTo(1.0);
    }
}
