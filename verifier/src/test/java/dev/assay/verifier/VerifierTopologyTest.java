package dev.assay.verifier;

import static dev.assay.verifier.Fixtures.candidate;
import static dev.assay.verifier.Fixtures.decision;
import static dev.assay.verifier.Fixtures.failed;
import static dev.assay.verifier.Fixtures.file;
import static dev.assay.verifier.Fixtures.passed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assay.avro.ApprovalDecision;
import dev.assay.avro.ApprovalRequest;
import dev.assay.avro.ArtifactKind;
import dev.assay.avro.AuditEvent;
import dev.assay.avro.AuditEventType;
import dev.assay.avro.ExecutionResult;
import dev.assay.avro.FixRequest;
import dev.assay.avro.GateDecision;
import dev.assay.avro.Outcome;
import dev.assay.avro.OutcomeStatus;
import dev.assay.avro.RiskLevel;
import dev.assay.avro.Verdict;
import dev.assay.schemas.DeadLetterHeaders;
import dev.assay.schemas.Topic;
import dev.assay.schemas.Topics;
import dev.assay.schemas.registry.InMemorySchemaRegistryClient;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The production topology on {@link TopologyTestDriver} with an in-memory registry. */
class VerifierTopologyTest {
    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final Topics topics = Topics.create(Topics.DEFAULT_PREFIX, registry, true);
    private TopologyTestDriver driver;
    private TestInputTopic<String, ExecutionResult> executions;
    private TestInputTopic<String, ApprovalDecision> decisions;
    private TestInputTopic<byte[], byte[]> rawExecutions;
    private TestOutputTopic<String, Verdict> verdicts;
    private TestOutputTopic<String, FixRequest> fixRequests;
    private TestOutputTopic<String, ApprovalRequest> approvals;
    private TestOutputTopic<String, Outcome> outcomes;
    private TestOutputTopic<String, AuditEvent> audit;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeEach
    void start() {
        start(StreamsConfig.EXACTLY_ONCE_V2);
    }

    private void start(String processingGuarantee) {
        if (driver != null) {
            driver.close();
        }
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, VerifierApp.APPLICATION_ID);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, processingGuarantee);
        props.putAll(ErrorPolicy.streamsProperties(topics.deadLetter(), VerifierApp.SERVICE));
        driver = new TopologyTestDriver(VerifierTopology.build(topics, VerifierConfig.defaults()), props);
        executions = input(topics.executions());
        decisions = input(topics.approvalDecisions());
        rawExecutions = driver.createInputTopic(topics.executions().name(), new ByteArraySerializer(), new ByteArraySerializer());
        verdicts = output(topics.verdicts());
        fixRequests = output(topics.fixRequests());
        approvals = output(topics.approvals());
        outcomes = output(topics.outcomes());
        audit = output(topics.audit());
        deadLetters = driver.createOutputTopic(topics.deadLetter(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void passingUnitTestIsGatedAndAutoApproved() {
        executions.pipeInput("r1", passed("r1", 1, ArtifactKind.UNIT_TEST, file("test_calc.py", "def test_x():\n    assert 1\n")));

        assertThat(verdicts.readValuesToList()).singleElement().satisfies(v -> assertThat(v.getPassed()).isTrue());
        ApprovalRequest approval = approvals.readValue();
        assertThat(approval.getRiskLevel()).isEqualTo(RiskLevel.LOW);
        assertThat(approval.getDecision()).isEqualTo(GateDecision.AUTO_APPROVE);
        assertThat(approval.getPolicyVersion()).isNotBlank();
        Outcome outcome = outcomes.readValue();
        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.APPROVED);
        assertThat(outcome.getDecidedBy()).isEqualTo(RequestLifecycle.AUTO_APPROVER);
        assertThat(outcome.getRiskLevel()).isEqualTo(RiskLevel.LOW);
        assertThat(outcome.getFiles()).extracting(f -> f.getPath()).containsExactly("test_calc.py");
        assertThat(audit.readValuesToList()).extracting(AuditEvent::getType).containsExactly(AuditEventType.EXECUTED, AuditEventType.VERDICT,
                AuditEventType.GATED, AuditEventType.DECIDED, AuditEventType.COMPLETED);
        assertThat(fixRequests.isEmpty()).isTrue();
    }

    @Test
    void failureAsksForAFixWithTheFailingTestMessage() {
        executions.pipeInput("r2", failed("r2", 1, 3, "AssertionError: add(2, 2) returned 5, expected 4"));

        assertThat(verdicts.readValue().getPassed()).isFalse();
        FixRequest fix = fixRequests.readValue();
        assertThat(fix.getAttempt()).isEqualTo(2);
        assertThat(fix.getFeedback()).contains("test_add").contains("add(2, 2) returned 5, expected 4");
        assertThat(fix.getFailedTests()).extracting(t -> t.getName()).containsExactly("test_add");
        assertThat(fix.getPreviousFiles()).extracting(f -> f.getPath()).containsExactly("calc.py");
        assertThat(fix.getContext().getRequestId()).isEqualTo("r2");
        assertThat(outcomes.isEmpty()).isTrue();
        assertThat(audit.readValuesToList()).extracting(AuditEvent::getType)
                .containsExactly(AuditEventType.EXECUTED, AuditEventType.VERDICT, AuditEventType.FIX_REQUESTED);
    }

    @Test
    void exhaustedAttemptsEndInAFailedOutcome() {
        executions.pipeInput("r3", failed("r3", 1, 2, "boom"));
        executions.pipeInput("r3", failed("r3", 2, 2, "still boom"));

        assertThat(fixRequests.readValuesToList()).extracting(FixRequest::getAttempt).containsExactly(2);
        Outcome outcome = outcomes.readValue();
        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.FAILED);
        assertThat(outcome.getAttempts()).isEqualTo(2);
        assertThat(outcome.getReason()).contains("test_add");
        assertThat(outcomes.isEmpty()).isTrue();
    }

    @Test
    void eachRiskLevelGetsThePolicyDecision() {
        executions.pipeInput("low", passed("low", 1, ArtifactKind.UNIT_TEST));
        executions.pipeInput("medium", passed("medium", 1, ArtifactKind.API_ENDPOINT));
        executions.pipeInput("high", passed("high", 1, ArtifactKind.INFRASTRUCTURE));
        executions.pipeInput("critical", passed("critical", 1, ArtifactKind.MIGRATION));

        assertThat(approvals.readValuesToList()).extracting(ApprovalRequest::getRequestId, ApprovalRequest::getRiskLevel,
                ApprovalRequest::getDecision).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("low", RiskLevel.LOW, GateDecision.AUTO_APPROVE),
                        org.assertj.core.groups.Tuple.tuple("medium", RiskLevel.MEDIUM, GateDecision.HUMAN_REVIEW),
                        org.assertj.core.groups.Tuple.tuple("high", RiskLevel.HIGH, GateDecision.HUMAN_REVIEW),
                        org.assertj.core.groups.Tuple.tuple("critical", RiskLevel.CRITICAL, GateDecision.MANUAL_ONLY));
        assertThat(outcomes.readValuesToList()).extracting(Outcome::getRequestId).containsExactly("low");
    }

    @Test
    void reviewerDecisionClosesAGatedRequest() {
        executions.pipeInput("r4", passed("r4", 1, ArtifactKind.API_ENDPOINT));
        assertThat(outcomes.isEmpty()).isTrue();

        decisions.pipeInput("r4", decision("r4", false, "alice", "handler leaks stack traces"));

        Outcome outcome = outcomes.readValue();
        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.REJECTED);
        assertThat(outcome.getDecidedBy()).isEqualTo("alice");
        assertThat(outcome.getReason()).isEqualTo("handler leaks stack traces");
        assertThat(outcome.getRiskLevel()).isEqualTo(RiskLevel.MEDIUM);
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void aCriticalRequestClosesOnlyOnTheSecondDistinctApproval() {
        executions.pipeInput("c1", passed("c1", 1, ArtifactKind.MIGRATION));
        assertThat(approvals.readValue().getApproversRequired()).isEqualTo(2);

        decisions.pipeInput("c1", decision("c1", true, "alice", "reviewed"));
        assertThat(outcomes.isEmpty()).isTrue();
        decisions.pipeInput("c1", decision("c1", true, "alice", "reviewed again"));
        assertThat(header(deadLetters.readRecord().headers(), DeadLetterHeaders.REASON)).isEqualTo(Step.INVALID_DECISION);
        assertThat(outcomes.isEmpty()).isTrue();

        decisions.pipeInput("c1", decision("c1", true, "bob", "rollback plan read"));
        Outcome outcome = outcomes.readValue();
        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.APPROVED);
        assertThat(outcome.getDecidedBy()).isEqualTo("alice, bob");
        assertThat(outcome.getRiskLevel()).isEqualTo(RiskLevel.CRITICAL);
    }

    @Test
    void rejectsDecisionForUnknownRequest() {
        decisions.pipeInput("nobody", decision("nobody", true, "alice", ""));

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(header(dead.headers(), DeadLetterHeaders.REASON)).isEqualTo(Step.UNKNOWN_REQUEST);
        assertThat(header(dead.headers(), DeadLetterHeaders.ORIGINAL_TOPIC)).isEqualTo(topics.approvalDecisions().name());
        assertThat(header(dead.headers(), DeadLetterHeaders.SERVICE)).isEqualTo("verifier");
        assertThat(new String(dead.key(), StandardCharsets.UTF_8)).isEqualTo("nobody");
        assertThat(topics.approvalDecisions().valueSerde().deserializer().deserialize(topics.approvalDecisions().name(),
                dead.value()).getReviewer()).isEqualTo("alice");
        assertThat(outcomes.isEmpty()).isTrue();
        // No state was created: a later real request still runs normally.
        executions.pipeInput("nobody", passed("nobody", 1, ArtifactKind.UNIT_TEST));
        assertThat(outcomes.readValue().getStatus()).isEqualTo(OutcomeStatus.APPROVED);
    }

    @Test
    void rejectsDecisionForClosedRequest() {
        executions.pipeInput("r5", passed("r5", 1, ArtifactKind.API_ENDPOINT));
        decisions.pipeInput("r5", decision("r5", true, "alice", "fine"));
        decisions.pipeInput("r5", decision("r5", false, "mallory", "changed my mind"));

        assertThat(outcomes.readValuesToList()).singleElement()
                .satisfies(o -> assertThat(o.getStatus()).isEqualTo(OutcomeStatus.APPROVED));
        assertThat(header(deadLetters.readRecord().headers(), DeadLetterHeaders.REASON)).isEqualTo(Step.ALREADY_CLOSED);
    }

    @Test
    void duplicateAndOutOfOrderResultsAreIgnored() {
        executions.pipeInput("r6", failed("r6", 1, 3, "first"));
        executions.pipeInput("r6", failed("r6", 1, 3, "first again"));    // executor pod ran twice
        executions.pipeInput("r6", passed("r6", 2, ArtifactKind.UNIT_TEST));
        executions.pipeInput("r6", failed("r6", 1, 3, "late"));          // an old attempt arrives late
        executions.pipeInput("r6", passed("r6", 2, ArtifactKind.UNIT_TEST)); // duplicate of the closing result
        executions.pipeInput("r6", failed("r6", 3, 3, "after close"));

        assertThat(fixRequests.readValuesToList()).extracting(FixRequest::getAttempt).containsExactly(2);
        assertThat(verdicts.readValuesToList()).extracting(Verdict::getAttempt).containsExactly(1, 2);
        assertThat(outcomes.readValuesToList()).singleElement()
                .satisfies(o -> assertThat(o.getStatus()).isEqualTo(OutcomeStatus.APPROVED));
    }

    @Test
    void candidatesOfOneAttemptShareOneFixRequestAndTheFirstPassOfTheNextAttemptWins() {
        executions.pipeInput("r8", candidate(failed("r8", 1, 3, "candidate one"), 1, 2, 100));
        executions.pipeInput("r8", candidate(failed("r8", 1, 3, "candidate one"), 1, 2, 100)); // redelivered
        executions.pipeInput("r8", candidate(failed("r8", 1, 3, "candidate two"), 2, 2, 200));
        executions.pipeInput("r8", candidate(passed("r8", 2, ArtifactKind.UNIT_TEST), 2, 2, 300));
        executions.pipeInput("r8", candidate(passed("r8", 2, ArtifactKind.UNIT_TEST), 1, 2, 400)); // passed too, but second

        assertThat(verdicts.readValuesToList()).extracting(v -> v.getAttempt() + "/" + v.getCandidate())
                .containsExactly("1/1", "1/2", "2/2");
        FixRequest fix = fixRequests.readValue();
        assertThat(fix.getCandidatesTried()).isEqualTo(2);
        assertThat(fix.getTokensSpent()).isEqualTo(300);
        assertThat(fixRequests.isEmpty()).isTrue();
        assertThat(outcomes.readValuesToList()).singleElement().satisfies(o -> {
            assertThat(o.getStatus()).isEqualTo(OutcomeStatus.APPROVED);
            assertThat(o.getCandidate()).isEqualTo(2);
            assertThat(o.getTokensSpent()).isEqualTo(600);
        });
    }

    @Test
    void malformedBytesAreDeadLetteredAndTheNextRecordIsProcessed() {
        // TopologyTestDriver under exactly_once_v2 clears a transaction's uncommitted sends when no record of it was
        // processed, which drops a dead letter sent while deserializing; the broker IT covers it under EOS.
        start(StreamsConfig.AT_LEAST_ONCE);
        byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
        rawExecutions.pipeInput("r7".getBytes(StandardCharsets.UTF_8), garbage);
        executions.pipeInput("r7", passed("r7", 1, ArtifactKind.UNIT_TEST));

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(dead.value()).isEqualTo(garbage);
        assertThat(header(dead.headers(), DeadLetterHeaders.ORIGINAL_TOPIC)).isEqualTo(topics.executions().name());
        assertThat(header(dead.headers(), DeadLetterHeaders.ORIGINAL_OFFSET)).isEqualTo("0");
        assertThat(header(dead.headers(), DeadLetterHeaders.REASON)).isEqualTo("NOT_WIRE_FORMAT");
        assertThat(header(dead.headers(), DeadLetterHeaders.EXCEPTION_CLASS)).endsWith("WireFormatException");
        assertThat(outcomes.readValue().getRequestId()).isEqualTo("r7");
    }

    @Test
    void registryOutageFailsTheRecordInsteadOfDeadLetteringIt() {
        byte[] value = topics.executions().valueSerde().serializer()
                .serialize(topics.executions().name(), passed("r9", 1, ArtifactKind.UNIT_TEST));
        registry.setAvailable(false);

        assertThatThrownBy(() -> rawExecutions.pipeInput("r9".getBytes(StandardCharsets.UTF_8), value))
                .isInstanceOf(StreamsException.class).hasRootCauseInstanceOf(java.net.ConnectException.class);
        assertThat(deadLetters.isEmpty()).isTrue();

        // The replaced thread reads the record again once the registry is back.
        registry.setAvailable(true);
        rawExecutions.pipeInput("r9".getBytes(StandardCharsets.UTF_8), value);
        assertThat(outcomes.readValue().getRequestId()).isEqualTo("r9");
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void recordKeyedByAnotherRequestIsDeadLetteredByTheProcessingHandler() {
        executions.pipeInput("someone-else", passed("r8", 1, ArtifactKind.UNIT_TEST));
        executions.pipeInput("r8", passed("r8", 1, ArtifactKind.UNIT_TEST));

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(new String(dead.key(), StandardCharsets.UTF_8)).isEqualTo("someone-else");
        assertThat(header(dead.headers(), DeadLetterHeaders.REASON)).isEqualTo("PROCESSING_ERROR");
        assertThat(header(dead.headers(), DeadLetterHeaders.EXCEPTION_MESSAGE)).contains("is not its request id");
        assertThat(outcomes.readValuesToList()).extracting(Outcome::getRequestId).containsExactly("r8");
    }

    private <V extends org.apache.avro.specific.SpecificRecord> TestInputTopic<String, V> input(Topic<V> topic) {
        return driver.createInputTopic(topic.name(), new StringSerializer(), topic.valueSerde().serializer());
    }

    private <V extends org.apache.avro.specific.SpecificRecord> TestOutputTopic<String, V> output(Topic<V> topic) {
        return driver.createOutputTopic(topic.name(), topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    }

    private static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
