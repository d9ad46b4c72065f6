package dev.assay.schemas.serde;

import dev.assay.schemas.registry.SchemaRegistryClient;
import dev.assay.schemas.registry.SchemaRegistryException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent wire-format bytes into a specific record, resolving the writer's schema (fetched by id)
 * against the reader's generated class, so producers on older or newer compatible schemas are understood.
 */
public final class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
    private final SchemaRegistryClient registry;
    private final Class<T> type;
    private final Schema readerSchema;
    private final Map<Integer, SpecificDatumReader<T>> readersByWriterId = new ConcurrentHashMap<>();

    public AvroDeserializer(SchemaRegistryClient registry, Class<T> type) {
        this.registry = registry;
        this.type = type;
        this.readerSchema = SpecificData.getForClass(type).getSchema(type);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        int id = ConfluentWireFormat.schemaId(data);
        SpecificDatumReader<T> reader = readersByWriterId.computeIfAbsent(id, this::readerFor);
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, ConfluentWireFormat.HEADER_SIZE,
                    data.length - ConfluentWireFormat.HEADER_SIZE, null);
            T record = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new WireFormatException(WireFormatException.Reason.MALFORMED_AVRO,
                        "trailing bytes after a " + readerSchema.getName() + " on " + topic, null);
            }
            return record;
        } catch (AvroTypeException e) {
            throw new WireFormatException(WireFormatException.Reason.INCOMPATIBLE_SCHEMA,
                    "schema id " + id + " cannot be read as " + readerSchema.getFullName() + ": " + e.getMessage(), e);
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new WireFormatException(WireFormatException.Reason.MALFORMED_AVRO,
                    "corrupt Avro body for schema id " + id + " on " + topic + ": " + e, e);
        }
    }

    private SpecificDatumReader<T> readerFor(int schemaId) {
        Schema writerSchema;
        try {
            writerSchema = registry.schemaById(schemaId);
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                throw new WireFormatException(WireFormatException.Reason.UNKNOWN_SCHEMA_ID,
                        "schema id " + schemaId + " is not in the registry", e);
            }
            throw new WireFormatException(WireFormatException.Reason.REGISTRY_UNAVAILABLE,
                    "cannot fetch schema id " + schemaId + ": " + e.getMessage(), e);
        }
        if (!writerSchema.getFullName().equals(readerSchema.getFullName())
                && !readerSchema.getAliases().contains(writerSchema.getFullName())) {
            throw new WireFormatException(WireFormatException.Reason.INCOMPATIBLE_SCHEMA,
                    "schema id " + schemaId + " is a " + writerSchema.getFullName() + ", expected " + readerSchema.getFullName(), null);
        }
        return new SpecificDatumReader<>(writerSchema, readerSchema, SpecificData.getForClass(type));
    }
}
