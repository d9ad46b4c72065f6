package dev.assay.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.assay.generator.FakeModelServer.Reply;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recording real provider exchanges (the OpenAI provider against a local server) and replaying them without it. */
class RecordingProviderTest {
    private final FakeModelServer server = new FakeModelServer();
    private final Prompt prompt = new Prompt("req-1", 1, "SYSTEM RULES", "USER TASK", "v1", 512);
    private ModelProvider openAi;

    @TempDir
    Path dir;

    RecordingProviderTest() throws Exception {
    }

    @AfterEach
    void stop() {
        if (openAi != null) {
            openAi.close();
        }
        server.close();
    }

    private RecordingProvider recordingOpenAi(boolean structured) {
        ProviderSettings settings = new ProviderSettings("gpt-test", server.url() + "/v1", new ProviderSettings.ApiKey("sk-test-key"),
                Duration.ofSeconds(10), 3, Duration.ofMillis(10), Duration.ofMillis(40), Duration.ofSeconds(5), 50, 10,
                Duration.ofSeconds(30));
        openAi = new ResilientProvider(new OpenAiModel(settings, structured), settings, new SimpleMeterRegistry());
        return new RecordingProvider(openAi, dir.resolve("recordings"));
    }

    @Test
    void aRecordedOpenAiAnswerReplaysEqualWithoutTheServer() throws Exception {
        String files = "{\"files\":[{\"path\":\"slug.py\",\"content\":\"X = 1\\n\"}]}";
        server.then(Reply.json(200, OpenAiModelTest.completion(files, null)));
        RecordingProvider recording = recordingOpenAi(true);

        Completion live = recording.complete(prompt);
        server.close();
        ReplayProvider replay = new ReplayProvider(dir.resolve("recordings"));
        // Request id and attempt are not part of the key: a later run with fresh ids gets the same answer.
        Completion replayed = replay.complete(new Prompt("req-other", 3, "SYSTEM RULES", "USER TASK", "v1", 512));

        assertThat(live).isEqualTo(new Completion(files, 321, 45, "gpt-test-2026-01-01", Completion.Format.FILES_JSON));
        assertThat(replayed).isEqualTo(live);
        assertThat(recording.name()).isEqualTo("openai");
        assertThat(recording.model()).isEqualTo("gpt-test");
        assertThat(replay.name()).isEqualTo("replay");
        assertThat(replay.model()).isEqualTo("replay");
        assertThat(replay.scripted()).isFalse();
        JsonNode file = new ObjectMapper().readTree(RecordedExchange.file(dir.resolve("recordings"), prompt).toFile());
        assertThat(file.get("format").asText()).isEqualTo("assay-exchange/1");
        assertThat(file.get("provider").asText()).isEqualTo("openai");
        assertThat(file.get("requestId").asText()).isEqualTo("req-1");
        assertThat(file.get("attempt").asInt()).isEqualTo(1);
        assertThat(file.get("user").asText()).isEqualTo("USER TASK");
        assertThat(file.get("recordedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(file.get("completion").get("format").asText()).isEqualTo("FILES_JSON");
        assertThat(file.has("failure")).isFalse();
    }

    @Test
    void twoCandidatesOfOnePromptRecordAndReplayTheirOwnAnswers() throws Exception {
        server.then(Reply.json(200, OpenAiModelTest.completion("first answer", null)))
                .then(Reply.json(200, OpenAiModelTest.completion("second answer", null)));
        RecordingProvider recording = recordingOpenAi(false);
        Prompt first = prompt.forCandidate(1, 2);
        Prompt second = prompt.forCandidate(2, 2);

        assertThat(recording.complete(first).text()).isEqualTo("first answer");
        assertThat(recording.complete(second).text()).isEqualTo("second answer");

        ReplayProvider replay = new ReplayProvider(dir.resolve("recordings"));
        assertThat(replay.complete(second).text()).isEqualTo("second answer");
        assertThat(replay.complete(first).text()).isEqualTo("first answer");
        String stem = RecordedExchange.key(first).substring(0, 24);
        try (Stream<Path> recorded = Files.list(dir.resolve("recordings"))) {
            assertThat(recorded.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(stem + "-c1.json", stem + "-c2.json");
        }
    }

    @Test
    void aFailureIsRethrownUnchangedAndReplaysAsTheSameFailure() throws Exception {
        server.then(Reply.json(401, OpenAiModelTest.error("Incorrect API key provided: sk-test-key", "invalid_request_error",
                "invalid_api_key")));
        RecordingProvider recording = recordingOpenAi(false);

        assertThatThrownBy(() -> recording.complete(prompt)).isInstanceOf(ModelProviderException.class)
                .hasMessage("openai answered HTTP 401 (invalid_api_key)").hasCauseInstanceOf(ProviderCallException.class);
        assertThatThrownBy(() -> new ReplayProvider(dir.resolve("recordings")).complete(prompt))
                .isInstanceOf(ModelProviderException.class)
                .hasMessage("replayed failure: openai answered HTTP 401 (invalid_api_key)");
        assertThat(Files.readString(RecordedExchange.file(dir.resolve("recordings"), prompt))).doesNotContain("sk-test-key")
                .doesNotContain("\"completion\"");
    }

    @Test
    void anUnwritableRecordDirectoryCostsTheRecordingButNotTheAnswerOrTheFailure() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("a-file"), "in the way");
        ModelProviderException refusal = new ModelProviderException("the model refused: no");
        RecordingProvider recording = new RecordingProvider(new StubProvider(p -> new Completion("answer", 1, 2, "m")), notADirectory);
        RecordingProvider failing = new RecordingProvider(new StubProvider(p -> {
            throw refusal;
        }), notADirectory);

        assertThat(recording.complete(prompt).text()).isEqualTo("answer");
        assertThatThrownBy(() -> failing.complete(prompt)).isSameAs(refusal);
        assertThat(Files.readString(notADirectory)).isEqualTo("in the way");
    }

    @Test
    void concurrentCallsEachLeaveOneWholeRecordingAndNoTemporaryFiles() throws Exception {
        RecordingProvider recording = new RecordingProvider(new StubProvider(p -> new Completion(p.user() + " #" + p.candidate(),
                10, 20, "stub-model")), dir);
        List<Prompt> prompts = new ArrayList<>();
        for (int task = 0; task < 25; task++) {
            for (int candidate = 1; candidate <= 2; candidate++) {
                prompts.add(new Prompt("req-" + task, 1, "system", "task " + task, "v1", 100, candidate, 2));
            }
        }

        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Completion>> calls = new ArrayList<>();
            for (int round = 0; round < 4; round++) {
                prompts.forEach(p -> calls.add(threads.submit(() -> recording.complete(p))));
            }
            for (Future<Completion> call : calls) {
                assertThat(call.get().model()).isEqualTo("stub-model");
            }
        }

        try (Stream<Path> recorded = Files.list(dir)) {
            assertThat(recorded.map(p -> p.getFileName().toString())).hasSize(50).allMatch(name -> name.endsWith(".json"));
        }
        ReplayProvider replay = new ReplayProvider(dir);
        for (Prompt p : prompts) {
            assertThat(replay.complete(p).text()).isEqualTo(p.user() + " #" + p.candidate());
        }
    }

    @Test
    void passesNameModelScriptedAndCloseThrough() {
        StubProvider stub = new StubProvider(p -> new Completion("", 0, 0, "m"));
        try (RecordingProvider recording = new RecordingProvider(stub, dir)) {
            assertThat(recording.name()).isEqualTo("stub");
            assertThat(recording.model()).isEqualTo("stub-model");
            assertThat(recording.scripted()).isTrue();
        }
        assertThat(stub.closed).isTrue();
    }

    /** A provider answering from a function, to drive the recorder without a network. */
    private static final class StubProvider implements ModelProvider {
        interface Answer {
            Completion to(Prompt prompt) throws ModelProviderException;
        }

        private final Answer answer;
        private final AtomicBoolean closed = new AtomicBoolean();

        StubProvider(Answer answer) {
            this.answer = answer;
        }

        @Override
        public String name() {
            return "stub";
        }

        @Override
        public String model() {
            return "stub-model";
        }

        @Override
        public boolean scripted() {
            return true;
        }

        @Override
        public Completion complete(Prompt prompt) throws ModelProviderException {
            return answer.to(prompt);
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }
}
