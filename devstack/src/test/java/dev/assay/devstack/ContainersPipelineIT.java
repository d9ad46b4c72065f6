package dev.assay.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.assay.avro.AssayRequest;
import dev.assay.avro.Outcome;
import dev.assay.schemas.serde.ConfluentWireFormat;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The same scenarios against the official Apache Kafka and Confluent Schema Registry images, plus proof that what Assay
 * registers is what Confluent's serializer would have registered. Skipped, with the reason, where no Docker engine runs.
 */
@ExtendWith(DockerAvailable.class)
class ContainersPipelineIT extends PipelineScenarios {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    PipelineEnvironment createEnvironment() {
        if (!Boolean.getBoolean("assay.require.tools")) {
            assumeTrue(onPath("runsc") || onPath("bwrap"), "no local sandbox (runsc or bwrap) here: run ./assay setup");
        }
        return new ContainersEnvironment();
    }

    @Test
    void confluentRegistryHoldsAssaySchemasUnderTopicNameSubjectsWithTheIdsInTheRecords() throws Exception {
        AssayRequest request = slugifyAs("registry-check-" + System.nanoTime());
        submit(request);
        assertThat(watcher.awaitOutcomes(List.of(request.getRequestId()), OUTCOME_TIMEOUT)).isTrue();

        String registry = environment.config().required("registry.url");
        assertThat(get(registry + "/subjects")).extracting(JsonNode::asText).contains(
                topics.requests().name() + "-value", topics.outcomes().name() + "-value");
        for (var topic : List.of(topics.requests(), topics.outcomes())) {
            ConsumerRecord<String, byte[]> record = readRaw(topic.name(), request.getRequestId(), 1).getFirst();
            JsonNode latest = get(registry + "/subjects/" + topic.name() + "-value/versions/latest");
            assertThat(ConfluentWireFormat.schemaId(record.value())).isEqualTo(latest.path("id").asInt());
            Schema registered = new Schema.Parser().parse(latest.path("schema").asText());
            Schema expected = topic == topics.requests() ? AssayRequest.getClassSchema() : Outcome.getClassSchema();
            assertThat(registered).isEqualTo(expected);
        }
    }

    private static JsonNode get(String url) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
