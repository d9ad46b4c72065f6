package dev.assay.verifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assay.schemas.DeadLetterHeaders;
import dev.assay.schemas.serde.WireFormatException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

class ErrorPolicyTest {
    private static final Map<String, Object> CONFIG = Map.of(ErrorPolicy.DEAD_LETTER_TOPIC, "dlq", ErrorPolicy.SERVICE, "verifier");
    private final ConsumerRecord<byte[], byte[]> raw = new ConsumerRecord<>("assay.executions", 2, 41L, 0L,
            TimestampType.CREATE_TIME, 1, 3, "k".getBytes(), new byte[] {0, 0, 0}, new RecordHeaders(), Optional.empty());

    @Test
    void unreadableRecordIsDeadLetteredAndProcessingResumes() {
        DeadLetterDeserializationHandler handler = new DeadLetterDeserializationHandler();
        handler.configure(CONFIG);
        var response = handler.handleError(context(), raw, new WireFormatException(
                WireFormatException.Reason.MALFORMED_AVRO, "corrupt", null));

        assertThat(response.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
        ProducerRecord<byte[], byte[]> dead = response.deadLetterQueueRecords().get(0);
        assertThat(dead.topic()).isEqualTo("dlq");
        assertThat(dead.value()).isEqualTo(raw.value());
        assertThat(header(dead.headers(), DeadLetterHeaders.REASON)).isEqualTo("MALFORMED_AVRO");
        assertThat(header(dead.headers(), DeadLetterHeaders.ORIGINAL_PARTITION)).isEqualTo("2");
        assertThat(header(dead.headers(), DeadLetterHeaders.ORIGINAL_OFFSET)).isEqualTo("41");
    }

    @Test
    void registryOutageFailsSoTheRecordIsRetried() {
        DeadLetterDeserializationHandler handler = new DeadLetterDeserializationHandler();
        handler.configure(CONFIG);
        var outage = new org.apache.kafka.common.errors.SerializationException("wrapped",
                new WireFormatException(WireFormatException.Reason.REGISTRY_UNAVAILABLE, "503", null));
        var response = handler.handleError(context(), raw, outage);
        assertThat(response.result()).isEqualTo(DeserializationExceptionHandler.Result.FAIL);
        assertThat(response.deadLetterQueueRecords()).isEmpty();
    }

    @Test
    void processingErrorSendsTheSourceBytesOrFailsOnOutage() {
        DeadLetterProcessingHandler handler = new DeadLetterProcessingHandler();
        handler.configure(CONFIG);
        Record<String, String> record = new Record<>("k", "v", 0L);

        var dead = handler.handleError(context(), record, new IllegalStateException("bug"));
        var retry = handler.handleError(context(), record,
                new WireFormatException(WireFormatException.Reason.REGISTRY_UNAVAILABLE, "down", null));

        assertThat(dead.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        assertThat(dead.deadLetterQueueRecords()).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("raw-key".getBytes());
            assertThat(r.value()).isEqualTo("raw-value".getBytes());
            assertThat(header(r.headers(), DeadLetterHeaders.REASON)).isEqualTo("PROCESSING_ERROR");
            assertThat(header(r.headers(), DeadLetterHeaders.EXCEPTION_CLASS)).isEqualTo(IllegalStateException.class.getName());
        });
        assertThat(retry.result()).isEqualTo(ProcessingExceptionHandler.Result.FAIL);
    }

    @Test
    void handlersRefuseToStartWithoutTheirTopic() {
        assertThatThrownBy(() -> new DeadLetterDeserializationHandler().configure(Map.of(ErrorPolicy.SERVICE, "v")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(ErrorPolicy.DEAD_LETTER_TOPIC);
    }

    private static String header(Headers headers, String name) {
        return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static ErrorHandlerContext context() {
        return new ErrorHandlerContext() {
            public String topic() { return "assay.executions"; }
            public int partition() { return 2; }
            public long offset() { return 41L; }
            public Headers headers() { return new RecordHeaders(); }
            public String processorNodeId() { return "results"; }
            public TaskId taskId() { return new TaskId(0, 2); }
            public long timestamp() { return 0L; }
            public byte[] sourceRawKey() { return "raw-key".getBytes(); }
            public byte[] sourceRawValue() { return "raw-value".getBytes(); }
        };
    }
}
