package dev.assay.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * Client for the Confluent Schema Registry REST API (also served by Apicurio's ccompat API, Karapace,
 * Redpanda and Assay's embedded registry). Written by hand because Confluent's Java client is not on
 * Maven Central; it covers exactly the calls Confluent's Avro serializer makes, with the same caching:
 * ids and schemas never change once assigned, so both maps live for the client's lifetime.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {
    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI baseUri;
    private final HttpClient http;
    private final Duration timeout;
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<String, Integer> idsBySubjectAndSchema = new ConcurrentHashMap<>();

    public RestSchemaRegistryClient(String baseUrl) {
        this(baseUrl, Duration.ofSeconds(10));
    }

    public RestSchemaRegistryClient(String baseUrl, Duration timeout) {
        String trimmed = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.baseUri = URI.create(trimmed);
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    public String baseUrl() {
        return baseUri.toString();
    }

    @Override
    public int register(String subject, Schema schema) {
        return idsBySubjectAndSchema.computeIfAbsent(cacheKey(subject, schema),
                k -> cacheSchema(post("/subjects/" + encode(subject) + "/versions", schemaBody(schema)).path("id").asInt(), schema));
    }

    @Override
    public int lookupId(String subject, Schema schema) {
        return idsBySubjectAndSchema.computeIfAbsent(cacheKey(subject, schema),
                k -> cacheSchema(post("/subjects/" + encode(subject), schemaBody(schema)).path("id").asInt(), schema));
    }

    @Override
    public Schema schemaById(int id) {
        return schemasById.computeIfAbsent(id, k -> {
            JsonNode body = send(HttpRequest.newBuilder(baseUri.resolve(baseUri.getPath() + "/schemas/ids/" + id)).GET());
            String type = body.path("schemaType").asText("AVRO");
            if (!"AVRO".equals(type)) {
                throw new SchemaRegistryException(200, -1, "schema id " + id + " is " + type + ", not AVRO");
            }
            return new Schema.Parser().parse(body.path("schema").asText());
        });
    }

    private int cacheSchema(int id, Schema schema) {
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    private static String cacheKey(String subject, Schema schema) {
        return subject + '\u0000' + schema.toString();
    }

    private static String schemaBody(Schema schema) {
        ObjectNode body = JSON.createObjectNode();
        body.put("schema", schema.toString());
        return body.toString();
    }

    private JsonNode post(String path, String body) {
        return send(HttpRequest.newBuilder(baseUri.resolve(baseUri.getPath() + path))
                .header("Content-Type", CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private JsonNode send(HttpRequest.Builder request) {
        HttpRequest built = request.header("Accept", CONTENT_TYPE).timeout(timeout).build();
        try {
            HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
            if (response.statusCode() / 100 != 2) {
                throw new SchemaRegistryException(response.statusCode(), body.path("error_code").asInt(-1),
                        "schema registry " + built.method() + " " + built.uri().getPath() + " answered "
                                + response.statusCode() + ": " + body.path("message").asText(response.body()));
            }
            return body;
        } catch (IOException e) {
            throw new SchemaRegistryException("schema registry at " + baseUri + " unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("interrupted calling schema registry", e);
        }
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8);
    }
}
