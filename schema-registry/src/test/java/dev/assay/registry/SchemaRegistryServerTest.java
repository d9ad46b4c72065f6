package dev.assay.registry;

import static dev.assay.registry.RegistryHttp.schemaBody;
import static dev.assay.registry.TestSchemas.ORDER;
import static dev.assay.registry.TestSchemas.USER_BREAKING;
import static dev.assay.registry.TestSchemas.USER_V1;
import static dev.assay.registry.TestSchemas.USER_V2;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The REST semantics, against the real HTTP server over an in-memory log. */
class SchemaRegistryServerTest {
    private static final String CANONICAL_V1 = new Schema.Parser().parse(USER_V1).toString();

    private final InMemorySchemaStore store = new InMemorySchemaStore();
    private SchemaRegistryServer server;
    private RegistryHttp http;

    @BeforeEach
    void start() {
        server = new SchemaRegistryServer(store, "127.0.0.1", 0, new SimpleMeterRegistry());
        server.start();
        http = new RegistryHttp(server.url());
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void rootAnswersAnEmptyObjectLikeConfluent() {
        RegistryHttp.Reply reply = http.get("/");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.raw()).isEqualTo("{}");
        assertThat(server.isReady()).isTrue();
    }

    @Test
    void registeringTheSameSchemaTwiceReturnsTheSameIdAndVersion() {
        int first = http.register("users-value", USER_V1);
        // Whitespace and attribute order differ; Avro's canonical form does not.
        int again = http.register("users-value", "{ \"namespace\":\"t\", \"name\":\"User\", \"type\":\"record\","
                + " \"fields\":[{\"type\":\"string\",\"name\":\"name\"}] }");

        assertThat(again).isEqualTo(first);
        assertThat(http.get("/subjects/users-value/versions").raw()).isEqualTo("[1]");
        assertThat(store.entries()).hasSize(1);
    }

    @Test
    void theSameSchemaUnderAnotherSubjectReusesItsGlobalId() {
        int users = http.register("users-value", USER_V1);
        int orders = http.register("orders-value", ORDER);
        int copy = http.register("users-copy-value", USER_V1);

        assertThat(orders).isNotEqualTo(users);
        assertThat(copy).isEqualTo(users);
        assertThat(http.get("/subjects/users-copy-value/versions/latest").json().path("version").asInt()).isEqualTo(1);
        assertThat(http.get("/schemas/ids/" + users + "/versions").json().toString())
                .isEqualTo("[{\"subject\":\"users-copy-value\",\"version\":1},{\"subject\":\"users-value\",\"version\":1}]");
        assertThat(http.get("/subjects").raw()).isEqualTo("[\"orders-value\",\"users-copy-value\",\"users-value\"]");
    }

    @Test
    void aCompatibleNewSchemaBecomesTheNextVersionWithANewId() {
        int v1 = http.register("users-value", USER_V1);
        int v2 = http.register("users-value", USER_V2);

        assertThat(v2).isEqualTo(v1 + 1);
        assertThat(http.get("/subjects/users-value/versions").raw()).isEqualTo("[1,2]");
        JsonNode latest = http.get("/subjects/users-value/versions/latest").json();
        assertThat(latest.path("subject").asText()).isEqualTo("users-value");
        assertThat(latest.path("version").asInt()).isEqualTo(2);
        assertThat(latest.path("id").asInt()).isEqualTo(v2);
        assertThat(http.get("/subjects/users-value/versions/-1").json()).isEqualTo(latest);
        assertThat(http.get("/subjects/users-value/versions/1/schema").raw()).isEqualTo(CANONICAL_V1);
        assertThat(http.get("/schemas/ids/" + v1).json().path("schema").asText()).isEqualTo(CANONICAL_V1);
        assertThat(http.get("/schemas/ids/" + v1 + "/schema").raw()).isEqualTo(CANONICAL_V1);
    }

    @Test
    void lookupFindsTheVersionOrAnswersConfluentsNotFoundCodes() {
        int id = http.register("users-value", USER_V1);

        JsonNode found = http.post("/subjects/users-value?normalize=false&deleted=false", schemaBody(USER_V1)).json();
        assertThat(found.path("subject").asText()).isEqualTo("users-value");
        assertThat(found.path("id").asInt()).isEqualTo(id);
        assertThat(found.path("version").asInt()).isEqualTo(1);
        assertThat(found.path("schema").asText()).isEqualTo(CANONICAL_V1);

        RegistryHttp.Reply absent = http.post("/subjects/users-value", schemaBody(USER_V2));
        assertThat(absent.status()).isEqualTo(404);
        assertThat(absent.errorCode()).isEqualTo(40403);
        assertThat(http.post("/subjects/nobody-value", schemaBody(USER_V1)).errorCode()).isEqualTo(40401);
    }

    @Test
    void unknownIdsSubjectsAndVersionsGetTheirOwnCodes() {
        http.register("users-value", USER_V1);

        assertThat(http.get("/schemas/ids/999").errorCode()).isEqualTo(40403);
        assertThat(http.get("/schemas/ids/999/versions").errorCode()).isEqualTo(40403);
        assertThat(http.get("/subjects/nobody-value/versions").errorCode()).isEqualTo(40401);
        assertThat(http.get("/subjects/nobody-value/versions/latest").errorCode()).isEqualTo(40401);
        assertThat(http.get("/subjects/users-value/versions/9").errorCode()).isEqualTo(40402);
        RegistryHttp.Reply badVersion = http.get("/subjects/users-value/versions/first");
        assertThat(badVersion.status()).isEqualTo(422);
        assertThat(badVersion.errorCode()).isEqualTo(42202);
        assertThat(http.get("/no/such/path").status()).isEqualTo(404);
        assertThat(http.delete("/subjects").status()).isEqualTo(405);
    }

    @Test
    void anIncompatibleSchemaIsRefusedWith409UntilTheSubjectAllowsIt() {
        http.register("users-value", USER_V1);

        RegistryHttp.Reply refused = http.post("/subjects/users-value/versions", schemaBody(USER_BREAKING));
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.errorCode()).isEqualTo(409);
        assertThat(refused.json().path("message").asText()).contains("email");
        assertThat(http.get("/subjects/users-value/versions").raw()).isEqualTo("[1]");

        assertThat(http.put("/config/users-value", "{\"compatibility\":\"NONE\"}").json().path("compatibility").asText())
                .isEqualTo("NONE");
        assertThat(http.post("/subjects/users-value/versions", schemaBody(USER_BREAKING)).status()).isEqualTo(200);
        assertThat(http.get("/subjects/users-value/versions").raw()).isEqualTo("[1,2]");
    }

    @Test
    void compatibilityEndpointAnswersWithoutRegistering() {
        http.register("users-value", USER_V1);

        JsonNode breaking = http.post("/compatibility/subjects/users-value/versions/latest?verbose=true",
                schemaBody(USER_BREAKING)).json();
        assertThat(breaking.path("is_compatible").asBoolean()).isFalse();
        assertThat(breaking.path("messages")).isNotEmpty();
        assertThat(http.post("/compatibility/subjects/users-value/versions/1", schemaBody(USER_V2)).json()
                .path("is_compatible").asBoolean()).isTrue();
        assertThat(http.post("/compatibility/subjects/users-value/versions", schemaBody(USER_V2)).json()
                .path("is_compatible").asBoolean()).isTrue();
        assertThat(http.post("/compatibility/subjects/users-value/versions/7", schemaBody(USER_V2)).errorCode())
                .isEqualTo(40402);
        assertThat(http.get("/subjects/users-value/versions").raw()).isEqualTo("[1]");
    }

    @Test
    void globalAndSubjectConfigFollowConfluentsShapes() {
        assertThat(http.get("/config").json().path("compatibilityLevel").asText()).isEqualTo("BACKWARD");
        assertThat(http.put("/config", "{\"compatibility\":\"full\"}").json().path("compatibility").asText()).isEqualTo("FULL");
        assertThat(http.get("/config").json().path("compatibilityLevel").asText()).isEqualTo("FULL");

        RegistryHttp.Reply unset = http.get("/config/users-value");
        assertThat(unset.status()).isEqualTo(404);
        assertThat(unset.errorCode()).isEqualTo(40408);
        assertThat(http.get("/config/users-value?defaultToGlobal=true").json().path("compatibilityLevel").asText())
                .isEqualTo("FULL");

        http.put("/config/users-value", "{\"compatibility\":\"FORWARD_TRANSITIVE\"}");
        assertThat(http.get("/config/users-value").json().path("compatibilityLevel").asText()).isEqualTo("FORWARD_TRANSITIVE");
        assertThat(http.delete("/config/users-value").json().path("compatibilityLevel").asText()).isEqualTo("FORWARD_TRANSITIVE");
        assertThat(http.get("/config/users-value").errorCode()).isEqualTo(40408);

        RegistryHttp.Reply invalid = http.put("/config", "{\"compatibility\":\"SIDEWAYS\"}");
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.errorCode()).isEqualTo(42203);
    }

    @Test
    void theGlobalLevelIsEnforcedOnRegistration() {
        http.put("/config", "{\"compatibility\":\"FORWARD\"}");
        http.register("users-value", USER_V1);

        // Dropping the required field is backward compatible, but old readers need "name".
        RegistryHttp.Reply refused = http.post("/subjects/users-value/versions", schemaBody("""
                {"type":"record","name":"User","namespace":"t","fields":[]}"""));
        assertThat(refused.status()).isEqualTo(409);
    }

    @Test
    void invalidSchemasOtherTypesReferencesAndBadJsonAreRefused() {
        RegistryHttp.Reply invalid = http.post("/subjects/x-value/versions", schemaBody("{\"type\":\"record\",\"name\":\"X\"}"));
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.errorCode()).isEqualTo(42201);

        RegistryHttp.Reply protobuf = http.post("/subjects/x-value/versions",
                RegistryHttp.body().put("schema", "syntax = \"proto3\";").put("schemaType", "PROTOBUF").toString());
        assertThat(protobuf.status()).isEqualTo(422);
        assertThat(protobuf.errorCode()).isEqualTo(42201);

        var withReference = RegistryHttp.body().put("schema", USER_V1);
        withReference.putArray("references").addObject().put("name", "t.Other").put("subject", "other").put("version", 1);
        assertThat(http.post("/subjects/x-value/versions", withReference.toString()).status()).isEqualTo(422);

        RegistryHttp.Reply malformed = http.post("/subjects/x-value/versions", "{\"schema\":");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(http.get("/subjects").raw()).isEqualTo("[]");
    }

    @Test
    void toleratesTheFieldsConfluentsClientsAddWhenEmpty() {
        var body = RegistryHttp.body().put("schemaType", "AVRO").put("schema", USER_V1);
        body.putArray("references");
        body.putObject("metadata").putObject("properties");
        body.putObject("ruleSet").putArray("domainRules");

        RegistryHttp.Reply reply = http.post("/subjects/users-value/versions?normalize=false", body.toString());

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().path("id").asInt()).isPositive();
        assertThat(http.get("/schemas/types").raw()).isEqualTo("[\"AVRO\"]");
    }

    @Test
    void aRestartOnTheSameLogKeepsIdsVersionsAndConfig() {
        int v1 = http.register("users-value", USER_V1);
        int v2 = http.register("users-value", USER_V2);
        http.put("/config/users-value", "{\"compatibility\":\"FULL\"}");
        server.stop();
        assertThat(server.isReady()).isFalse();

        start();

        assertThat(http.register("users-value", USER_V1)).isEqualTo(v1);
        assertThat(http.get("/subjects/users-value/versions/2").json().path("id").asInt()).isEqualTo(v2);
        assertThat(http.get("/config/users-value").json().path("compatibilityLevel").asText()).isEqualTo("FULL");
        assertThat(http.register("orders-value", ORDER)).isEqualTo(v2 + 1);
    }
}
