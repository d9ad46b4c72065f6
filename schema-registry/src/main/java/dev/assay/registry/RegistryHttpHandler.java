package dev.assay.registry;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Confluent Schema Registry's REST API (the part Avro clients use) over a {@link SchemaRegistry}, with Confluent's
 * JSON shapes and {@code error_code}s. Hand-written on the JDK's HTTP server: Confluent's server is not on Maven
 * Central and no library on it serves this API. Requests may say {@code application/vnd.schemaregistry.v1+json},
 * {@code application/json} or nothing; unknown request fields are ignored, as Confluent's clients expect
 * ({@code Confluent-Accept-Unknown-Properties}). Query parameters Assay has no use for ({@code normalize},
 * {@code deleted}, {@code format}, {@code subject}) are accepted and ignored: schemas are always kept in Avro's
 * canonical form, and nothing is ever soft-deleted.
 */
final class RegistryHttpHandler implements HttpHandler {
    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final Logger log = LoggerFactory.getLogger(RegistryHttpHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY_BYTES = 8 * 1024 * 1024;

    private final SchemaRegistry registry;
    private final MeterRegistry meters;

    RegistryHttpHandler(SchemaRegistry registry, MeterRegistry meters) {
        this.registry = registry;
        this.meters = meters;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        int status;
        String body;
        try {
            Response response = route(new Request(exchange));
            status = response.status();
            body = response.body();
        } catch (RegistryException e) {
            if (e.status() >= 500) {
                log.error("{} {} failed: {}", exchange.getRequestMethod(), exchange.getRequestURI(), e.getMessage(), e);
            }
            status = e.status();
            body = error(e.errorCode(), e.getMessage());
        } catch (RuntimeException e) {
            log.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            status = 500;
            body = error(500, "Internal server error: " + e.getClass().getSimpleName());
        }
        meters.counter("assay.registry.requests", "method", exchange.getRequestMethod(), "status", Integer.toString(status))
                .increment();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private Response route(Request request) {
        List<String> p = request.path;
        String method = request.method;
        if (p.isEmpty()) {
            return only(method, "GET", () -> ok(JSON.createObjectNode()));
        }
        return switch (p.getFirst()) {
            case "schemas" -> schemas(request, p);
            case "subjects" -> subjects(request, p);
            case "compatibility" -> compatibility(request, p);
            case "config" -> config(request, p);
            case "mode" -> p.size() <= 2
                    ? only(method, "GET", () -> ok(JSON.createObjectNode().put("mode", "READWRITE"))) : notFound();
            default -> notFound();
        };
    }

    private Response schemas(Request request, List<String> p) {
        if (p.size() == 2 && p.get(1).equals("types")) {
            return only(request.method, "GET", () -> ok(JSON.createArrayNode().add("AVRO")));
        }
        if (p.size() < 3 || p.size() > 4 || !p.get(1).equals("ids")) {
            return notFound();
        }
        int id;
        try {
            id = Integer.parseInt(p.get(2));
        } catch (NumberFormatException e) {
            return notFound();
        }
        String tail = p.size() == 4 ? p.get(3) : "";
        return switch (tail) {
            case "" -> only(request.method, "GET", () -> ok(JSON.createObjectNode().put("schema", registry.schemaById(id))));
            case "schema" -> only(request.method, "GET", () -> new Response(200, registry.schemaById(id)));
            case "versions" -> only(request.method, "GET", () -> {
                ArrayNode out = JSON.createArrayNode();
                registry.versionsOfId(id).forEach(v -> out.addObject().put("subject", v.subject()).put("version", v.version()));
                return ok(out);
            });
            case "subjects" -> only(request.method, "GET", () -> {
                ArrayNode out = JSON.createArrayNode();
                registry.versionsOfId(id).stream().map(RegisteredSchema::subject).distinct().forEach(out::add);
                return ok(out);
            });
            default -> notFound();
        };
    }

    private Response subjects(Request request, List<String> p) {
        String method = request.method;
        if (p.size() == 1) {
            return only(method, "GET", () -> {
                String prefix = request.query.getOrDefault("subjectPrefix", "");
                ArrayNode out = JSON.createArrayNode();
                registry.subjects().stream().filter(s -> s.startsWith(prefix)).forEach(out::add);
                return ok(out);
            });
        }
        String subject = p.get(1);
        if (p.size() == 2) {
            return only(method, "POST", () -> {
                RegisteredSchema found = registry.lookup(subject, request.schemaText());
                return ok(describe(found));
            });
        }
        if (!p.get(2).equals("versions") || p.size() > 5) {
            return notFound();
        }
        if (p.size() == 3) {
            return switch (method) {
                case "GET" -> {
                    ArrayNode out = JSON.createArrayNode();
                    registry.versions(subject).forEach(out::add);
                    yield ok(out);
                }
                case "POST" -> ok(JSON.createObjectNode().put("id", registry.register(subject, request.schemaText())));
                default -> methodNotAllowed(method);
            };
        }
        String version = p.get(3);
        String tail = p.size() == 5 ? p.get(4) : "";
        return switch (tail) {
            case "" -> only(method, "GET", () -> ok(describe(registry.version(subject, version))));
            case "schema" -> only(method, "GET", () -> new Response(200, registry.version(subject, version).schema()));
            case "referencedby" -> only(method, "GET", () -> {
                registry.version(subject, version);
                // References are not supported, so nothing can refer to a version.
                return ok(JSON.createArrayNode());
            });
            default -> notFound();
        };
    }

    private Response compatibility(Request request, List<String> p) {
        if (p.size() < 4 || p.size() > 5 || !p.get(1).equals("subjects") || !p.get(3).equals("versions")) {
            return notFound();
        }
        String subject = p.get(2);
        String version = p.size() == 5 ? p.get(4) : null;
        return only(request.method, "POST", () -> {
            List<String> problems = registry.compatibilityProblems(subject, version, request.schemaText());
            ObjectNode out = JSON.createObjectNode().put("is_compatible", problems.isEmpty());
            if (Boolean.parseBoolean(request.query.get("verbose"))) {
                ArrayNode messages = out.putArray("messages");
                problems.forEach(messages::add);
            }
            return ok(out);
        });
    }

    private Response config(Request request, List<String> p) {
        if (p.size() > 2) {
            return notFound();
        }
        String subject = p.size() == 2 ? p.get(1) : null;
        return switch (request.method) {
            case "GET" -> {
                Optional<CompatibilityLevel> level = subject == null ? Optional.of(registry.globalLevel())
                        : registry.subjectLevel(subject);
                if (level.isEmpty() && Boolean.parseBoolean(request.query.get("defaultToGlobal"))) {
                    level = Optional.of(registry.globalLevel());
                }
                yield ok(JSON.createObjectNode().put("compatibilityLevel", level.orElseThrow(() -> notConfigured(subject)).name()));
            }
            case "PUT" -> {
                JsonNode body = request.json();
                // Confluent's clients send "compatibility"; its GET answers "compatibilityLevel": take either.
                String name = body.path("compatibility").asText(body.path("compatibilityLevel").asText(null));
                CompatibilityLevel level = CompatibilityLevel.parse(name);
                registry.setLevel(subject, level);
                yield ok(JSON.createObjectNode().put("compatibility", level.name()));
            }
            case "DELETE" -> {
                if (subject != null && registry.subjectLevel(subject).isEmpty()) {
                    throw notConfigured(subject);
                }
                CompatibilityLevel previous = registry.clearLevel(subject).orElse(CompatibilityLevel.DEFAULT);
                yield ok(JSON.createObjectNode().put("compatibilityLevel", previous.name()));
            }
            default -> methodNotAllowed(request.method);
        };
    }

    private static RegistryException notConfigured(String subject) {
        return new RegistryException(404, RegistryException.SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED,
                "Subject '" + subject + "' does not have subject-level compatibility configured");
    }

    private static ObjectNode describe(RegisteredSchema schema) {
        return JSON.createObjectNode().put("subject", schema.subject()).put("version", schema.version())
                .put("id", schema.id()).put("schema", schema.schema());
    }

    private static Response only(String method, String allowed, Supplier<Response> action) {
        return method.equals(allowed) ? action.get() : methodNotAllowed(method);
    }

    private static Response ok(JsonNode body) {
        return new Response(200, body.toString());
    }

    private static Response notFound() {
        return new Response(404, error(404, "HTTP 404 Not Found"));
    }

    private static Response methodNotAllowed(String method) {
        return new Response(405, error(405, "HTTP 405 Method " + method + " Not Allowed"));
    }

    private static String error(int code, String message) {
        return JSON.createObjectNode().put("error_code", code).put("message", message).toString();
    }

    private record Response(int status, String body) {
    }

    /** The parts of an exchange the routes use: decoded path segments, query parameters, the JSON body. */
    private static final class Request {
        final String method;
        final List<String> path = new ArrayList<>();
        final Map<String, String> query = new HashMap<>();
        private final HttpExchange exchange;

        Request(HttpExchange exchange) {
            this.exchange = exchange;
            this.method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            // Split the raw path before decoding so an encoded '/' inside a subject name stays in its segment.
            for (String segment : exchange.getRequestURI().getRawPath().split("/")) {
                if (!segment.isEmpty()) {
                    path.add(URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8));
                }
            }
            String rawQuery = exchange.getRequestURI().getRawQuery();
            if (rawQuery != null) {
                for (String pair : rawQuery.split("&")) {
                    int eq = pair.indexOf('=');
                    String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                    query.put(key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }

        JsonNode json() {
            byte[] bytes;
            try (InputStream in = exchange.getRequestBody()) {
                bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            } catch (IOException e) {
                throw new RegistryException(400, 400, "cannot read request body: " + e.getMessage(), e);
            }
            if (bytes.length > MAX_BODY_BYTES) {
                throw new RegistryException(413, 413, "request body larger than " + MAX_BODY_BYTES + " bytes");
            }
            try {
                JsonNode node = JSON.readTree(bytes);
                if (node == null || !node.isObject()) {
                    throw new RegistryException(422, 422, "request body must be a JSON object");
                }
                return node;
            } catch (JacksonException e) {
                throw new RegistryException(400, 400, "Unexpected character or malformed JSON: " + e.getOriginalMessage(), e);
            } catch (IOException e) {
                throw new RegistryException(400, 400, "cannot read request body: " + e.getMessage(), e);
            }
        }

        /**
         * The {@code schema} of a register, lookup or compatibility request, after refusing what this registry
         * cannot honour: other schema types, references, and rules (ignoring rules would change what clients do).
         */
        String schemaText() {
            JsonNode body = json();
            String type = body.path("schemaType").asText("AVRO");
            if (!type.equalsIgnoreCase("AVRO")) {
                throw RegistryException.invalidSchema("Schema type " + type + " is not supported; this registry serves AVRO only", null);
            }
            JsonNode references = body.path("references");
            if (references.isArray() && !references.isEmpty()) {
                throw RegistryException.invalidSchema("Schema references are not supported by this registry", null);
            }
            JsonNode ruleSet = body.path("ruleSet");
            for (String kind : List.of("domainRules", "migrationRules", "encodingRules")) {
                if (ruleSet.path(kind).isArray() && !ruleSet.path(kind).isEmpty()) {
                    throw RegistryException.invalidSchema("Rule sets are not supported by this registry", null);
                }
            }
            JsonNode schema = body.path("schema");
            if (!schema.isTextual()) {
                throw RegistryException.invalidSchema("Empty schema", null);
            }
            return schema.asText();
        }
    }
}
