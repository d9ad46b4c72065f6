package dev.assay.schemas;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * One topic of the pipeline: its name, its value type and the serdes for both. Keys are always the request id.
 */
public record Topic<V extends SpecificRecord>(String name, Class<V> valueType, Serde<V> valueSerde) {

    public Serde<String> keySerde() {
        return Serdes.String();
    }

    @Override
    public String toString() {
        return name;
    }
}
