// Submitting to Assay from any Java program: a plain KafkaProducer with Assay's Avro serializer, no Assay client.
//
// Run it (single-file source launch) with the CLI's classpath, which has kafka-clients and assay-schemas:
//   java -cp "cli/target/classes:cli/target/lib/*" examples/producers/SubmitWithKafkaProducer.java \
//        localhost:9092 http://localhost:8081 my-request-id
// then follow the request:  ./assay watch my-request-id
//
// Against a secured cluster, add the same kafka.* settings the services use (security.protocol, sasl.*, ssl.*) to
// the producer properties below.
import dev.assay.avro.ArtifactKind;
import dev.assay.avro.AssayRequest;
import dev.assay.avro.Language;
import dev.assay.avro.SourceFile;
import dev.assay.schemas.Topics;
import dev.assay.schemas.registry.RestSchemaRegistryClient;
import dev.assay.schemas.serde.AvroSerializer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

public class SubmitWithKafkaProducer {
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: SubmitWithKafkaProducer <bootstrap-servers> <registry-url> <request-id>");
            System.exit(2);
        }
        String bootstrap = args[0];
        String registryUrl = args[1];
        String requestId = args[2];

        AssayRequest request = AssayRequest.newBuilder()
                .setRequestId(requestId)
                .setTenant("examples")
                .setTask("Write greeting(name) in greeting.py returning 'Hello, <name>!' with the name stripped.")
                .setLanguage(Language.PYTHON)
                .setArtifactKind(ArtifactKind.LIBRARY_CODE)
                .setTargetPaths(List.of("greeting.py"))
                .setFiles(List.of(new SourceFile("test_greeting.py", """
                        from greeting import greeting


                        def test_greets_by_name():
                            assert greeting('Ada') == 'Hello, Ada!'


                        def test_strips_surrounding_space():
                            assert greeting('  Grace ') == 'Hello, Grace!'
                        """)))
                .setSubmittedAt(Instant.now())
                .build();

        Map<String, Object> props = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // Confluent wire format (magic byte, schema id, Avro binary); the schema is registered under assay.requests-value.
        AvroSerializer<AssayRequest> values = new AvroSerializer<>(new RestSchemaRegistryClient(registryUrl), AssayRequest.class, true);
        // The key is the request id: every record of a request lands in the same partition, in order.
        try (KafkaProducer<String, AssayRequest> producer = new KafkaProducer<>(props, new StringSerializer(), values)) {
            RecordMetadata meta = producer.send(new ProducerRecord<>(Topics.DEFAULT_PREFIX + "requests", requestId, request)).get();
            System.out.printf("submitted %s to %s partition %d offset %d%n", requestId, meta.topic(), meta.partition(), meta.offset());
        }
    }
}
