package dev.assay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.schemas.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class DlqCommandTest {

    private static ConsumerRecord<byte[], byte[]> deadLetter(long offset, String topic, String partition, String originOffset) {
        RecordHeaders headers = new RecordHeaders();
        if (topic != null) {
            headers.add(DeadLetterHeaders.ORIGINAL_TOPIC, topic.getBytes(StandardCharsets.UTF_8));
        }
        if (partition != null) {
            headers.add(DeadLetterHeaders.ORIGINAL_PARTITION, partition.getBytes(StandardCharsets.UTF_8));
        }
        if (originOffset != null) {
            headers.add(DeadLetterHeaders.ORIGINAL_OFFSET, originOffset.getBytes(StandardCharsets.UTF_8));
        }
        return new ConsumerRecord<>("assay.dead-letter", 0, offset, 0L, TimestampType.CREATE_TIME, 0, 0, "k".getBytes(),
                "v".getBytes(), headers, Optional.empty());
    }

    @Test
    void aSecondCopyOfTheSameOriginIsNeitherListedNorReplayed() {
        List<ConsumerRecord<byte[], byte[]>> all = List.of(
                deadLetter(0, "assay.executions", "1", "42"),
                deadLetter(1, "assay.executions", "1", "43"),
                deadLetter(2, "assay.executions", "1", "42"),   // written again after a crash
                deadLetter(3, "assay.executions", "0", "42"),   // same offset, another partition
                deadLetter(4, null, null, null),                // no origin: kept
                deadLetter(5, null, null, null));

        assertThat(DlqCommand.firstCopies(all)).extracting(ConsumerRecord::offset).containsExactly(0L, 1L, 3L, 4L, 5L);
    }
}
