package dev.assay.generator;

import dev.assay.schemas.registry.InMemorySchemaRegistryClient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assay.avro.AssayRequest;
import dev.assay.avro.AuditEvent;
import dev.assay.avro.AuditEventType;
import dev.assay.avro.FixRequest;
import dev.assay.avro.Generation;
import dev.assay.avro.GenerationStatus;
import dev.assay.avro.SourceFile;
import dev.assay.runtime.Emit;
import dev.assay.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneratorTest {
    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    @TempDir
    Path dir;
    private final Topics topics = Topics.create("assay.", new InMemorySchemaRegistryClient(), true);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private Generator generator() {
        GeneratorConfig config = Fixtures.config(dir.toString());
        return new Generator(topics, new ScriptedProvider(dir), new PromptBuilder("v1", config), new CompletionParser(10_000, 10),
                Clock.fixed(NOW, ZoneOffset.UTC), meters, unlimited(), config::candidatesFor);
    }

    private TokenBudgets unlimited() {
        return new TokenBudgets(0, 0, java.time.Duration.ofHours(1), Clock.fixed(NOW, ZoneOffset.UTC), meters);
    }

    private FixRequest fix(int attempt) {
        return FixRequest.newBuilder().setRequestId("req-1").setAttempt(attempt).setContext(Fixtures.context())
                .setPreviousFiles(List.of()).setFeedback("failed").setRequestedAt(NOW).build();
    }

    @Test
    void contextGivesAScriptedGenerationAndAnAuditEvent() throws Exception {
        Files.writeString(dir.resolve("req-1.attempt-1.md"), "```python path=slug.py\ndef slugify(t):\n    return t\n```\n");

        List<Emit<?>> out = generator().onContext("req-1", Fixtures.context());

        assertThat(out).extracting(e -> e.topic().name()).containsExactly("assay.generations", "assay.audit-events");
        assertThat(out).allSatisfy(e -> assertThat(e.key()).isEqualTo("req-1"));
        Generation g = (Generation) out.get(0).value();
        assertThat(g.getStatus()).isEqualTo(GenerationStatus.OK);
        assertThat(g.getAttempt()).isEqualTo(1);
        assertThat(g.getFiles()).extracting(SourceFile::getPath).containsExactly("slug.py");
        assertThat(g.getProvider()).isEqualTo("scripted");
        assertThat(g.getModel()).isEqualTo("scripted");
        assertThat(g.getScripted()).isTrue();
        assertThat(g.getTemplateVersion()).isEqualTo("v1");
        assertThat(g.getGeneratedAt()).isEqualTo(NOW);
        assertThat(g.getContext()).isEqualTo(Fixtures.context());
        AuditEvent audit = (AuditEvent) out.get(1).value();
        assertThat(audit.getType()).isEqualTo(AuditEventType.GENERATED);
        assertThat(audit.getService()).isEqualTo("generator");
        assertThat(audit.getAttempt()).isEqualTo(1);
        assertThat(meters.counter("assay.generator.generations", "provider", "scripted", "status", "OK").count()).isEqualTo(1.0);
    }

    @Test
    void fixRequestUsesItsAttemptAndFallsBackToAnEarlierScript() throws Exception {
        Files.writeString(dir.resolve("req-1.attempt-1.md"), "```python path=slug.py\nX = 1\n```\n");

        Generation g = (Generation) generator().onFixRequest("req-1", fix(3)).get(0).value();

        assertThat(g.getAttempt()).isEqualTo(3);
        assertThat(g.getStatus()).isEqualTo(GenerationStatus.OK);
    }

    @Test
    void missingScriptGivesAFailedGenerationNotAnException() {
        List<Emit<?>> out = generator().onFixRequest("req-1", fix(2));

        Generation g = (Generation) out.get(0).value();
        assertThat(g.getStatus()).isEqualTo(GenerationStatus.FAILED);
        assertThat(g.getFailureReason()).isEqualTo("no scripted completion for request req-1 attempt 2");
        assertThat(g.getFiles()).isEmpty();
        assertThat(g.getScripted()).isTrue();
        assertThat(((AuditEvent) out.get(1).value()).getDetail()).isEqualTo("failed: no scripted completion for request req-1 attempt 2");
        assertThat(meters.counter("assay.generator.generations", "provider", "scripted", "status", "FAILED").count()).isEqualTo(1.0);
    }

    @Test
    void unusableAnswerGivesAFailedGeneration() throws Exception {
        Files.writeString(dir.resolve("req-1.attempt-1.md"), "```python path=../../etc/cron.d/x\n* * * * * root sh\n```\n");

        Generation g = (Generation) generator().onContext("req-1", Fixtures.context()).get(0).value();

        assertThat(g.getStatus()).isEqualTo(GenerationStatus.FAILED);
        assertThat(g.getFailureReason()).isEqualTo("unsafe path '../../etc/cron.d/x': contains '..'");
    }

    @Test
    void aModelGenerationRecordsProviderModelTokensAndMetrics() throws Exception {
        try (FakeModelServer server = new FakeModelServer()) {
            server.then(FakeModelServer.Reply.json(200, OpenAiModelTest.completion("```python path=slug.py\nX = 1\n```\n", null)));
            ProviderSettings settings = new ProviderSettings("gpt-test", server.url() + "/v1", new ProviderSettings.ApiKey("k"),
                    java.time.Duration.ofSeconds(10), 1, java.time.Duration.ofMillis(10), java.time.Duration.ofMillis(10),
                    java.time.Duration.ofSeconds(1), 50, 10, java.time.Duration.ofSeconds(30));
            GeneratorConfig config = Fixtures.config(dir.toString());
            Generator generator = new Generator(topics, new ResilientProvider(new OpenAiModel(settings, false), settings, meters),
                    new PromptBuilder("v1", config), new CompletionParser(10_000, 10), Clock.fixed(NOW, ZoneOffset.UTC), meters, unlimited(), config::candidatesFor);

            Generation g = (Generation) generator.onContext("req-1", Fixtures.context()).get(0).value();

            assertThat(g.getStatus()).isEqualTo(GenerationStatus.OK);
            assertThat(g.getProvider()).isEqualTo("openai");
            assertThat(g.getModel()).isEqualTo("gpt-test-2026-01-01");
            assertThat(g.getScripted()).isFalse();
            assertThat(g.getTokensIn()).isEqualTo(321);
            assertThat(g.getTokensOut()).isEqualTo(45);
            assertThat(g.getLatencyMs()).isNotNegative();
            assertThat(meters.summary("assay.generator.tokens", "provider", "openai", "direction", "in").totalAmount()).isEqualTo(321.0);
            assertThat(meters.summary("assay.generator.tokens", "provider", "openai", "direction", "out").totalAmount()).isEqualTo(45.0);
            assertThat(meters.timer("assay.generator.model.latency", "provider", "openai").count()).isEqualTo(1);
            assertThat(meters.timer("assay.generator.provider.calls", "provider", "openai", "outcome", "ok").count()).isEqualTo(1);
            assertThat(server.requests().getFirst().body()).contains("Implement slugify(text)", "untrusted-file");
        }
    }

    @Test
    void aSpentRequestBudgetFailsTheNextAttemptWithoutCallingTheModel() throws Exception {
        try (FakeModelServer server = new FakeModelServer()) {
            server.then(FakeModelServer.Reply.json(200, OpenAiModelTest.completion("```python path=slug.py\nX = 1\n```\n", null)));
            ProviderSettings settings = new ProviderSettings("gpt-test", server.url() + "/v1", new ProviderSettings.ApiKey("k"),
                    java.time.Duration.ofSeconds(10), 1, java.time.Duration.ofMillis(10), java.time.Duration.ofMillis(10),
                    java.time.Duration.ofSeconds(1), 50, 10, java.time.Duration.ofSeconds(30));
            GeneratorConfig config = Fixtures.config(dir.toString());
            // The first call spends 321 + 45 tokens, more than the request's 300.
            TokenBudgets budgets = new TokenBudgets(300, 0, java.time.Duration.ofHours(1), Clock.fixed(NOW, ZoneOffset.UTC), meters);
            Generator generator = new Generator(topics, new ResilientProvider(new OpenAiModel(settings, false), settings, meters),
                    new PromptBuilder("v1", config), new CompletionParser(10_000, 10), Clock.fixed(NOW, ZoneOffset.UTC), meters, budgets, config::candidatesFor);

            Generation first = (Generation) generator.onContext("req-1", Fixtures.context()).get(0).value();
            Generation second = (Generation) generator.onFixRequest("req-1", fix(2)).get(0).value();

            assertThat(first.getStatus()).isEqualTo(GenerationStatus.OK);
            assertThat(second.getStatus()).isEqualTo(GenerationStatus.FAILED);
            assertThat(second.getFailureReason())
                    .isEqualTo("token budget exceeded: request req-1 has spent 366 of 300 tokens (generator.budget.request.tokens)");
            assertThat(second.getTokensIn()).isZero();
            assertThat(server.requests()).hasSize(1);
            assertThat(meters.counter("assay.generator.budget.refusals", "scope", "request").count()).isEqualTo(1.0);
        }
    }

    @Test
    void aRequestAskingForCandidatesGetsThatManyGenerationsEachWithItsOwnAnswer() throws Exception {
        Files.writeString(dir.resolve("req-1.attempt-1.md"), "```python path=slug.py\nX = 'shared'\n```\n");
        Files.writeString(dir.resolve("req-1.attempt-1.candidate-2.md"), "```python path=slug.py\nX = 'second'\n```\n");
        Files.writeString(dir.resolve("req-1.attempt-1.candidate-3.md"), "no files here");
        AssayRequest request = Fixtures.request().setCandidates(3).build();

        List<Emit<?>> out = generator().onContext("req-1", Fixtures.context(request, List.of()));

        assertThat(out).extracting(e -> e.topic().name()).containsExactly("assay.generations", "assay.audit-events",
                "assay.generations", "assay.audit-events", "assay.generations", "assay.audit-events");
        List<Generation> generations = out.stream().map(Emit::value).filter(Generation.class::isInstance)
                .map(Generation.class::cast).toList();
        assertThat(generations).extracting(Generation::getCandidate).containsExactly(1, 2, 3);
        assertThat(generations).allSatisfy(g -> {
            assertThat(g.getCandidates()).isEqualTo(3);
            assertThat(g.getAttempt()).isEqualTo(1);
        });
        assertThat(generations).extracting(g -> g.getFiles().isEmpty() ? "" : g.getFiles().get(0).getContent())
                .containsExactly("X = 'shared'\n", "X = 'second'\n", "");
        assertThat(generations.get(2).getStatus()).isEqualTo(GenerationStatus.FAILED);
        assertThat(out).map(Emit::value).filteredOn(AuditEvent.class::isInstance).map(e -> ((AuditEvent) e).getDetail())
                .containsExactly("candidate 1 of 3: 1 files from scripted/scripted", "candidate 2 of 3: 1 files from scripted/scripted",
                        "candidate 3 of 3: failed: the answer contains no code block with a path= attribute");
    }

    @Test
    void theCandidatesOfAnAttemptAreCalledAtTheSameTime() {
        // Each call waits until all three are in flight: called one after another, the first would give up and fail.
        java.util.concurrent.CountDownLatch allInFlight = new java.util.concurrent.CountDownLatch(3);
        ModelProvider rendezvous = new ModelProvider() {
            @Override
            public String name() {
                return "rendezvous";
            }

            @Override
            public String model() {
                return "rendezvous";
            }

            @Override
            public Completion complete(Prompt prompt) throws ModelProviderException {
                allInFlight.countDown();
                try {
                    if (!allInFlight.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
                        throw new ModelProviderException("candidate " + prompt.candidate() + " was alone in flight");
                    }
                } catch (InterruptedException e) {
                    throw new ModelProviderException("interrupted", e);
                }
                return new Completion("```python path=slug.py\nX = " + prompt.candidate() + "\n```\n", 10, 5, "rendezvous-1");
            }
        };
        GeneratorConfig config = Fixtures.config(dir.toString());
        Generator generator = new Generator(topics, rendezvous, new PromptBuilder("v1", config), new CompletionParser(10_000, 10),
                Clock.fixed(NOW, ZoneOffset.UTC), meters, unlimited(), request -> 3);

        List<Emit<?>> out = generator.onContext("req-1", Fixtures.context());

        assertThat(out).map(Emit::value).filteredOn(Generation.class::isInstance).map(Generation.class::cast)
                .allSatisfy(g -> assertThat(g.getStatus()).isEqualTo(GenerationStatus.OK))
                .extracting(g -> g.getFiles().get(0).getContent()).containsExactly("X = 1\n", "X = 2\n", "X = 3\n");
    }

    @Test
    void aRequestAskingForMoreCandidatesThanAllowedGetsTheMaximum() throws Exception {
        Files.writeString(dir.resolve("req-1.attempt-1.md"), "```python path=slug.py\nX = 1\n```\n");
        AssayRequest greedy = Fixtures.request().setCandidates(50).build();

        List<Emit<?>> out = generator().onContext("req-1", Fixtures.context(greedy, List.of()));

        assertThat(out).map(Emit::value).filteredOn(Generation.class::isInstance).map(g -> ((Generation) g).getCandidate())
                .containsExactly(1, 2, 3, 4);
        assertThat(Fixtures.config("/x").candidatesFor(Fixtures.request().setCandidates(0).build())).isEqualTo(1);
        assertThat(Fixtures.config("/x").candidatesFor(Fixtures.request().build())).as("the configured default").isEqualTo(1);
    }

    @Test
    void aFixRequestCarriesTheRequestsSpendIntoTheGenerationAndTheBudget() throws Exception {
        Files.writeString(dir.resolve("req-1.attempt-1.md"), "```python path=slug.py\nX = 1\n```\n");
        GeneratorConfig config = Fixtures.config(dir.toString());
        TokenBudgets budgets = new TokenBudgets(1000, 0, java.time.Duration.ofHours(1), Clock.fixed(NOW, ZoneOffset.UTC), meters);
        Generator generator = new Generator(topics, new ScriptedProvider(dir), new PromptBuilder("v1", config),
                new CompletionParser(10_000, 10), Clock.fixed(NOW, ZoneOffset.UTC), meters, budgets, config::candidatesFor);
        FixRequest.Builder fix = FixRequest.newBuilder(fix(2));

        Generation within = (Generation) generator.onFixRequest("req-1", fix.setTokensSpent(999).build()).get(0).value();
        Generation over = (Generation) generator.onFixRequest("req-1", fix.setAttempt(3).setTokensSpent(1000).build()).get(0).value();

        assertThat(within.getStatus()).isEqualTo(GenerationStatus.OK);
        assertThat(within.getTokensSpentBefore()).isEqualTo(999);
        assertThat(over.getStatus()).as("spent on other instances, so refused here too").isEqualTo(GenerationStatus.FAILED);
        assertThat(over.getFailureReason()).contains("has spent 1000 of 1000 tokens");
    }

    @Test
    void aFixRequestForAttemptOneIsABug() {
        assertThatThrownBy(() -> generator().onFixRequest("req-1", fix(1))).isInstanceOf(IllegalArgumentException.class);
    }
}
