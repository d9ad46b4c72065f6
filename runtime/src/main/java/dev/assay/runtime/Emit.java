package dev.assay.runtime;

import dev.assay.schemas.Topic;
import org.apache.avro.specific.SpecificRecord;

/** A record a stage wants produced, typed by its topic; keyed by request id. */
public record Emit<V extends SpecificRecord>(Topic<V> topic, String key, V value) {

    public static <V extends SpecificRecord> Emit<V> of(Topic<V> topic, String key, V value) {
        return new Emit<>(topic, key, value);
    }

    byte[] serializedValue() {
        return topic.valueSerde().serializer().serialize(topic.name(), value);
    }
}
