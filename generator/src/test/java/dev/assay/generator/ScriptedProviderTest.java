package dev.assay.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScriptedProviderTest {
    @TempDir
    Path dir;

    private Prompt prompt(String id, int attempt) {
        return new Prompt(id, attempt, "system", "user", "v1", 100);
    }

    @Test
    void answersWithTheFileForTheAttempt() throws Exception {
        Files.writeString(dir.resolve("req-1.attempt-1.md"), "first");
        Files.writeString(dir.resolve("req-1.attempt-2.md"), "second");
        ScriptedProvider provider = new ScriptedProvider(dir);

        assertThat(provider.complete(prompt("req-1", 1)).text()).isEqualTo("first");
        Completion second = provider.complete(prompt("req-1", 2));
        assertThat(second.text()).isEqualTo("second");
        assertThat(second.model()).isEqualTo("scripted");
        assertThat(provider.scripted()).isTrue();
        assertThat(provider.name()).isEqualTo("scripted");
    }

    @Test
    void fallsBackToTheHighestEarlierAttempt() throws Exception {
        Files.writeString(dir.resolve("req-1.attempt-1.md"), "first");
        Files.writeString(dir.resolve("req-1.attempt-3.md"), "third");
        Files.writeString(dir.resolve("req-1.attempt-9.md"), "ninth");
        Files.writeString(dir.resolve("req-10.attempt-4.md"), "other request");
        ScriptedProvider provider = new ScriptedProvider(dir);

        assertThat(provider.complete(prompt("req-1", 2)).text()).isEqualTo("first");
        assertThat(provider.complete(prompt("req-1", 5)).text()).isEqualTo("third");
    }

    @Test
    void aCandidateFileAnswersItsCandidateAndTheAttemptFileTheOthers() throws Exception {
        Files.writeString(dir.resolve("req-1.attempt-1.md"), "any candidate");
        Files.writeString(dir.resolve("req-1.attempt-1.candidate-2.md"), "second candidate");
        Files.writeString(dir.resolve("req-1.attempt-2.candidate-1.md"), "attempt 2, first candidate");
        ScriptedProvider provider = new ScriptedProvider(dir);

        assertThat(provider.complete(prompt("req-1", 1).forCandidate(1, 3)).text()).isEqualTo("any candidate");
        assertThat(provider.complete(prompt("req-1", 1).forCandidate(2, 3)).text()).isEqualTo("second candidate");
        assertThat(provider.complete(prompt("req-1", 1).forCandidate(3, 3)).text()).isEqualTo("any candidate");
        assertThat(provider.complete(prompt("req-1", 2).forCandidate(1, 2)).text()).isEqualTo("attempt 2, first candidate");
        assertThat(provider.complete(prompt("req-1", 2).forCandidate(2, 2)).text())
                .as("no file for this attempt and candidate: the earlier attempt's file answers").isEqualTo("any candidate");
    }

    @Test
    void failsWhenNoAttemptFileIsAtOrBelowTheAttempt() throws Exception {
        Files.writeString(dir.resolve("req-1.attempt-3.md"), "third");
        ScriptedProvider provider = new ScriptedProvider(dir);

        assertThatThrownBy(() -> provider.complete(prompt("req-1", 2))).isInstanceOf(ModelProviderException.class)
                .hasMessage("no scripted completion for request req-1 attempt 2");
        assertThatThrownBy(() -> provider.complete(prompt("req-2", 1))).hasMessage("no scripted completion for request req-2 attempt 1");
    }

    @Test
    void refusesRequestIdsThatWouldLeaveTheDirectory() throws Exception {
        Files.writeString(dir.resolve("secret.attempt-1.md"), "not for you");
        Path sub = Files.createDirectory(dir.resolve("scripts"));
        ScriptedProvider provider = new ScriptedProvider(sub);

        assertThatThrownBy(() -> provider.complete(prompt("../secret", 1))).isInstanceOf(ModelProviderException.class)
                .hasMessageContaining("not usable as a file name");
    }
}
