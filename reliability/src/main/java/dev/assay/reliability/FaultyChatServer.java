package dev.assay.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local server speaking the OpenAI Chat Completions protocol ({@code POST /v1/chat/completions}) that misbehaves on
 * request: a marker {@code [fault:<kind>:<token>]} anywhere in the prompt picks the behaviour, and prompts without
 * one get a good answer. Kinds: {@code 429} (rate limited, with Retry-After), {@code 500}, {@code timeout} (answers
 * only after {@code slowAnswer}, longer than the client waits), {@code garbage} (200 with a body that is not JSON),
 * {@code flaky} (503 the first time a token is seen, a good answer afterwards).
 */
public final class FaultyChatServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FaultyChatServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern MARKER = Pattern.compile("\\[fault:([a-z0-9]+):([A-Za-z0-9_-]+)]");

    private final HttpServer server;
    private final String goodAnswer;
    private final Duration slowAnswer;
    private final Map<String, AtomicInteger> callsByKind = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> callsByToken = new ConcurrentHashMap<>();

    /** @param goodAnswer the assistant message content of a good answer (the completion the generator parses) */
    public FaultyChatServer(String goodAnswer, Duration slowAnswer) {
        this.goodAnswer = goodAnswer;
        this.slowAnswer = slowAnswer;
        try {
            this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the fake model server", e);
        }
        server.createContext("/v1/chat/completions", this::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    /** The base URL to give as {@code generator.base.url}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** The marker to put in a request's task to get this behaviour for it. */
    public static String marker(String kind, String token) {
        return "[fault:" + kind + ":" + token + "]";
    }

    /** Calls answered with this kind ("ok" for good answers without a marker). */
    public int calls(String kind) {
        return callsByKind.getOrDefault(kind, new AtomicInteger()).get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                send(exchange, 405, "{\"error\":{\"message\":\"POST only\"}}");
                return;
            }
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            StringBuilder prompt = new StringBuilder();
            body.path("messages").forEach(m -> prompt.append(m.path("content").asText()).append('\n'));
            Matcher m = MARKER.matcher(prompt);
            String kind = m.find() ? m.group(1) : "ok";
            String token = kind.equals("ok") ? "" : m.group(2);
            callsByKind.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
            int seen = callsByToken.computeIfAbsent(kind + ":" + token, k -> new AtomicInteger()).incrementAndGet();
            log.debug("model call: {} {} (#{})", kind, token, seen);
            switch (kind) {
                case "429" -> {
                    exchange.getResponseHeaders().add("Retry-After", "1");
                    send(exchange, 429, error("rate_limit_exceeded", "Rate limit reached"));
                }
                case "500" -> send(exchange, 500, error("server_error", "The server had an error"));
                case "timeout" -> {
                    sleep(slowAnswer);
                    send(exchange, 200, completion(body, goodAnswer));
                }
                case "garbage" -> send(exchange, 200, "<html>this is not the JSON you are looking for");
                case "flaky" -> {
                    if (seen == 1) {
                        send(exchange, 503, error("overloaded", "Try again"));
                    } else {
                        send(exchange, 200, completion(body, goodAnswer));
                    }
                }
                default -> send(exchange, 200, completion(body, goodAnswer));
            }
        }
    }

    private static String error(String code, String message) {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("error").put("message", message).put("type", code).put("code", code);
        return root.toString();
    }

    private static String completion(JsonNode request, String content) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", "chatcmpl-fault-suite").put("object", "chat.completion")
                .put("created", System.currentTimeMillis() / 1000).put("model", request.path("model").asText("fault-model"));
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0).put("finish_reason", "stop").putNull("logprobs");
        choice.putObject("message").put("role", "assistant").put("content", content).putNull("refusal");
        root.putObject("usage").put("prompt_tokens", 10).put("completion_tokens", 10).put("total_tokens", 20);
        return root.toString();
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", status == 200 && !body.startsWith("{") ? "text/html" : "application/json");
        try {
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException e) {
            // The client gave up (a timeout case): nobody is left to answer.
            log.debug("client went away before the answer: {}", e.toString());
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
