package dev.assay.verifier;

import static dev.assay.verifier.Fixtures.decision;
import static dev.assay.verifier.Fixtures.passed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.avro.ApprovalDecision;
import dev.assay.avro.ArtifactKind;
import dev.assay.avro.ExecutionResult;
import dev.assay.avro.GateDecision;
import dev.assay.avro.RiskLevel;
import dev.assay.runtime.testing.MutableClock;
import dev.assay.schemas.Topics;
import dev.assay.schemas.registry.InMemorySchemaRegistryClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/** The gauges behind the AssayApprovalWaitingTooLong alert. */
class PendingApprovalsTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
    private final VerifierConfig config = new VerifierConfig(VerifierConfig.defaults().gatePolicy(),
            VerifierConfig.defaults().imports(), 8_000, 3_000, clock);
    private final Topics topics = Topics.create(Topics.DEFAULT_PREFIX, new InMemorySchemaRegistryClient(), true);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @Test
    void gaugesFollowGatedRequestsUntilTheirDecision() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, VerifierApp.APPLICATION_ID);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.putAll(ErrorPolicy.streamsProperties(topics.deadLetter(), VerifierApp.SERVICE));
        try (TopologyTestDriver driver = new TopologyTestDriver(VerifierTopology.build(topics, config, meters), props)) {
            TestInputTopic<String, ExecutionResult> executions = driver.createInputTopic(topics.executions().name(),
                    new StringSerializer(), topics.executions().valueSerde().serializer());
            TestInputTopic<String, ApprovalDecision> decisions = driver.createInputTopic(topics.approvalDecisions().name(),
                    new StringSerializer(), topics.approvalDecisions().valueSerde().serializer());

            executions.pipeInput("auto", passed("auto", 1, ArtifactKind.UNIT_TEST));
            executions.pipeInput("r1", passed("r1", 1, ArtifactKind.API_ENDPOINT));
            clock.advance(Duration.ofHours(2));
            executions.pipeInput("r2", passed("r2", 1, ArtifactKind.MIGRATION));
            assertThat(pending()).isEqualTo(2);
            assertThat(oldestSeconds()).isEqualTo(7_200);

            decisions.pipeInput("r1", decision("r1", true, "alice", ""));
            clock.advance(Duration.ofMinutes(30));
            assertThat(pending()).isEqualTo(1);
            assertThat(oldestSeconds()).isEqualTo(1_800);

            decisions.pipeInput("r2", decision("r2", false, "bob", ""));
            assertThat(pending()).isZero();
            assertThat(oldestSeconds()).isZero();
        }
    }

    @Test
    void aStartingTaskRebuildsItsPendingApprovalsFromItsStore() {
        PendingApprovals pending = new PendingApprovals(clock);
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        KeyValueStore<String, RequestState> store = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(VerifierTopology.REQUESTS_STORE), Serdes.String(),
                new JsonSerde<>(RequestState.class)).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        store.put("waiting", RequestState.judging(1, 1, 0).awaiting(1, RiskLevel.HIGH, GateDecision.HUMAN_REVIEW, 1, List.of(),
                clock.instant().minus(Duration.ofHours(5))));
        store.put("closed", RequestState.judging(2, 1, 0).closed());
        context.addStateStore(store);
        context.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(VerifierTopology.AUDIT_CHAIN_STORE),
                Serdes.String(), Serdes.String()).withLoggingDisabled().build());

        var processor = new StepProcessor<>(topics.executions(), topics.deadLetter(),
                ExecutionResult::getRequestId, config.lifecycle()::onResult, new VerifierMetrics(meters), pending);
        processor.init(context);

        assertThat(pending.count()).isEqualTo(1);
        assertThat(pending.oldestAgeSeconds()).isEqualTo(5 * 3_600);
        processor.close();
        assertThat(pending.count()).isZero();
    }

    private double pending() {
        return meters.get("assay.approvals.pending").gauge().value();
    }

    private double oldestSeconds() {
        return meters.get("assay.approvals.oldest.pending").gauge().value();
    }
}
