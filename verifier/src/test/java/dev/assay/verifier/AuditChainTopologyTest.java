package dev.assay.verifier;

import static dev.assay.verifier.Fixtures.failed;
import static dev.assay.verifier.Fixtures.passed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.avro.ArtifactKind;
import dev.assay.avro.AuditEvent;
import dev.assay.avro.AuditEventType;
import dev.assay.schemas.Topics;
import dev.assay.schemas.registry.InMemorySchemaRegistryClient;
import dev.assay.verifier.audit.AuditChainVerifier;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The audit chain as the topology writes it: one verifiable chain per request, other services' events included. */
class AuditChainTopologyTest {

    private final Topics topics = Topics.create(Topics.DEFAULT_PREFIX, new InMemorySchemaRegistryClient(), true);
    private TopologyTestDriver driver;
    private TestInputTopic<String, dev.assay.avro.ExecutionResult> executions;
    private TestInputTopic<String, AuditEvent> rawAudit;
    private TestOutputTopic<String, AuditEvent> audit;

    @BeforeEach
    void start() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, VerifierApp.APPLICATION_ID);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.putAll(ErrorPolicy.streamsProperties(topics.deadLetter(), VerifierApp.SERVICE));
        driver = new TopologyTestDriver(VerifierTopology.build(topics, VerifierConfig.defaults()), props);
        executions = driver.createInputTopic(topics.executions().name(), new StringSerializer(),
                topics.executions().valueSerde().serializer());
        rawAudit = driver.createInputTopic(topics.auditEvents().name(), new StringSerializer(), topics.auditEvents().valueSerde().serializer());
        audit = driver.createOutputTopic(topics.audit().name(), topics.audit().keySerde().deserializer(),
                topics.audit().valueSerde().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void servicesAndVerifierEventsEndInOneVerifiableChainPerRequest() {
        rawAudit.pipeInput("r1", raw("r1", AuditEventType.RECEIVED, "assembler"));
        rawAudit.pipeInput("r2", raw("r2", AuditEventType.RECEIVED, "assembler"));
        rawAudit.pipeInput("r1", raw("r1", AuditEventType.GENERATED, "generator"));
        executions.pipeInput("r1", failed("r1", 1, 3, "boom"));
        executions.pipeInput("r1", passed("r1", 2, ArtifactKind.UNIT_TEST));

        List<AuditEvent> events = audit.readValuesToList();
        assertThat(events).filteredOn(e -> e.getRequestId().equals("r1")).extracting(AuditEvent::getType).containsExactly(
                AuditEventType.RECEIVED, AuditEventType.GENERATED, AuditEventType.EXECUTED, AuditEventType.VERDICT,
                AuditEventType.FIX_REQUESTED, AuditEventType.EXECUTED, AuditEventType.VERDICT, AuditEventType.GATED,
                AuditEventType.DECIDED, AuditEventType.COMPLETED);
        assertThat(events).filteredOn(e -> e.getType() == AuditEventType.EXECUTED).extracting(AuditEvent::getService)
                .as("the executor's report, attested by the verifier").containsOnly("executor");
        KeyValueStore<String, String> heads = driver.getKeyValueStore(VerifierTopology.AUDIT_CHAIN_STORE);
        AuditChainVerifier.Report report = new AuditChainVerifier().verify(events,
                Map.of("r1", heads.get("r1"), "r2", heads.get("r2")));
        assertThat(report.problems()).isEmpty();
        assertThat(report.requests()).isEqualTo(2);
        assertThat(events.get(0).getPreviousHash()).isNull();
    }

    @Test
    void hashesClaimedByAServiceAreReplaced() {
        AuditEvent forged = raw("r3", AuditEventType.DECIDED, "generator");
        forged.setPreviousHash("f".repeat(64));
        forged.setHash("0".repeat(64));
        rawAudit.pipeInput("r3", forged);

        AuditEvent chained = audit.readValue();
        assertThat(chained.getPreviousHash()).isNull();
        assertThat(chained.getHash()).isNotEqualTo("0".repeat(64));
        assertThat(new AuditChainVerifier().verify(List.of(chained)).valid()).isTrue();
    }

    @Test
    void tamperingWithTheWrittenChainIsDetected() {
        executions.pipeInput("r4", failed("r4", 1, 2, "boom"));
        executions.pipeInput("r4", failed("r4", 2, 2, "boom"));
        List<AuditEvent> events = audit.readValuesToList();
        assertThat(new AuditChainVerifier().verify(events).valid()).isTrue();

        events.get(1).setDetail("nothing to see");
        assertThat(new AuditChainVerifier().verify(events).problems()).extracting(AuditChainVerifier.Problem::kind)
                .containsExactly(AuditChainVerifier.ProblemKind.MODIFIED);
    }

    private static AuditEvent raw(String id, AuditEventType type, String service) {
        return AuditEvent.newBuilder().setRequestId(id).setType(type).setService(service).setAttempt(1).setDetail(type.name())
                .setOccurredAt(Instant.parse("2026-11-23T10:00:00Z")).setPreviousHash(null).setHash(null).build();
    }
}
