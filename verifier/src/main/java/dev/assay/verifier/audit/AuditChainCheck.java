package dev.assay.verifier.audit;

import dev.assay.avro.AuditEvent;
import dev.assay.runtime.AssayConfig;
import dev.assay.runtime.CommonSettings;
import dev.assay.schemas.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the whole audit topic (committed records only, without joining a consumer group) and verifies every
 * request's chain. As a tool: {@code java -cp … dev.assay.verifier.audit.AuditChainCheck --kafka.bootstrap.servers=…
 * --registry.url=…}; prints one line per problem and exits 1 when there is any, 0 otherwise.
 */
public final class AuditChainCheck {

    /** The verification and the records that could not even be read (each of those is tampering or corruption). */
    public record Result(AuditChainVerifier.Report report, List<String> unreadable) {
        public boolean valid() {
            return report.valid() && unreadable.isEmpty();
        }
    }

    private AuditChainCheck() {
    }

    public static void main(String[] args) {
        AssayConfig config = AssayConfig.fromEnvironment(args);
        CommonSettings settings = CommonSettings.from("audit-check", config);
        Result result = check(settings.kafkaClientProperties(), settings.topics().audit(),
                Duration.ofMillis(config.longValue("audit.check.timeout.ms", 60_000)));
        result.unreadable().forEach(line -> System.out.println("UNREADABLE " + line));
        result.report().problems().forEach(p -> System.out.println(p.kind() + " " + p.requestId() + " #" + p.index()
                + ": " + p.message()));
        System.out.println((result.valid() ? "OK " : "FAILED ") + result.report().requests() + " request(s), "
                + result.report().events() + " event(s), " + result.report().problems().size() + " problem(s), "
                + result.unreadable().size() + " unreadable record(s)");
        System.exit(result.valid() ? 0 : 1);
    }

    /** Reads {@code audit} from the beginning to its current end and verifies it. */
    public static Result check(Map<String, Object> clientProperties, Topic<AuditEvent> audit, Duration timeout) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put("isolation.level", "read_committed");
        props.put("enable.auto.commit", "false");
        List<AuditEvent> events = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(audit.name(), timeout).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // read_committed end offsets stop at the last stable offset, so an open transaction is not waited for.
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, timeout));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey(), timeout) < e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("audit topic " + audit.name() + " not read to its end within " + timeout);
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    try {
                        events.add(audit.valueSerde().deserializer().deserialize(r.topic(), r.value()));
                    } catch (SerializationException e) {
                        unreadable.add(r.topic() + "-" + r.partition() + "@" + r.offset() + " (" + r.key() + "): "
                                + e.getMessage());
                    }
                }
            }
        }
        return new Result(new AuditChainVerifier().verify(events), unreadable);
    }
}
