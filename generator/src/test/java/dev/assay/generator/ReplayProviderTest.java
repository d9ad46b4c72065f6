package dev.assay.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Answering from recorded exchanges, and refusing recordings that are missing, broken or not for this prompt. */
class ReplayProviderTest {
    private static final Instant AT = Instant.parse("2026-03-01T12:00:00Z");
    private final Prompt prompt = new Prompt("req-1", 2, "system", "user", "v1", 100);

    @TempDir
    Path dir;

    private Path record(Prompt p, Completion answer) throws Exception {
        RecordedExchange.answered("openai", p, answer, AT).writeTo(dir);
        return RecordedExchange.file(dir, p);
    }

    @Test
    void theKeyIsThePromptsContentAndCandidateNotItsRequestOrAttempt() {
        String key = RecordedExchange.key(prompt);

        assertThat(key).matches("[0-9a-f]{24}-c1");
        assertThat(RecordedExchange.key(new Prompt("req-9", 5, "system", "user", "v1", 100))).isEqualTo(key);
        assertThat(RecordedExchange.key(prompt.forCandidate(2, 3))).isEqualTo(key.replace("-c1", "-c2"));
        assertThat(RecordedExchange.key(new Prompt("req-1", 2, "system", "user!", "v1", 100))).isNotEqualTo(key);
        assertThat(RecordedExchange.key(new Prompt("req-1", 2, "system!", "user", "v1", 100))).isNotEqualTo(key);
        assertThat(RecordedExchange.key(new Prompt("req-1", 2, "system", "user", "v2", 100))).isNotEqualTo(key);
        assertThat(RecordedExchange.key(new Prompt("req-1", 2, "system", "user", "v1", 101))).isNotEqualTo(key);
        // Moving text from one message to the next is a different prompt.
        assertThat(RecordedExchange.key(new Prompt("r", 1, "ab", "c", "v1", 100)))
                .isNotEqualTo(RecordedExchange.key(new Prompt("r", 1, "a", "bc", "v1", 100)));
    }

    @Test
    void aMissingRecordingNamesItsKeyRequestAttemptCandidateAndDirectory() {
        Prompt third = prompt.forCandidate(3, 3);

        assertThatThrownBy(() -> new ReplayProvider(dir).complete(third)).isInstanceOf(ModelProviderException.class)
                .hasMessage("no recorded exchange " + RecordedExchange.key(third) + ".json for request req-1 attempt 2 candidate 3 in "
                        + dir);
    }

    @Test
    void corruptJsonIsAClearFailureThatDoesNotQuoteTheFile() throws Exception {
        Path file = RecordedExchange.file(dir, prompt);
        Files.writeString(file, "{\"format\": \"assay-exchange/1\", \"user\": secret-prompt-text");

        assertThatThrownBy(() -> new ReplayProvider(dir).complete(prompt)).isInstanceOf(ModelProviderException.class)
                .hasMessageStartingWith("recorded exchange " + file.getFileName() + " is not valid JSON (line 1, column ")
                .hasMessageNotContaining("secret");

        Files.writeString(file, "");
        assertThatThrownBy(() -> new ReplayProvider(dir).complete(prompt)).isInstanceOf(ModelProviderException.class)
                .hasMessage("recorded exchange " + file.getFileName() + " has no format, expected assay-exchange/1");
    }

    @Test
    void anotherFormatIsRefusedByName() throws Exception {
        Path file = record(prompt, new Completion("answer", 1, 2, "m"));
        Files.writeString(file, Files.readString(file).replace("assay-exchange/1", "assay-exchange/2"));

        assertThatThrownBy(() -> new ReplayProvider(dir).complete(prompt)).isInstanceOf(ModelProviderException.class)
                .hasMessage("recorded exchange " + file.getFileName() + " has format 'assay-exchange/2', expected assay-exchange/1");
    }

    @Test
    void aRecordingWithABadOrMissingFieldIsRefused() throws Exception {
        Path file = record(prompt, new Completion("answer", 1, 2, "m"));
        String good = Files.readString(file);

        Files.writeString(file, good.replace("\"MARKDOWN\"", "\"HTML\""));
        assertThatThrownBy(() -> new ReplayProvider(dir).complete(prompt)).isInstanceOf(ModelProviderException.class)
                .hasMessage("recorded exchange " + file.getFileName() + " does not match assay-exchange/1 at field 'completion.format'");

        Files.writeString(file, good.replaceAll("\"completion\"\\s*:", "\"answer\":"));
        assertThatThrownBy(() -> new ReplayProvider(dir).complete(prompt)).isInstanceOf(ModelProviderException.class)
                .hasMessage("recorded exchange " + file.getFileName() + " does not match assay-exchange/1 at field 'answer'");

        Files.writeString(file, good.replaceAll("\"text\"\\s*:\\s*\"answer\",", ""));
        assertThatThrownBy(() -> new ReplayProvider(dir).complete(prompt)).isInstanceOf(ModelProviderException.class)
                .hasMessageStartingWith("recorded exchange " + file.getFileName() + " is incomplete");
    }

    @Test
    void aRecordingRenamedToAnotherPromptsKeyIsRefused() throws Exception {
        Path recorded = record(prompt, new Completion("answer to user", 1, 2, "m"));
        Prompt other = new Prompt("req-1", 2, "system", "another user", "v1", 100);
        Files.copy(recorded, RecordedExchange.file(dir, other));

        assertThat(new ReplayProvider(dir).complete(prompt).text()).isEqualTo("answer to user");
        assertThatThrownBy(() -> new ReplayProvider(dir).complete(other)).isInstanceOf(ModelProviderException.class)
                .hasMessage("recorded exchange " + RecordedExchange.key(other) + ".json was recorded for another prompt (renamed or edited)");
    }

    @Test
    void aRecordingIsReplacedWholeWhenTheSamePromptIsRecordedAgain() throws Exception {
        record(prompt, new Completion("old", 1, 2, "m"));
        record(new Prompt("req-2", 1, "system", "user", "v1", 100), new Completion("new", 3, 4, "m2"));

        assertThat(new ReplayProvider(dir).complete(prompt)).isEqualTo(new Completion("new", 3, 4, "m2"));
        try (var files = Files.list(dir)) {
            assertThat(files).hasSize(1);
        }
    }
}
