package dev.assay.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FaultyChatServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final FaultyChatServer server = new FaultyChatServer("```python path=a.py\nx = 1\n```", Duration.ofSeconds(3));
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void close() {
        server.close();
    }

    private HttpResponse<String> call(String userMessage, Duration timeout) throws Exception {
        String body = JSON.createObjectNode().put("model", "m").set("messages", JSON.createArrayNode()
                .add(JSON.createObjectNode().put("role", "user").put("content", userMessage))).toString();
        return http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/chat/completions")).timeout(timeout)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void answersAChatCompletionWithoutAMarker() throws Exception {
        HttpResponse<String> response = call("write a.py", Duration.ofSeconds(5));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode json = JSON.readTree(response.body());
        assertThat(json.at("/choices/0/message/content").asText()).contains("path=a.py");
        assertThat(json.at("/object").asText()).isEqualTo("chat.completion");
        assertThat(server.calls("ok")).isEqualTo(1);
    }

    @Test
    void misbehavesAsTheMarkerSays() throws Exception {
        HttpResponse<String> limited = call("task " + FaultyChatServer.marker("429", "r1"), Duration.ofSeconds(5));
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).contains("1");

        assertThat(call(FaultyChatServer.marker("500", "r2"), Duration.ofSeconds(5)).statusCode()).isEqualTo(500);

        HttpResponse<String> garbage = call(FaultyChatServer.marker("garbage", "r3"), Duration.ofSeconds(5));
        assertThat(garbage.statusCode()).isEqualTo(200);
        assertThat(garbage.body()).doesNotStartWith("{");

        assertThat(call(FaultyChatServer.marker("flaky", "r4"), Duration.ofSeconds(5)).statusCode()).isEqualTo(503);
        assertThat(call(FaultyChatServer.marker("flaky", "r4"), Duration.ofSeconds(5)).statusCode()).isEqualTo(200);
    }

    @Test
    void answersTooLateForTheTimeoutKind() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> call(FaultyChatServer.marker("timeout", "r5"), Duration.ofMillis(500)))
                .isInstanceOf(java.net.http.HttpTimeoutException.class);
    }
}
