package dev.assay.cli;

import dev.assay.schemas.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code assay dlq list|replay}: the dead-letter topic, and putting its records back where they came from. */
@Command(name = "dlq", mixinStandardHelpOptions = true, subcommands = {DlqCommand.ListCommand.class, DlqCommand.Replay.class},
        description = "Inspect and replay the dead-letter topic.")
final class DlqCommand {
    /** Header added to replayed records: where in the dead-letter topic they came from. */
    static final String REPLAYED_FROM = "assay.replay.of";

    /** One dead letter as listed. */
    record DeadLetter(int partition, long offset, String timestamp, String key, Map<String, String> headers, int valueBytes,
            String originalTopic) {

        static DeadLetter of(ConsumerRecord<byte[], byte[]> r) {
            Map<String, String> headers = new LinkedHashMap<>();
            for (Header h : r.headers()) {
                headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
            }
            return new DeadLetter(r.partition(), r.offset(), Instant.ofEpochMilli(r.timestamp()).toString(),
                    r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8), headers,
                    r.value() == null ? 0 : r.value().length, headers.getOrDefault(DeadLetterHeaders.ORIGINAL_TOPIC, ""));
        }
    }

    /**
     * The first dead letter of each origin (topic, partition, offset headers); dead letters without all three are all
     * kept. A stage may dead-letter one input twice — Kafka Streams re-reads a skipped record after a crash — and a
     * second copy must neither be counted nor replayed again.
     */
    static List<ConsumerRecord<byte[], byte[]>> firstCopies(List<ConsumerRecord<byte[], byte[]>> deadLetters) {
        Set<List<String>> seen = new HashSet<>();
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : deadLetters) {
            Map<String, String> h = DeadLetter.of(r).headers();
            List<String> origin = Arrays.asList(h.get(DeadLetterHeaders.ORIGINAL_TOPIC),
                    h.get(DeadLetterHeaders.ORIGINAL_PARTITION), h.get(DeadLetterHeaders.ORIGINAL_OFFSET));
            if (origin.contains(null) || seen.add(origin)) {
                out.add(r);
            }
        }
        return out;
    }

    /** Filters shared by list and replay. */
    abstract static class Selection extends CliCommand {
        @Option(names = "--topic", paramLabel = "TOPIC", description = "Only dead letters that came from this topic (header " + DeadLetterHeaders.ORIGINAL_TOPIC + ").")
        String originalTopic;

        @Option(names = "--partition", description = "Only this partition of the dead-letter topic.")
        Integer partition;

        @Option(names = "--offset", description = "Only the dead letter at this offset of the dead-letter topic (with --partition when it has several).")
        Long offset;

        /** The selected dead letters with their raw records. */
        List<ConsumerRecord<byte[], byte[]>> select() {
            List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
            try (TopicReader reader = new TopicReader(ctx().kafkaProps(), List.of(ctx().topics().deadLetter()), null)) {
                reader.readToEnd(all::add, READ_TIMEOUT);
            }
            List<ConsumerRecord<byte[], byte[]>> selected = firstCopies(all).stream()
                    .filter(r -> originalTopic == null || originalTopic.equals(DeadLetter.of(r).originalTopic()))
                    .filter(r -> partition == null || r.partition() == partition)
                    .filter(r -> offset == null || r.offset() == offset)
                    .toList();
            if (offset != null && partition == null && selected.stream().map(ConsumerRecord::partition).distinct().count() > 1) {
                throw new IllegalArgumentException("offset " + offset + " exists in several partitions of "
                        + ctx().topics().deadLetter() + "; add --partition");
            }
            return selected;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List dead letters with their error headers, one per original record.")
    static final class ListCommand extends Selection {
        @Option(names = "--limit", defaultValue = "100", description = "At most this many, the most recent (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() throws Exception {
            List<ConsumerRecord<byte[], byte[]>> selected = select();
            List<DeadLetter> shown = selected.subList(Math.max(0, selected.size() - limit), selected.size())
                    .stream().map(DeadLetter::of).toList();
            if (ctx().json()) {
                printJson(shown);
                return ExitCodes.OK;
            }
            if (shown.isEmpty()) {
                out().println("No dead letters" + (originalTopic == null ? "." : " from " + originalTopic + "."));
            }
            for (DeadLetter d : shown) {
                out().printf("%s %d/%d  %s  key=%s  %d bytes%n", ctx().topics().deadLetter(), d.partition(), d.offset(),
                        d.timestamp(), d.key(), d.valueBytes());
                d.headers().forEach((k, v) -> out().println("    " + k + " = " + v));
            }
            out().flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = {"Re-produce dead letters' original key and value bytes to their original topic (e.g. after a fix).",
                    "Needs --topic, --offset or --all; only topics of the Assay catalogue are written to. Exit 5 if nothing matched."})
    static final class Replay extends Selection {
        @Option(names = "--all", description = "Replay every dead letter (still only to catalogue topics).")
        boolean all;

        @Option(names = "--dry-run", description = "Show what would be replayed, send nothing.")
        boolean dryRun;

        @Override
        public Integer call() throws Exception {
            if (!all && originalTopic == null && offset == null) {
                throw new IllegalArgumentException("say what to replay: --topic, --offset (with --partition) or --all");
            }
            List<ConsumerRecord<byte[], byte[]>> selected = select();
            if (selected.isEmpty()) {
                err().println("assay: no dead letters matched");
                err().flush();
                return ExitCodes.NOT_FOUND;
            }
            // A dead letter's header names where it goes back to; only Assay's own input topics are accepted, so a
            // crafted header cannot make the CLI write anywhere else.
            Set<String> allowed = new java.util.HashSet<>(ctx().topics().names());
            allowed.remove(ctx().topics().deadLetter());
            List<Map<String, Object>> replayed = new ArrayList<>();
            Map<String, Object> props = new LinkedHashMap<>(ctx().kafkaProps());
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            try (var producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
                for (ConsumerRecord<byte[], byte[]> r : selected) {
                    DeadLetter d = DeadLetter.of(r);
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("from", ctx().topics().deadLetter() + "/" + r.partition() + "/" + r.offset());
                    row.put("to", d.originalTopic());
                    row.put("key", d.key());
                    if (!allowed.contains(d.originalTopic())) {
                        row.put("replayed", false);
                        row.put("why", "not an Assay topic");
                    } else if (dryRun) {
                        row.put("replayed", false);
                        row.put("why", "dry run");
                    } else {
                        RecordHeaders headers = new RecordHeaders();
                        headers.add(REPLAYED_FROM, row.get("from").toString().getBytes(StandardCharsets.UTF_8));
                        var meta = producer.send(new ProducerRecord<>(d.originalTopic(), null, r.key(), r.value(), headers)).get();
                        row.put("replayed", true);
                        row.put("partition", meta.partition());
                        row.put("offset", meta.offset());
                    }
                    replayed.add(row);
                }
            }
            if (ctx().json()) {
                printJson(replayed);
            } else {
                for (Map<String, Object> row : replayed) {
                    out().println(row.get("from") + " → " + row.get("to") + "  key=" + row.get("key") + "  "
                            + (Boolean.TRUE.equals(row.get("replayed")) ? "replayed at " + row.get("partition") + "/" + row.get("offset")
                            : "skipped: " + row.get("why")));
                }
                out().flush();
            }
            return replayed.stream().anyMatch(r -> Boolean.TRUE.equals(r.get("replayed"))) || dryRun ? ExitCodes.OK : ExitCodes.NOT_FOUND;
        }
    }
}
