package dev.assay.registry;

import static dev.assay.registry.TestSchemas.ORDER;
import static dev.assay.registry.TestSchemas.USER_V1;
import static dev.assay.registry.TestSchemas.USER_V2;
import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.avro.AssayRequest;
import dev.assay.embedded.EmbeddedKafkaBroker;
import dev.assay.schemas.Topics;
import dev.assay.schemas.registry.RestSchemaRegistryClient;
import dev.assay.schemas.serde.AvroDeserializer;
import dev.assay.schemas.serde.AvroSerializer;
import dev.assay.schemas.serde.ConfluentWireFormat;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The registry kept in a real Kafka topic: restarts keep ids and versions; Assay's own serdes work through it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SchemaRegistryServerIT {
    private EmbeddedKafkaBroker broker;

    @BeforeAll
    void startBroker(@TempDir Path dir) {
        broker = new EmbeddedKafkaBroker(dir).start();
    }

    @AfterAll
    void stopBroker() {
        broker.stop();
    }

    private SchemaRegistryServer server(String topic) {
        SchemaRegistryServer server = new SchemaRegistryServer(broker.bootstrapServers(), Map.of(), topic, "127.0.0.1", 0);
        server.start();
        return server;
    }

    @Test
    void aNewServerOnTheSameTopicServesTheSameIdsAndVersions() throws Exception {
        String topic = "it.restart._schemas";
        int user1;
        int user2;
        int order;
        try (SchemaRegistryServer first = server(topic)) {
            RegistryHttp http = new RegistryHttp(first.url());
            user1 = http.register("users-value", USER_V1);
            user2 = http.register("users-value", USER_V2);
            order = http.register("orders-value", ORDER);
            http.put("/config/orders-value", "{\"compatibility\":\"NONE\"}");
        }

        try (SchemaRegistryServer second = server(topic)) {
            RegistryHttp http = new RegistryHttp(second.url());
            assertThat(http.register("users-value", USER_V2)).isEqualTo(user2);
            assertThat(http.get("/subjects/users-value/versions/1").json().path("id").asInt()).isEqualTo(user1);
            assertThat(http.get("/subjects/users-value/versions/latest").json().path("version").asInt()).isEqualTo(2);
            assertThat(http.get("/schemas/ids/" + order).json().path("schema").asText()).contains("Order");
            assertThat(http.get("/config/orders-value").json().path("compatibilityLevel").asText()).isEqualTo("NONE");
            assertThat(http.register("users-copy-value", USER_V1)).isEqualTo(user1);
            assertThat(http.register("other-value", """
                    {"type":"record","name":"Other","namespace":"t","fields":[]}""")).isEqualTo(order + 1);
        }

        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
            assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
            assertThat(admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic)
                    .partitions()).hasSize(1);
        }
    }

    @Test
    void assaysSerdesRoundTripARequestThroughTheRegistry() {
        try (SchemaRegistryServer server = server("it.serdes._schemas")) {
            RestSchemaRegistryClient producerSide = new RestSchemaRegistryClient(server.url());
            AvroSerializer<AssayRequest> serializer = new AvroSerializer<>(producerSide, AssayRequest.class, true);
            AssayRequest request = AssayRequests.sample("req-1");
            String topic = Topics.create(Topics.DEFAULT_PREFIX, producerSide, true).requests().name();

            byte[] bytes = serializer.serialize(topic, request);

            // A separate client, so the schema is fetched by id from the registry rather than from a cache.
            AvroDeserializer<AssayRequest> deserializer =
                    new AvroDeserializer<>(new RestSchemaRegistryClient(server.url()), AssayRequest.class);
            assertThat(deserializer.deserialize(topic, bytes)).isEqualTo(request);
            int id = ConfluentWireFormat.schemaId(bytes);
            assertThat(new RegistryHttp(server.url()).get("/subjects/" + topic + "-value/versions/latest").json()
                    .path("id").asInt()).isEqualTo(id);
            assertThat(new RestSchemaRegistryClient(server.url()).lookupId(topic + "-value", AssayRequest.getClassSchema()))
                    .isEqualTo(id);
        }
    }
}
