package dev.assay.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.avro.ApprovalRequest;
import dev.assay.avro.AuditEvent;
import dev.assay.avro.AuditEventType;
import dev.assay.avro.GateDecision;
import dev.assay.avro.Outcome;
import dev.assay.avro.OutcomeStatus;
import dev.assay.avro.RiskLevel;
import dev.assay.schemas.Topics;
import dev.assay.schemas.registry.InMemorySchemaRegistryClient;
import dev.assay.verifier.StoredFile;
import java.util.Properties;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The production topology on the test driver: three topics folded into one view per request. */
class ConsoleTopologyTest {
    private final Topics topics = Topics.create(Topics.DEFAULT_PREFIX, new InMemorySchemaRegistryClient(), true);
    private TopologyTestDriver driver;
    private TestInputTopic<String, ApprovalRequest> approvals;
    private TestInputTopic<String, Outcome> outcomes;
    private TestInputTopic<String, AuditEvent> audit;
    private KeyValueStore<String, RequestView> store;

    @BeforeEach
    void start() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "console-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(ConsoleTopology.build(topics), props);
        approvals = driver.createInputTopic(topics.approvals().name(), new StringSerializer(), topics.approvals().valueSerde().serializer());
        outcomes = driver.createInputTopic(topics.outcomes().name(), new StringSerializer(), topics.outcomes().valueSerde().serializer());
        audit = driver.createInputTopic(topics.audit().name(), new StringSerializer(), topics.audit().valueSerde().serializer());
        store = driver.getKeyValueStore(ConsoleTopology.STORE);
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void foldsApprovalsOutcomesAndAuditPerRequest() {
        audit.pipeInput("r1", Records.event("r1", AuditEventType.RECEIVED, "context-assembler"));
        audit.pipeInput("r2", Records.event("r2", AuditEventType.RECEIVED, "context-assembler"));
        approvals.pipeInput("r1", Records.approval("r1", RiskLevel.MEDIUM, GateDecision.HUMAN_REVIEW));
        audit.pipeInput("r1", Records.event("r1", AuditEventType.GATED, "verifier"));

        RequestView r1 = store.get("r1");
        assertThat(r1.pending()).isTrue();
        assertThat(r1.audit()).extracting(RequestView.AuditEntry::type).containsExactly(AuditEventType.RECEIVED, AuditEventType.GATED);
        assertThat(r1.approval().files()).extracting(StoredFile::path).containsExactly("greet.py");
        assertThat(store.get("r2").pending()).isFalse();

        outcomes.pipeInput("r1", Records.outcome("r1", OutcomeStatus.REJECTED, "alice"));

        assertThat(store.get("r1").pending()).isFalse();
        assertThat(store.get("r1").outcome().decidedBy()).isEqualTo("alice");
    }

    @Test
    void tombstonesAreIgnored() {
        approvals.pipeInput("r1", Records.approval("r1", RiskLevel.HIGH, GateDecision.HUMAN_REVIEW));
        approvals.pipeInput("r1", (ApprovalRequest) null);
        assertThat(store.get("r1").pending()).isTrue();
    }
}
