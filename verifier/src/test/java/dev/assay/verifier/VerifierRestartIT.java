package dev.assay.verifier;

import static dev.assay.verifier.Fixtures.decision;
import static dev.assay.verifier.Fixtures.failed;
import static dev.assay.verifier.Fixtures.passed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.avro.ApprovalRequest;
import dev.assay.avro.ArtifactKind;
import dev.assay.avro.AuditEvent;
import dev.assay.avro.AuditEventType;
import dev.assay.avro.ExecutionResult;
import dev.assay.avro.FixRequest;
import dev.assay.avro.GateDecision;
import dev.assay.avro.Outcome;
import dev.assay.avro.OutcomeStatus;
import dev.assay.avro.Verdict;
import dev.assay.embedded.EmbeddedKafkaBroker;
import dev.assay.runtime.AssayConfig;
import dev.assay.runtime.CommonSettings;
import dev.assay.runtime.ServiceContext;
import dev.assay.runtime.StreamsService;
import dev.assay.schemas.DeadLetterHeaders;
import dev.assay.schemas.Topic;
import dev.assay.schemas.Topics;
import dev.assay.schemas.registry.InMemorySchemaRegistryClient;
import dev.assay.verifier.audit.AuditChainCheck;
import dev.assay.verifier.audit.AuditChainVerifier;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verifier on a real broker under exactly_once_v2, with its stream thread killed mid-transaction twice (an Error
 * thrown while an outcome is being written, after the step's other records were sent), a restart on the same state
 * directory and a restart on an empty one (state restored from the changelog), while late duplicates keep arriving.
 * A read_committed reader must see exactly one outcome per request, one verdict per attempt, one fix request per
 * failed attempt and an intact audit chain.
 */
class VerifierRestartIT {
    private static final int PARTITIONS = 2;
    private static final int PER_WAVE = 9;
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String PREFIX = "it.";
    private static final String REVIEWER = "it-reviewer";

    @TempDir
    Path dir;
    private EmbeddedKafkaBroker broker;
    private StreamsService running;
    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final Topics topics = Topics.create(PREFIX, registry, true);
    private final AtomicInteger outcomeWrites = new AtomicInteger();
    private final Set<Integer> crashOnOutcomeWrite = Set.of(2, 7);
    private final AtomicInteger crashes = new AtomicInteger();

    @AfterEach
    void tearDown() {
        if (running != null) {
            running.stop();
        }
        if (broker != null) {
            broker.stop();
        }
    }

    @Test
    void everyRequestEndsWithExactlyOneOutcomeAcrossCrashesAndRestarts() throws Exception {
        broker = new EmbeddedKafkaBroker(dir.resolve("kafka")).start();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(topics.names().stream().map(n -> new NewTopic(n, PARTITIONS, (short) 1)).toList()).all().get();
        }
        Map<String, OutcomeStatus> expected = new HashMap<>();
        Set<String> retried = new HashSet<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers(),
                "acks", "all"), new ByteArraySerializer(), new ByteArraySerializer());
                TopicReader<String, Outcome> outcomes = TopicReader.of(broker.bootstrapServers(), topics.outcomes());
                TopicReader<String, ApprovalRequest> approvals = TopicReader.of(broker.bootstrapServers(), topics.approvals())) {
            Set<String> reviewed = new HashSet<>();
            Runnable review = () -> approvals.poll().stream().map(ConsumerRecord::value)
                    .filter(a -> a.getDecision() != GateDecision.AUTO_APPROVE && reviewed.add(a.getRequestId()))
                    .forEach(a -> {
                        boolean approve = expected.get(a.getRequestId()) == OutcomeStatus.APPROVED;
                        send(producer, topics.approvalDecisions(), a.getRequestId(),
                                decision(a.getRequestId(), approve, REVIEWER, approve ? "looks right" : "not like this"));
                        if (reviewed.size() == 1) {
                            // A second decision for the same request: it must be refused, never a second outcome.
                            send(producer, topics.approvalDecisions(), a.getRequestId(),
                                    decision(a.getRequestId(), !approve, "late-reviewer", "too late"));
                        }
                    });

            producer.send(new ProducerRecord<>(topics.executions().name(), 0, "garbage".getBytes(StandardCharsets.UTF_8),
                    "not a wire-format record".getBytes(StandardCharsets.UTF_8)));
            List<ExecutionResult> previousWave = List.of();
            Path stateDir = dir.resolve("state-1");
            for (int wave = 0; wave < 3; wave++) {
                if (wave == 2) {
                    stateDir = dir.resolve("state-2"); // a new pod: no local state, restore from the changelog
                }
                running = start(stateDir);
                List<ExecutionResult> thisWave = wave(wave, expected, retried);
                thisWave.forEach(r -> {
                    send(producer, topics.auditEvents().name(), r.getRequestId(), topics.auditEvents(), received(r.getRequestId()));
                    send(producer, topics.executions(), r.getRequestId(), r);
                });
                // Executor pods that ran twice, and the second attempts of last wave's failures, arrive after a restart.
                previousWave.forEach(r -> send(producer, topics.executions(), r.getRequestId(), r));
                previousWave.stream().filter(r -> retried.contains(r.getRequestId()))
                        .forEach(r -> send(producer, topics.executions(), r.getRequestId(),
                                passed(r.getRequestId(), 2, ArtifactKind.UNIT_TEST)));
                producer.flush();
                Set<String> autoApproved = thisWave.stream().filter(r -> r.getAttempt() == 1
                        && r.getStatus() == dev.assay.avro.ExecutionStatus.PASSED
                        && r.getGeneration().getContext().getRequest().getArtifactKind() == ArtifactKind.UNIT_TEST)
                        .map(ExecutionResult::getRequestId).collect(Collectors.toSet());
                outcomes.awaitUntil(WAIT, seen -> {
                    review.run();
                    return seen.stream().map(ConsumerRecord::key).collect(Collectors.toSet()).containsAll(autoApproved);
                });
                running.stop(); // mid-stream: fixes and reviews of this wave are still open
                previousWave = thisWave;
            }
            running = start(stateDir);
            previousWave.stream().filter(r -> retried.contains(r.getRequestId()))
                    .forEach(r -> send(producer, topics.executions(), r.getRequestId(), passed(r.getRequestId(), 2, ArtifactKind.UNIT_TEST)));
            List<String> sentinels = sentinels();
            sentinels.forEach(id -> send(producer, topics.executions(), id, passed(id, 1, ArtifactKind.UNIT_TEST)));
            producer.flush();
            outcomes.awaitUntil(WAIT, seen -> {
                review.run();
                return seen.stream().map(ConsumerRecord::key).collect(Collectors.toSet())
                        .containsAll(union(expected.keySet(), sentinels));
            });
            sentinels.forEach(id -> expected.put(id, OutcomeStatus.APPROVED));

            // Sentinels went last into every partition, so everything before them has been processed and committed.
            Map<String, List<Outcome>> byRequest = outcomes.values().stream().collect(Collectors.groupingBy(Outcome::getRequestId));
            assertThat(byRequest.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
            byRequest.forEach((id, list) -> assertThat(list).as("outcomes of " + id).hasSize(1)
                    .allSatisfy(o -> assertThat(o.getStatus()).as(id).isEqualTo(expected.get(id))));
            assertThat(crashes.get()).as("stream threads killed mid-transaction").isEqualTo(crashOnOutcomeWrite.size());
        }
        assertExactlyOnceSideOutputs(expected, retried);
    }

    private void assertExactlyOnceSideOutputs(Map<String, OutcomeStatus> expected, Set<String> retried) {
        String bootstrap = broker.bootstrapServers();
        try (var verdicts = TopicReader.of(bootstrap, topics.verdicts());
                var fixes = TopicReader.of(bootstrap, topics.fixRequests());
                var audit = TopicReader.of(bootstrap, topics.audit());
                var dead = new TopicReader<>(bootstrap, topics.deadLetter(), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            int expectedVerdicts = expected.size() + retried.size();
            List<Verdict> allVerdicts = verdicts.awaitUntil(WAIT, v -> v.size() >= expectedVerdicts).stream()
                    .map(ConsumerRecord::value).toList();
            assertThat(allVerdicts).extracting(v -> v.getRequestId() + "#" + v.getAttempt()).doesNotHaveDuplicates()
                    .hasSize(expectedVerdicts);
            List<FixRequest> allFixes = fixes.awaitUntil(WAIT, f -> f.size() >= retried.size()).stream()
                    .map(ConsumerRecord::value).toList();
            assertThat(allFixes).extracting(FixRequest::getRequestId).containsExactlyInAnyOrderElementsOf(retried);

            List<AuditEvent> events = audit.awaitUntil(WAIT, a -> a.stream().filter(r -> r.value().getType() == AuditEventType.COMPLETED)
                    .count() >= expected.size()).stream().map(ConsumerRecord::value).toList();
            AuditChainVerifier.Report report = new AuditChainVerifier().verify(events);
            assertThat(report.problems()).isEmpty();
            AuditChainCheck.Result whole = AuditChainCheck.check(Map.of("bootstrap.servers", bootstrap), topics.audit(), WAIT);
            assertThat(whole.valid()).as("%s", whole).isTrue();
            assertThat(whole.report().events()).isGreaterThanOrEqualTo(events.size());
            assertThat(events.stream().filter(e -> e.getType() == AuditEventType.COMPLETED)
                    .map(AuditEvent::getRequestId)).doesNotHaveDuplicates();

            List<ConsumerRecord<byte[], byte[]>> letters = dead.awaitUntil(WAIT, d -> d.size() >= 2);
            // A refused decision is dead-lettered by the processor, in the transaction that consumes it: exactly once.
            assertThat(letters).filteredOn(r -> header(r, DeadLetterHeaders.REASON).equals(Step.ALREADY_CLOSED)).hasSize(1);
            // Kafka Streams sends a deserialization handler's dead letter when it deserializes the record ahead of
            // processing it, but commits the record's offset only once a later record of its partition is processed;
            // a crash in between re-reads it. So these are at least once: one distinct origin, maybe several copies.
            List<ConsumerRecord<byte[], byte[]>> unreadable = letters.stream()
                    .filter(r -> header(r, DeadLetterHeaders.REASON).equals("NOT_WIRE_FORMAT")).toList();
            assertThat(unreadable).isNotEmpty().extracting(r -> header(r, DeadLetterHeaders.ORIGINAL_TOPIC) + "-"
                    + header(r, DeadLetterHeaders.ORIGINAL_PARTITION) + "@" + header(r, DeadLetterHeaders.ORIGINAL_OFFSET))
                    .containsOnly(topics.executions().name() + "-0@0");
            assertThat(letters).hasSize(1 + unreadable.size());
        }
    }

    /** Nine requests: auto-approved unit tests, failures fixed on attempt 2, and endpoints for a reviewer. */
    private List<ExecutionResult> wave(int wave, Map<String, OutcomeStatus> expected, Set<String> retried) {
        List<ExecutionResult> out = new ArrayList<>();
        for (int i = 0; i < PER_WAVE; i++) {
            String id = "w" + wave + "-r" + i;
            switch (i % 3) {
                case 0 -> {
                    out.add(passed(id, 1, ArtifactKind.UNIT_TEST));
                    expected.put(id, OutcomeStatus.APPROVED);
                }
                case 1 -> {
                    out.add(failed(id, 1, 2, "AssertionError in " + id));
                    retried.add(id);
                    expected.put(id, OutcomeStatus.APPROVED);
                }
                default -> {
                    out.add(passed(id, 1, ArtifactKind.API_ENDPOINT));
                    expected.put(id, i % 2 == 0 ? OutcomeStatus.APPROVED : OutcomeStatus.REJECTED);
                }
            }
        }
        return out;
    }

    private StreamsService start(Path stateDir) {
        AssayConfig config = AssayConfig.of(Map.of(
                "kafka.bootstrap.servers", broker.bootstrapServers(),
                "kafka.commit.interval.ms", "100",
                "kafka.max.poll.records", "4",
                // A killed stream thread's member is only evicted when its session expires (the broker's minimum).
                "kafka.session.timeout.ms", "6000",
                "kafka.heartbeat.interval.ms", "1000",
                "registry.url", "http://registry.invalid",
                "topic.prefix", PREFIX,
                VerifierConfig.STATE_DIR, stateDir.toString()));
        ServiceContext ctx = new ServiceContext(config, CommonSettings.from(VerifierApp.SERVICE, config),
                withCrashingOutcomes(topics), new SimpleMeterRegistry());
        StreamsService app = VerifierApp.create(ctx);
        app.start();
        return app;
    }

    /** The catalogue, but the outcome serializer kills its stream thread on chosen writes: a crash mid-transaction. */
    private Topics withCrashingOutcomes(Topics t) {
        Serde<Outcome> real = t.outcomes().valueSerde();
        Serializer<Outcome> crashing = (topic, outcome) -> {
            if (crashOnOutcomeWrite.contains(outcomeWrites.incrementAndGet())) {
                crashes.incrementAndGet();
                throw new InjectedCrash();
            }
            return real.serializer().serialize(topic, outcome);
        };
        Topic<Outcome> outcomes = new Topic<>(t.outcomes().name(), Outcome.class,
                Serdes.serdeFrom(crashing, real.deserializer()));
        return new Topics(t.requests(), t.contexts(), t.generations(), t.executions(), t.verdicts(), t.fixRequests(),
                t.approvals(), t.approvalDecisions(), outcomes, t.audit(), t.auditEvents(), t.deadLetter());
    }

    /** One request id per partition of the executions topic, with the default partitioner's choice. */
    private static List<String> sentinels() {
        Map<Integer, String> byPartition = new HashMap<>();
        for (int i = 0; byPartition.size() < PARTITIONS; i++) {
            String id = "sentinel-" + i;
            byPartition.putIfAbsent(Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % PARTITIONS, id);
        }
        return List.copyOf(byPartition.values());
    }

    private static AuditEvent received(String id) {
        return AuditEvent.newBuilder().setRequestId(id).setType(AuditEventType.RECEIVED).setService("assembler")
                .setAttempt(0).setDetail("received").setOccurredAt(Instant.now()).setPreviousHash(null).setHash(null).build();
    }

    private <V extends SpecificRecord> void send(KafkaProducer<byte[], byte[]> producer, Topic<V> topic, String key, V value) {
        send(producer, topic.name(), key, topic, value);
    }

    private <V extends SpecificRecord> void send(KafkaProducer<byte[], byte[]> producer, String name, String key,
            Topic<V> serdeOf, V value) {
        producer.send(new ProducerRecord<>(name, key.getBytes(StandardCharsets.UTF_8),
                serdeOf.valueSerde().serializer().serialize(name, value)));
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static Set<String> union(Set<String> a, List<String> b) {
        Set<String> out = new HashSet<>(a);
        out.addAll(b);
        return out;
    }

    /** Thrown past every {@code catch (Exception)} in Kafka Streams, so the stream thread dies as in a crash. */
    private static final class InjectedCrash extends Error {
        InjectedCrash() {
            super("injected crash while writing an outcome");
        }
    }
}
