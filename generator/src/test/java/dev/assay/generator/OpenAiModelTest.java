package dev.assay.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.assay.generator.FakeModelServer.Reply;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The OpenAI provider against a local server speaking the Chat Completions protocol. */
class OpenAiModelTest {
    private final FakeModelServer server = new FakeModelServer();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Prompt prompt = new Prompt("req-1", 1, "SYSTEM RULES", "USER TASK", "v1", 512);

    OpenAiModelTest() throws Exception {
    }

    private ResilientProvider last;

    @AfterEach
    void stop() {
        if (last != null) {
            last.close();
        }
        server.close();
    }

    static String completion(String content, String refusal) {
        return """
                {"id":"chatcmpl-abc123","object":"chat.completion","created":1763900000,"model":"gpt-test-2026-01-01",
                 "choices":[{"index":0,"message":{"role":"assistant","content":%s,"refusal":%s,"annotations":[]},
                             "logprobs":null,"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":321,"completion_tokens":45,"total_tokens":366},
                 "service_tier":"default","system_fingerprint":"fp_test"}
                """.formatted(json(content), json(refusal));
    }

    static String error(String message, String type, String code) {
        return "{\"error\":{\"message\":\"" + message + "\",\"type\":\"" + type + "\",\"param\":null,\"code\":\"" + code + "\"}}";
    }

    private static String json(String s) {
        return s == null ? "null" : "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    private ResilientProvider provider(Duration timeout) {
        ProviderSettings settings = new ProviderSettings("gpt-test", server.url() + "/v1", new ProviderSettings.ApiKey("sk-test-key"),
                timeout, 3, Duration.ofMillis(10), Duration.ofMillis(40), Duration.ofSeconds(5), 50, 10, Duration.ofSeconds(30));
        last = new ResilientProvider(new OpenAiModel(settings, false), settings, meters);
        return last;
    }

    @Test
    void sendsAChatCompletionRequestAndReadsTextTokensAndModel() throws Exception {
        server.then(Reply.json(200, completion("```python path=slug.py\nX = 1\n```", null)));

        Completion c = provider(Duration.ofSeconds(10)).complete(prompt);

        assertThat(c.text()).isEqualTo("```python path=slug.py\nX = 1\n```");
        assertThat(c.tokensIn()).isEqualTo(321);
        assertThat(c.tokensOut()).isEqualTo(45);
        assertThat(c.model()).isEqualTo("gpt-test-2026-01-01");
        FakeModelServer.Request request = server.requests().getFirst();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/v1/chat/completions");
        assertThat(request.header("Authorization")).isEqualTo("Bearer sk-test-key");
        JsonNode body = new ObjectMapper().readTree(request.body());
        assertThat(body.get("model").asText()).isEqualTo("gpt-test");
        assertThat(body.get("max_completion_tokens").asInt()).isEqualTo(512);
        assertThat(body.get("messages").get(0).get("role").asText()).isEqualTo("system");
        assertThat(body.get("messages").get(0).get("content").asText()).isEqualTo("SYSTEM RULES");
        assertThat(body.get("messages").get(1).get("role").asText()).isEqualTo("user");
        assertThat(body.get("messages").get(1).get("content").asText()).isEqualTo("USER TASK");
    }

    @Test
    void retriesARateLimitHonouringRetryAfter() throws Exception {
        server.then(Reply.json(429, error("Rate limit reached", "requests", "rate_limit_exceeded")).withHeader("Retry-After", "1"))
                .then(Reply.json(200, completion("ok", null)));

        assertThat(provider(Duration.ofSeconds(10)).complete(prompt).text()).isEqualTo("ok");
        assertThat(server.requests()).hasSize(2);
        assertThat(meters.counter("assay.generator.provider.retries", "provider", "openai").count()).isEqualTo(1.0);
    }

    @Test
    void doesNotWaitForARetryAfterLongerThanAllowed() {
        server.then(Reply.json(429, error("Rate limit reached", "tokens", "rate_limit_exceeded")).withHeader("Retry-After", "3600"))
                .then(Reply.json(200, completion("too late to matter", null)));

        assertThatThrownBy(() -> provider(Duration.ofSeconds(10)).complete(prompt)).isInstanceOf(ModelProviderException.class)
                .hasMessage("openai answered HTTP 429 (rate_limit_exceeded) (asked to retry after 3600 s, more than the 5 s allowed)");
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void retriesServerErrorsThenGivesUpWithAClearReason() {
        server.then(Reply.json(500, error("boom", "server_error", "internal")))
                .then(Reply.json(503, error("busy", "server_error", "unavailable")))
                .then(Reply.json(500, error("boom", "server_error", "internal")));

        assertThatThrownBy(() -> provider(Duration.ofSeconds(10)).complete(prompt)).isInstanceOf(ModelProviderException.class)
                .hasMessage("openai answered HTTP 500 (internal) (gave up after retries)");
        assertThat(server.requests()).hasSize(3);
    }

    @Test
    void doesNotRetryABadRequestOrLeakTheKey() {
        server.then(Reply.json(401, error("Incorrect API key provided: sk-test-key", "invalid_request_error", "invalid_api_key")));

        assertThatThrownBy(() -> provider(Duration.ofSeconds(10)).complete(prompt)).isInstanceOf(ModelProviderException.class)
                .hasMessage("openai answered HTTP 401 (invalid_api_key)");
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void retriesATimeout() throws Exception {
        server.then(Reply.json(200, completion("late", null)).after(Duration.ofSeconds(3)))
                .then(Reply.json(200, completion("in time", null)));

        assertThat(provider(Duration.ofMillis(500)).complete(prompt).text()).isEqualTo("in time");
        assertThat(server.requests()).hasSize(2);
    }

    @Test
    void malformedJsonFailsWithoutRetry() {
        server.then(Reply.json(200, "{\"id\":\"chatcmpl-1\",\"choices\":[{\"message\":"));

        assertThatThrownBy(() -> provider(Duration.ofSeconds(10)).complete(prompt)).isInstanceOf(ModelProviderException.class)
                .hasMessage("openai sent a malformed response");
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void emptyContentIsAnEmptyCompletion() throws Exception {
        server.then(Reply.json(200, completion(null, null)));

        assertThat(provider(Duration.ofSeconds(10)).complete(prompt).text()).isEmpty();
    }

    @Test
    void aRefusalFailsWithTheModelsWords() {
        server.then(Reply.json(200, completion(null, "I can't help with that request.")));

        assertThatThrownBy(() -> provider(Duration.ofSeconds(10)).complete(prompt)).isInstanceOf(ModelProviderException.class)
                .hasMessage("the model refused: I can't help with that request.");
    }
}
