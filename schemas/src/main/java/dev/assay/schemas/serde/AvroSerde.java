package dev.assay.schemas.serde;

import dev.assay.schemas.registry.SchemaRegistryClient;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;

/** Serializer and deserializer of one record type, sharing one registry client. */
public final class AvroSerde<T extends SpecificRecord> extends Serdes.WrapperSerde<T> {

    public AvroSerde(SchemaRegistryClient registry, Class<T> type, boolean autoRegister) {
        super(new AvroSerializer<>(registry, type, autoRegister), new AvroDeserializer<>(registry, type));
    }
}
