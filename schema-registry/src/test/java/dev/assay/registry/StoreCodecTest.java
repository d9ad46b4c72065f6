package dev.assay.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StoreCodecTest {

    @Test
    void schemaVersionsRoundTripWithAKeyPerSubjectVersion() {
        StoreEntry.SchemaVersion entry = new StoreEntry.SchemaVersion("orders-value", 3, 7, TestSchemas.ORDER, false);

        assertThat(StoreCodec.decode(StoreCodec.key(entry), StoreCodec.value(entry))).contains(entry);
        assertThat(new String(StoreCodec.key(entry), StandardCharsets.UTF_8))
                .isEqualTo("{\"keytype\":\"SCHEMA\",\"subject\":\"orders-value\",\"version\":3,\"magic\":1}");
    }

    @Test
    void configsRoundTripAndATombstoneClearsTheLevel() {
        StoreEntry.Config global = new StoreEntry.Config(null, CompatibilityLevel.FULL);
        StoreEntry.Config cleared = new StoreEntry.Config("orders-value", null);

        assertThat(StoreCodec.decode(StoreCodec.key(global), StoreCodec.value(global))).contains(global);
        assertThat(StoreCodec.value(cleared)).isNull();
        assertThat(StoreCodec.decode(StoreCodec.key(cleared), null)).contains(cleared);
    }

    @Test
    void skipsRecordKindsItDoesNotUseAndRefusesGarbage() {
        byte[] noop = "{\"keytype\":\"NOOP\",\"magic\":0}".getBytes(StandardCharsets.UTF_8);

        assertThat(StoreCodec.decode(noop, null)).isEmpty();
        assertThatThrownBy(() -> StoreCodec.decode("not json".getBytes(StandardCharsets.UTF_8), null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
