package dev.assay.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.schemas.DeadLetterHeaders;
import dev.assay.schemas.serde.WireFormatException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

    @Test
    void keepsTheOriginalBytesAndNamesTheOriginAndTheReason() {
        byte[] key = "k".getBytes();
        byte[] value = {1, 2, 3};
        ProducerRecord<byte[], byte[]> record = DeadLetters.of("dlq", "executor", "assay.generations", 2, 41L, key, value,
                new WireFormatException(WireFormatException.Reason.UNKNOWN_SCHEMA_ID, "schema id 9 is not in the registry", null));

        assertThat(record.topic()).isEqualTo("dlq");
        assertThat(record.key()).isEqualTo(key);
        assertThat(record.value()).isEqualTo(value);
        assertThat(header(record, DeadLetterHeaders.ORIGINAL_TOPIC)).isEqualTo("assay.generations");
        assertThat(header(record, DeadLetterHeaders.ORIGINAL_PARTITION)).isEqualTo("2");
        assertThat(header(record, DeadLetterHeaders.ORIGINAL_OFFSET)).isEqualTo("41");
        assertThat(header(record, DeadLetterHeaders.SERVICE)).isEqualTo("executor");
        assertThat(header(record, DeadLetterHeaders.REASON)).isEqualTo("UNKNOWN_SCHEMA_ID");
        assertThat(header(record, DeadLetterHeaders.EXCEPTION_CLASS)).isEqualTo(WireFormatException.class.getName());
    }

    @Test
    void scrubsCredentialsAndCutsLongMessages() {
        ProducerRecord<byte[], byte[]> record = DeadLetters.of("dlq", "svc", "t", 0, 0, null, null,
                new IllegalStateException("login failed: password=hunter2 token: abc123 key sk-abcdefghijklmnop " + "x".repeat(2000)));

        String message = header(record, DeadLetterHeaders.EXCEPTION_MESSAGE);
        assertThat(message).doesNotContain("hunter2", "abc123", "sk-abcdefghijklmnop").contains("password=******");
        assertThat(message.length()).isLessThan(1_100);
        assertThat(header(record, DeadLetterHeaders.REASON)).isEqualTo("PROCESSING_ERROR");
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
