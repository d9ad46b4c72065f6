package dev.assay.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assay.avro.ApprovalDecision;
import dev.assay.avro.AssayRequest;
import dev.assay.avro.Language;
import dev.assay.avro.SourceFile;
import dev.assay.schemas.registry.InMemorySchemaRegistryClient;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {
    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final AvroSerde<AssayRequest> serde = new AvroSerde<>(registry, AssayRequest.class, true);

    private static AssayRequest request() {
        return AssayRequest.newBuilder().setRequestId("r-1").setTask("write it").setLanguage(Language.PYTHON)
                .setFiles(List.of(new SourceFile("test_x.py", "assert True\n")))
                .setSubmittedAt(Instant.ofEpochMilli(1_700_000_000_000L)).build();
    }

    @Test
    void framesWithMagicByteAndTheRegisteredSchemaIdUnderTheTopicValueSubject() {
        byte[] bytes = serde.serializer().serialize("assay.requests", request());

        assertThat(bytes[0]).isZero();
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        assertThat(registry.lookupId("assay.requests-value", AssayRequest.getClassSchema())).isEqualTo(id);
        assertThat(serde.deserializer().deserialize("assay.requests", bytes)).isEqualTo(request());
    }

    @Test
    void readsRecordsWrittenWithAnOlderSchemaUsingTheDefaultsOfNewFields() {
        // A producer on an older AssayRequest without tenant, files, metadata, ...: the reader fills in the defaults.
        Schema older = SchemaBuilder.record("AssayRequest").namespace("dev.assay.avro").fields()
                .requiredString("requestId").requiredString("task").endRecord();
        int id = registry.register("assay.requests-value", older);
        org.apache.avro.generic.GenericRecord record = new org.apache.avro.generic.GenericData.Record(older);
        record.put("requestId", "old-1");
        record.put("task", "legacy");
        byte[] bytes = frame(id, older, record);

        AssayRequest read = serde.deserializer().deserialize("assay.requests", bytes);

        assertThat(read.getRequestId()).isEqualTo("old-1");
        assertThat(read.getTenant()).isEqualTo("default");
        assertThat(read.getMaxAttempts()).isEqualTo(3);
        assertThat(read.getLanguage()).isEqualTo(Language.UNKNOWN);
    }

    @Test
    void refusesBytesThatAreNotInTheWireFormat() {
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", "hello".getBytes()))
                .isInstanceOf(WireFormatException.class)
                .satisfies(e -> assertThat(((WireFormatException) e).reason()).isEqualTo(WireFormatException.Reason.NOT_WIRE_FORMAT));
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {0, 1}))
                .satisfies(e -> assertThat(((WireFormatException) e).reason()).isEqualTo(WireFormatException.Reason.NOT_WIRE_FORMAT));
    }

    @Test
    void refusesAnUnknownSchemaIdAsNonRetriable() {
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {0, 0, 0, 0x7f, 0x11, 2}))
                .isInstanceOf(WireFormatException.class)
                .satisfies(e -> {
                    WireFormatException w = (WireFormatException) e;
                    assertThat(w.reason()).isEqualTo(WireFormatException.Reason.UNKNOWN_SCHEMA_ID);
                    assertThat(w.retriable()).isFalse();
                });
    }

    @Test
    void refusesAValidRecordOfAnotherType() {
        var decisions = new AvroSerde<>(registry, ApprovalDecision.class, true);
        byte[] decision = decisions.serializer().serialize("assay.approval-decisions",
                new ApprovalDecision("r-1", true, "alice", "fine", Instant.EPOCH));

        assertThatThrownBy(() -> serde.deserializer().deserialize("assay.requests", decision))
                .satisfies(e -> assertThat(((WireFormatException) e).reason()).isEqualTo(WireFormatException.Reason.INCOMPATIBLE_SCHEMA));
    }

    @Test
    void refusesATruncatedBody() {
        byte[] bytes = serde.serializer().serialize("assay.requests", request());
        byte[] truncated = Arrays.copyOf(bytes, bytes.length - 5);

        assertThatThrownBy(() -> serde.deserializer().deserialize("assay.requests", truncated))
                .satisfies(e -> assertThat(((WireFormatException) e).reason()).isEqualTo(WireFormatException.Reason.MALFORMED_AVRO));
    }

    @Test
    void aRegistryOutageIsRetriableOnBothSides() {
        byte[] bytes = serde.serializer().serialize("assay.requests", request());
        var freshReader = new AvroDeserializer<>(registry, AssayRequest.class);
        var freshWriter = new AvroSerializer<>(registry, AssayRequest.class, true);
        registry.setAvailable(false);

        assertThatThrownBy(() -> freshReader.deserialize("assay.requests", bytes))
                .satisfies(e -> assertThat(((WireFormatException) e).retriable()).isTrue());
        assertThatThrownBy(() -> freshWriter.serialize("assay.requests", request()))
                .satisfies(e -> assertThat(((WireFormatException) e).retriable()).isTrue());
    }

    private static byte[] frame(int id, Schema schema, Object record) {
        try {
            var out = new java.io.ByteArrayOutputStream();
            out.write(ConfluentWireFormat.header(id));
            var encoder = org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
            new org.apache.avro.generic.GenericDatumWriter<>(schema).write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
