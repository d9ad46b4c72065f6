package dev.assay.schemas.serde;

import dev.assay.schemas.registry.SchemaRegistryClient;
import dev.assay.schemas.registry.SchemaRegistryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes specific records in Confluent's wire format under the subject {@code <topic>-value} (TopicNameStrategy),
 * registering the schema when {@code autoRegister} is set, looking it up otherwise — as Confluent's
 * KafkaAvroSerializer does with auto.register.schemas.
 */
public final class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {
    private final SchemaRegistryClient registry;
    private final Schema schema;
    private final SpecificDatumWriter<T> writer;
    private final boolean autoRegister;

    public AvroSerializer(SchemaRegistryClient registry, Class<T> type, boolean autoRegister) {
        this.registry = registry;
        this.writer = new SpecificDatumWriter<>(type);
        this.schema = writer.getSpecificData().getSchema(type);
        this.autoRegister = autoRegister;
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        int id = schemaId(topic + "-value");
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            out.write(ConfluentWireFormat.header(id));
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            writer.write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new WireFormatException(WireFormatException.Reason.MALFORMED_AVRO,
                    "cannot write " + schema.getFullName() + " for " + topic + ": " + e.getMessage(), e);
        }
    }

    private int schemaId(String subject) {
        try {
            return autoRegister ? registry.register(subject, schema) : registry.lookupId(subject, schema);
        } catch (SchemaRegistryException e) {
            WireFormatException.Reason reason = e.status() < 0 || e.status() >= 500
                    ? WireFormatException.Reason.REGISTRY_UNAVAILABLE : WireFormatException.Reason.REGISTRY_REFUSED;
            throw new WireFormatException(reason, "subject " + subject + ": " + e.getMessage(), e);
        }
    }
}
