package dev.assay.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.assay.avro.ApprovalDecision;
import dev.assay.avro.ApprovalRequest;
import dev.assay.avro.AssayRequest;
import dev.assay.avro.AuditEvent;
import dev.assay.avro.AuditEventType;
import dev.assay.avro.GateDecision;
import dev.assay.avro.RiskLevel;
import dev.assay.avro.FixRequest;
import dev.assay.avro.Generation;
import dev.assay.avro.Outcome;
import dev.assay.avro.OutcomeStatus;
import dev.assay.avro.Verdict;
import dev.assay.runtime.AssayConfig;
import dev.assay.schemas.Topic;
import dev.assay.schemas.Topics;
import dev.assay.verifier.audit.AuditChainVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The end-to-end scenarios — pass, fix-then-pass, exhausted, invalid, dead letters — observed only through the topics,
 * as a client would. Each environment (embedded, containers) runs exactly these.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PipelineScenarios {
    static final Duration OUTCOME_TIMEOUT = Duration.ofMinutes(4);
    static final Path PROJECT_ROOT = Path.of(System.getProperty("assay.project.root", "..")).toAbsolutePath().normalize();

    protected PipelineEnvironment environment;
    protected Topics topics;
    protected PipelineWatcher watcher;

    /** The environment to run in, or a JUnit assumption failure saying why it cannot run here. */
    abstract PipelineEnvironment createEnvironment();

    /** A copy of the example completions, so scenarios can add canned answers for request ids of their own. */
    protected Path completions;

    @BeforeAll
    void startEnvironment() throws Exception {
        environment = createEnvironment();
        completions = Files.createTempDirectory("assay-completions-");
        for (String folder : List.of("examples/completions", "examples/forgeries/completions", "examples/features/completions",
                "examples/kinds/completions")) {
            try (var files = Files.list(PROJECT_ROOT.resolve(folder))) {
                for (Path file : files.toList()) {
                    Files.copy(file, completions.resolve(file.getFileName()));
                }
            }
        }
        environment.start(AssayConfig.of(Map.of(
                "generator.scripted.dir", completions.toString(),
                "devstack.partitions", "2")));
        topics = environment.topics();
        watcher = new PipelineWatcher(environment.kafkaProps(), topics, e -> { });
    }

    @AfterAll
    void stopEnvironment() {
        if (watcher != null) {
            watcher.close();
        }
        if (environment != null) {
            environment.close();
        }
    }

    @Test
    void examplesEndWithTheirExpectedOutcomesAndAttempts() throws Exception {
        List<AssayRequest> examples = RequestFiles.readAll(PROJECT_ROOT.resolve("examples/requests"));
        examples.forEach(this::submit);

        assertThat(watcher.awaitSettled(examples.stream().map(AssayRequest::getRequestId).toList(), OUTCOME_TIMEOUT))
                .as("every example reaches an outcome or the gate").isTrue();

        assertSingleOutcome("ex-slugify", OutcomeStatus.APPROVED, 1);
        assertSingleOutcome("ex-roman", OutcomeStatus.APPROVED, 2);
        assertSingleOutcome("ex-median", OutcomeStatus.FAILED, 3);
        Outcome invalid = assertSingleOutcome("ex-path-escape", OutcomeStatus.INVALID, 0);
        assertThat(invalid.getReason()).contains("../../etc/cron.d/assay");
        // A wrong answer that prints a fake report and exits before its tests: rejected at once, no second attempt.
        Outcome forged = assertSingleOutcome("ex-forged-pass", OutcomeStatus.REJECTED, 1);
        assertThat(forged.getDecidedBy()).isEqualTo("gate:integrity");
        assertThat(forged.getReason()).contains("tampering with verification", "palindrome.py");
        assertThat(readAll(topics.fixRequests(), "ex-forged-pass", 0)).isEmpty();

        assertThat(readAll(topics.fixRequests(), "ex-roman", 1)).singleElement().satisfies(fix -> {
            assertThat(fix.getAttempt()).isEqualTo(2);
            assertThat(fix.getFeedback()).contains("test_subtractive_numerals");
            assertThat(fix.getPreviousFiles()).extracting(f -> f.getPath()).containsExactly("roman.py");
        });
        assertThat(readAll(topics.fixRequests(), "ex-median", 2)).extracting(FixRequest::getAttempt).containsExactly(2, 3);
        assertThat(readAll(topics.generations(), "ex-roman", 2))
                .allSatisfy(g -> assertThat(g.getScripted()).as("the scripted provider says so").isTrue())
                .extracting(Generation::getAttempt).containsExactly(1, 2);
        assertThat(readAll(topics.generations(), "ex-path-escape", 0)).as("no model call for an invalid request").isEmpty();

        // Three candidates per attempt: all of attempt 1 fail, the closest feeds the fix, and a candidate of attempt 2 wins.
        Outcome wordfreq = assertSingleOutcome("ex-wordfreq", OutcomeStatus.APPROVED, 2);
        assertThat(wordfreq.getCandidate()).isEqualTo(1);
        assertThat(wordfreq.getFiles()).singleElement().satisfies(f -> assertThat(f.getContent()).contains("-item[1], item[0]"));
        assertThat(readAll(topics.generations(), "ex-wordfreq", 6)).extracting(g -> g.getAttempt() + "/" + g.getCandidate())
                .containsExactlyInAnyOrder("1/1", "1/2", "1/3", "2/1", "2/2", "2/3");
        assertThat(readAll(topics.fixRequests(), "ex-wordfreq", 1)).singleElement().satisfies(fix -> {
            assertThat(fix.getCandidatesTried()).isEqualTo(3);
            assertThat(fix.getFeedback()).contains("from candidate 2, the closest to passing").contains("test_breaks_ties_alphabetically");
            assertThat(fix.getPreviousFiles()).singleElement().satisfies(f -> assertThat(f.getContent()).contains("[a-z]+"));
        });

        // Every stage's events end up in one sealed hash chain per request, in order.
        List<AuditEvent> romanTrail = readAll(topics.audit(), "ex-roman", 12);
        assertThat(romanTrail).extracting(AuditEvent::getType).containsSubsequence(AuditEventType.RECEIVED,
                AuditEventType.CONTEXT_ASSEMBLED, AuditEventType.GENERATED, AuditEventType.EXECUTED, AuditEventType.VERDICT,
                AuditEventType.FIX_REQUESTED, AuditEventType.GENERATED, AuditEventType.EXECUTED, AuditEventType.VERDICT,
                AuditEventType.COMPLETED);
        AuditChainVerifier.Report chain = new AuditChainVerifier().verify(romanTrail);
        assertThat(chain.problems()).as("audit chain of ex-roman").isEmpty();
        assertThat(romanTrail).allSatisfy(e -> assertThat(e.getHash()).isNotBlank());
    }

    /**
     * The forging suite (examples/forgeries): wrong answers that try to get approved anyway — forged reports with the
     * run's secret searched for, patched report writers and assertion helpers, early exits, skipped request tests,
     * shadowing conftest.py and JUnit extensions, objects equal to everything, frame and heap walking — in Python, Java
     * and JavaScript. None is approved and no verdict passes; each ends as its request file's {@code expect} says.
     */
    @Test
    void noForgeryIsApprovedAndNoneGetsAPassingVerdict() throws Exception {
        List<AssayRequest> forgeries = RequestFiles.readAll(PROJECT_ROOT.resolve("examples/forgeries/requests"));
        assertThat(forgeries).hasSizeGreaterThanOrEqualTo(12);
        forgeries.forEach(this::submit);

        List<String> ids = forgeries.stream().map(AssayRequest::getRequestId).toList();
        assertThat(watcher.awaitOutcomes(ids, OUTCOME_TIMEOUT)).as("every forgery reaches an outcome").isTrue();
        for (AssayRequest forgery : forgeries) {
            String id = forgery.getRequestId();
            Outcome outcome = assertSingleOutcome(id, OutcomeStatus.valueOf(forgery.getMetadata().get("expect")), 1);
            assertThat(outcome.getFiles()).as(id + " hands on no code").isEmpty();
            if (outcome.getStatus() == OutcomeStatus.REJECTED) {
                assertThat(outcome.getDecidedBy()).as(id).isEqualTo("gate:integrity");
                assertThat(outcome.getReason()).as(id).startsWith("rejected for tampering with verification");
            }
        }
        for (AssayRequest forgery : forgeries) {
            assertThat(readAll(topics.verdicts(), forgery.getRequestId(), 1)).as(forgery.getRequestId() + " verdicts")
                    .isNotEmpty().noneMatch(Verdict::getPassed);
            assertThat(watcher.heldForReview(forgery.getRequestId())).as(forgery.getRequestId() + " never reaches the gate").isEmpty();
        }
    }

    /**
     * Correct solutions whose request tests use real pytest (fixture params, the request fixture, an autouse fixture
     * in a class) and the JUnit Platform (@ParameterizedTest, @Nested, assertThrows, lifecycle, a main-method test):
     * every test case runs and passes, and both are approved (examples/features).
     */
    @Test
    void realTestFrameworkFeaturesPassEndToEnd() throws Exception {
        List<AssayRequest> features = RequestFiles.readAll(PROJECT_ROOT.resolve("examples/features/requests"));
        features.forEach(this::submit);
        List<String> ids = features.stream().map(AssayRequest::getRequestId).toList();
        assertThat(watcher.awaitOutcomes(ids, OUTCOME_TIMEOUT)).as("every feature request reaches an outcome").isTrue();
        for (String id : ids) {
            assertSingleOutcome(id, OutcomeStatus.APPROVED, 1);
        }
        assertThat(readAll(topics.executions(), "feat-pytest-fixtures", 1)).singleElement().satisfies(r -> {
            assertThat(r.getRequiredTests()).isEqualTo(6);
            assertThat(r.getTests()).extracting(t -> t.getName()).containsExactlyInAnyOrder(
                    "test_inventory.py::test_add_counts_each_quantity[1]", "test_inventory.py::test_add_counts_each_quantity[5]",
                    "test_inventory.py::test_add_counts_each_quantity[10]", "test_inventory.py::test_remove_takes_away",
                    "test_inventory.py::TestStockedShelf::test_the_autouse_fixture_ran",
                    "test_inventory.py::TestStockedShelf::test_removing_more_than_there_is_raises[5]",
                    "test_inventory.py::TestStockedShelf::test_removing_more_than_there_is_raises[100]",
                    "test_inventory.py::TestStockedShelf::test_an_unknown_item_counts_zero",
                    "test_inventory.py::TestStockedShelf::test_adding_twice_adds_up");
            assertThat(r.getTests()).allSatisfy(t -> assertThat(t.getStatus()).as(t.getName() + ": " + t.getMessage())
                    .isEqualTo(dev.assay.avro.TestStatus.PASSED));
        });
        assertThat(readAll(topics.executions(), "feat-junit-jupiter", 1)).singleElement().satisfies(r -> {
            assertThat(r.getTests()).extracting(t -> t.getName()).contains("shop.PriceTest#totalsTheBasket",
                    "shop.PriceTest#discountsRoundingHalfUp[1]", "shop.PriceTest#discountsRoundingHalfUp[3]",
                    "shop.PriceTest#rejectsPercentagesOutOfRange[2]", "shop.PriceTest$AnEmptyBasket#totalsZero", "shop.Main#main");
            assertThat(r.getTests()).hasSize(8).allSatisfy(t -> assertThat(t.getStatus()).as(t.getName() + ": " + t.getMessage())
                    .isEqualTo(dev.assay.avro.TestStatus.PASSED));
        });
    }

    /**
     * The gate weighs what the files are, not the label (examples/kinds): an honest migration is never executed and
     * reaches a person as CRITICAL / MANUAL_ONLY with its static review, a Dockerfile inside a request declared as
     * library code is only dry-run and held for a person as infrastructure, and an HTTP handler declared as a unit test
     * passes its tests (one over HTTP on the sandbox's loopback) but is held for a person as an API endpoint, as a query
     * inside library code is held as a database query. The migration is applied only after two distinct
     * people approve it.
     */
    @Test
    void theGateWeighsWhatTheFilesAreNotTheLabel() throws Exception {
        List<AssayRequest> requests = RequestFiles.readAll(PROJECT_ROOT.resolve("examples/kinds/requests"));
        requests.forEach(this::submit);
        List<String> ids = requests.stream().map(AssayRequest::getRequestId).toList();
        assertThat(watcher.awaitSettled(ids, OUTCOME_TIMEOUT)).as("every request is gated or ends").isTrue();

        ApprovalRequest migration = watcher.heldForReview("kind-migration").orElseThrow(
                () -> new AssertionError("kind-migration was not held: " + watcher.outcomes("kind-migration")));
        assertThat(migration.getRiskLevel()).isEqualTo(RiskLevel.CRITICAL);
        assertThat(migration.getDecision()).isEqualTo(GateDecision.MANUAL_ONLY);
        assertThat(migration.getFindings()).extracting(f -> f.getCheck()).contains("migration/destructive", "migration/lock");
        assertThat(migration.getReasons()).contains("never auto-approved: never executed (execution policy NEVER): a person applies it by hand");
        assertThat(readAll(topics.executions(), "kind-migration", 1)).singleElement()
                .satisfies(r -> assertThat(r.getStatus()).isEqualTo(dev.assay.avro.ExecutionStatus.NOT_RUN));

        ApprovalRequest infra = watcher.heldForReview("kind-infra-as-library").orElseThrow(
                () -> new AssertionError("kind-infra-as-library was not held: " + watcher.outcomes("kind-infra-as-library")));
        assertThat(infra.getDeclaredKind()).isEqualTo(dev.assay.avro.ArtifactKind.LIBRARY_CODE);
        assertThat(infra.getEffectiveKind()).isEqualTo(dev.assay.avro.ArtifactKind.INFRASTRUCTURE);
        assertThat(infra.getRiskLevel()).isEqualTo(RiskLevel.HIGH);
        assertThat(infra.getDecision()).isEqualTo(GateDecision.HUMAN_REVIEW);
        assertThat(infra.getReasons()).anySatisfy(r -> assertThat(r).startsWith("declared LIBRARY_CODE, but Dockerfile is INFRASTRUCTURE"));
        assertThat(infra.getFindings()).as("the dry run's evidence for the reviewer").anySatisfy(f -> {
            assertThat(f.getCheck()).isEqualTo("infrastructure/run-as-root");
            assertThat(f.getPath()).isEqualTo("Dockerfile");
        });

        ApprovalRequest endpoint = watcher.heldForReview("kind-endpoint-as-unit-test").orElseThrow(
                () -> new AssertionError("kind-endpoint-as-unit-test was not held: " + watcher.outcomes("kind-endpoint-as-unit-test")));
        assertThat(endpoint.getDeclaredKind()).isEqualTo(dev.assay.avro.ArtifactKind.UNIT_TEST);
        assertThat(endpoint.getEffectiveKind()).isEqualTo(dev.assay.avro.ArtifactKind.API_ENDPOINT);
        assertThat(endpoint.getRiskLevel()).isEqualTo(RiskLevel.MEDIUM);
        assertThat(endpoint.getDecision()).isEqualTo(GateDecision.HUMAN_REVIEW);
        assertThat(endpoint.getKindSignals()).anySatisfy(s -> {
            assertThat(s.getPath()).isEqualTo("health_api.py");
            assertThat(s.getLine()).as("the handler class, found by the analysis inside the sandbox").isEqualTo(9);
        });
        assertThat(endpoint.getReasons()).anySatisfy(r -> assertThat(r).startsWith("declared UNIT_TEST, but health_api.py:9 is API_ENDPOINT: http.server handler class HealthHandler"));
        assertThat(endpoint.getTests()).as("one test serves the handler on the sandbox's own loopback and calls it over HTTP")
                .extracting(t -> t.getName(), t -> t.getStatus()).contains(
                        org.assertj.core.groups.Tuple.tuple("test_health_api.py::test_served_over_http", dev.assay.avro.TestStatus.PASSED));

        ApprovalRequest query = watcher.heldForReview("kind-query-as-library").orElseThrow(
                () -> new AssertionError("kind-query-as-library was not held: " + watcher.outcomes("kind-query-as-library")));
        assertThat(query.getEffectiveKind()).isEqualTo(dev.assay.avro.ArtifactKind.DB_QUERY);
        assertThat(query.getRiskLevel()).isEqualTo(RiskLevel.MEDIUM);
        assertThat(query.getDecision()).isEqualTo(GateDecision.HUMAN_REVIEW);
        assertThat(query.getKindSignals()).anySatisfy(s -> assertThat(s.getSql()).startsWith("SELECT customer, SUM(total)"));
        assertThat(query.getReasons()).anySatisfy(r -> assertThat(r).startsWith("declared LIBRARY_CODE, but reports.py:2 is DB_QUERY"));

        assertThat(migration.getApproversRequired()).isEqualTo(2);
        decide(new ApprovalDecision("kind-migration", true, "alice", "reviewed the archive and the dropped column", Instant.now()));
        decide(new ApprovalDecision("kind-migration", true, "alice", "still fine", Instant.now()));
        Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(watcher.deadLetters()).filteredOn(d -> d.sourceTopic().equals(topics.approvalDecisions().name()))
                        .extracting(PipelineWatcher.DeadLetterSeen::reason).contains("INVALID_DECISION"));
        assertThat(watcher.outcomes("kind-migration")).as("one person's approval of a CRITICAL change closes nothing").isEmpty();
        decide(new ApprovalDecision("kind-migration", true, "bob", "rollback plan read", Instant.now()));
        assertThat(watcher.awaitOutcomes(List.of("kind-migration"), OUTCOME_TIMEOUT)).isTrue();
        Outcome applied = assertSingleOutcome("kind-migration", OutcomeStatus.APPROVED, 1);
        assertThat(applied.getReason()).startsWith("manual application only");
        assertThat(applied.getDecidedBy()).isEqualTo("alice, bob");
    }

    @Test
    void aMediumRiskPassWaitsForAPersonAndTheirDecisionClosesIt() throws Exception {
        AssayRequest endpoint = RequestFiles.read(PROJECT_ROOT.resolve("examples/requests/05-orders-endpoint.json"));
        endpoint.setRequestId("endpoint-" + UUID.randomUUID());
        Files.copy(completions.resolve("ex-orders-endpoint.attempt-1.md"), completions.resolve(endpoint.getRequestId() + ".attempt-1.md"));
        submit(endpoint);

        assertThat(watcher.awaitSettled(List.of(endpoint.getRequestId()), OUTCOME_TIMEOUT)).isTrue();
        ApprovalRequest held = watcher.heldForReview(endpoint.getRequestId()).orElseThrow();
        assertThat(held.getRiskLevel()).isEqualTo(RiskLevel.MEDIUM);
        assertThat(held.getDecision()).isEqualTo(GateDecision.HUMAN_REVIEW);
        assertThat(held.getFiles()).extracting(f -> f.getPath()).containsExactly("orders_api.py");
        assertThat(watcher.outcomes(endpoint.getRequestId())).as("no outcome before a person decides").isEmpty();

        decide(new ApprovalDecision(endpoint.getRequestId(), true, "alice", "reviewed the handler", Instant.now()));
        decide(new ApprovalDecision("no-such-request-" + UUID.randomUUID(), true, "mallory", "", Instant.now()));

        assertThat(watcher.awaitOutcomes(List.of(endpoint.getRequestId()), OUTCOME_TIMEOUT)).isTrue();
        Outcome outcome = assertSingleOutcome(endpoint.getRequestId(), OutcomeStatus.APPROVED, 1);
        assertThat(outcome.getDecidedBy()).isEqualTo("alice");
        assertThat(outcome.getRiskLevel()).isEqualTo(RiskLevel.MEDIUM);
        Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(watcher.deadLetters()).filteredOn(d -> d.sourceTopic().equals(topics.approvalDecisions().name()))
                        .extracting(PipelineWatcher.DeadLetterSeen::reason).contains("UNKNOWN_REQUEST"));
    }

    private void decide(ApprovalDecision decision) throws Exception {
        try (var producer = new KafkaProducer<>(environment.kafkaProps(), new StringSerializer(),
                topics.approvalDecisions().valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(topics.approvalDecisions().name(), decision.getRequestId(), decision)).get();
        }
    }

    @Test
    void malformedBytesOnEveryInputTopicGoToTheDeadLetterTopicAndThePipelineKeepsFlowing() throws Exception {
        List<String> inputs = List.of(topics.requests().name(), topics.contexts().name(), topics.generations().name(),
                topics.fixRequests().name(), topics.executions().name(), topics.approvalDecisions().name(),
                topics.auditEvents().name());
        byte[] unknownSchemaId = {0, 0, 0, 0x7f, 0x11, 1, 2, 3};
        try (var producer = new KafkaProducer<>(environment.kafkaProps(), new StringSerializer(), new ByteArraySerializer())) {
            for (String topic : inputs) {
                producer.send(new ProducerRecord<>(topic, "poison", "not avro at all".getBytes())).get();
            }
            producer.send(new ProducerRecord<>(topics.requests().name(), "poison-id", unknownSchemaId)).get();
        }
        AssayRequest healthy = slugifyAs("after-poison-" + UUID.randomUUID());
        submit(healthy);

        assertThat(watcher.awaitOutcomes(List.of(healthy.getRequestId()), OUTCOME_TIMEOUT)).isTrue();
        assertThat(watcher.outcomes(healthy.getRequestId())).singleElement()
                .extracting(Outcome::getStatus).isEqualTo(OutcomeStatus.APPROVED);
        Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(watcher.deadLetters()).extracting(PipelineWatcher.DeadLetterSeen::sourceTopic).containsAll(inputs));
        assertThat(watcher.deadLetters()).filteredOn(d -> d.sourceTopic().equals(topics.requests().name()))
                .extracting(PipelineWatcher.DeadLetterSeen::reason).contains("NOT_WIRE_FORMAT", "UNKNOWN_SCHEMA_ID");
        assertThat(environment.services()).allSatisfy(s -> assertThat(s.isAlive()).as(s.name() + " alive").isTrue());
    }

    /** The passing slugify example under a new request id, with its canned completion. */
    AssayRequest slugifyAs(String requestId) throws Exception {
        AssayRequest request = RequestFiles.read(PROJECT_ROOT.resolve("examples/requests/01-slugify.json"));
        request.setRequestId(requestId);
        Files.copy(completions.resolve("ex-slugify.attempt-1.md"), completions.resolve(requestId + ".attempt-1.md"));
        return request;
    }

    Outcome assertSingleOutcome(String requestId, OutcomeStatus status, int attempts) {
        List<Outcome> outcomes = watcher.outcomes(requestId);
        assertThat(outcomes).as("outcomes of " + requestId).hasSize(1);
        Outcome outcome = outcomes.getFirst();
        assertThat(outcome.getStatus()).as(requestId + " status (" + outcome.getReason() + ")").isEqualTo(status);
        assertThat(outcome.getAttempts()).as(requestId + " attempts").isEqualTo(attempts);
        return outcome;
    }

    void submit(AssayRequest request) {
        try (var producer = new KafkaProducer<>(environment.kafkaProps(), new StringSerializer(), topics.requests().valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(topics.requests().name(), request.getRequestId(), request)).get();
        } catch (Exception e) {
            throw new AssertionError("cannot submit " + request.getRequestId(), e);
        }
    }

    /** The request's records on a topic, read from the start until {@code expected} were seen (or 30 s), plus one more poll. */
    <V extends SpecificRecord> List<V> readAll(Topic<V> topic, String requestId, int expected) {
        List<V> found = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : readRaw(topic.name(), requestId, expected)) {
            found.add(topic.valueSerde().deserializer().deserialize(topic.name(), record.value()));
        }
        return found;
    }

    List<ConsumerRecord<String, byte[]>> readRaw(String topic, String requestId, int expected) {
        Map<String, Object> props = environment.kafkaProps();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "scenario-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (found.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> keep(found, r, requestId));
            }
            // One more poll: a duplicate would show up here.
            consumer.poll(Duration.ofSeconds(1)).forEach(r -> keep(found, r, requestId));
        }
        return found;
    }

    private static void keep(List<ConsumerRecord<String, byte[]>> found, ConsumerRecord<String, byte[]> record, String requestId) {
        if (requestId.equals(record.key())) {
            found.add(record);
        }
    }

    /** {@code -Dassay.it.environment=embedded|testcontainers} runs only that one; unset runs every environment available. */
    static void assumeSelected(String environmentName) {
        String selected = System.getProperty("assay.it.environment", "");
        assumeTrue(selected.isBlank() || selected.equals(environmentName),
                "assay.it.environment=" + selected + " leaves out the " + environmentName + " environment");
    }

    static boolean onPath(String command) {
        String path = System.getenv("PATH");
        return path != null && Arrays.stream(path.split(":")).anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
    }
}
