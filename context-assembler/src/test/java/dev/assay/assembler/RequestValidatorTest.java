package dev.assay.assembler;

import static dev.assay.assembler.Requests.file;
import static dev.assay.assembler.Requests.valid;
import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.avro.ArtifactKind;
import dev.assay.avro.Language;
import dev.assay.avro.RepositoryRef;
import dev.assay.runtime.AssayConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestValidatorTest {
    static final RepositorySource NO_REPOSITORIES = new RepositorySource(RepositoryLimits.from(AssayConfig.of(Map.of())));
    private final RequestValidator validator = new RequestValidator(AssemblerConfig.defaults(), NO_REPOSITORIES);

    @Test
    void acceptsAValidRequestWithOrWithoutKey() {
        assertThat(validator.validate("req-1", valid().build())).isEmpty();
        assertThat(validator.validate(null, valid().build())).isEmpty();
    }

    @Test
    void acceptsArtifactKindOther() {
        assertThat(validator.validate("req-1", valid().setArtifactKind(ArtifactKind.OTHER).build())).isEmpty();
    }

    @Test
    void rejectsBlankIdAndTaskAndReportsBoth() {
        assertThat(validator.validate(null, valid().setRequestId(" ").setTask("").build()))
                .containsExactly("requestId is blank", "task is blank");
    }

    @Test
    void rejectsKeyThatDiffersFromRequestId() {
        assertThat(validator.validate("other", valid().build())).containsExactly("record key does not match requestId");
    }

    @Test
    void rejectsUnknownAndUnsupportedLanguages() {
        assertThat(validator.validate("req-1", valid().setLanguage(Language.UNKNOWN).build()))
                .singleElement().asString().startsWith("language is missing");
        RequestValidator pythonOnly = new RequestValidator(AssemblerConfig.from(AssayConfig.of(Map.of("assembler.languages", "python"))), NO_REPOSITORIES);
        assertThat(pythonOnly.validate("req-1", valid().setLanguage(Language.JAVA).build()))
                .containsExactly("language JAVA is not supported (supported: [PYTHON])");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 11, 1000})
    void rejectsMaxAttemptsOutsideOneToTen(int attempts) {
        assertThat(validator.validate("req-1", valid().setMaxAttempts(attempts).build()))
                .containsExactly("maxAttempts " + attempts + " is outside 1..10");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -2, 11})
    void rejectsCandidatesOutsideOneToTen(int candidates) {
        assertThat(validator.validate("req-1", valid().setCandidates(candidates).build()))
                .containsExactly("candidates " + candidates + " is outside 1..10");
    }

    @Test
    void acceptsCandidatesInRangeOrUnset() {
        assertThat(validator.validate("req-1", valid().setCandidates(null).build())).isEmpty();
        assertThat(validator.validate("req-1", valid().setCandidates(1).build())).isEmpty();
        assertThat(validator.validate("req-1", valid().setCandidates(10).build())).isEmpty();
    }

    @Test
    void acceptsMaxAttemptsBounds() {
        assertThat(validator.validate("req-1", valid().setMaxAttempts(1).build())).isEmpty();
        assertThat(validator.validate("req-1", valid().setMaxAttempts(10).build())).isEmpty();
    }

    @Test
    void rejectsTokenBudgetOutsideBounds() {
        assertThat(validator.validate("req-1", valid().setTokenBudget(10).build()))
                .containsExactly("tokenBudget 10 is outside 256..64000");
        assertThat(validator.validate("req-1", valid().setTokenBudget(64_001).build()))
                .containsExactly("tokenBudget 64001 is outside 256..64000");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc/passwd", "../secrets.py", "src/../../x.py", "C:/x.py", "a\\b.py", "a//b.py", "./a.py",
            "src/", "~/x.py", "a\u0000b.py", ""})
    void rejectsUnsafeFilePaths(String path) {
        assertThat(validator.validate("req-1", valid().setFiles(List.of(file(path, "x = 1"))).build()))
                .singleElement().asString().startsWith("file path '");
    }

    @Test
    void rejectsUnsafeTargetPathsWithoutQuotingControlCharacters() {
        assertThat(validator.validate("req-1", valid().setTargetPaths(List.of("../../etc/cron.d/x", "ok.py", "ok.py", "x\ny")).build()))
                .containsExactly("target path '../../etc/cron.d/x' contains '..'", "target path 'ok.py' is listed twice",
                        "target path 'x?y' contains control characters");
    }

    @Test
    void acceptsNestedRelativePaths() {
        assertThat(validator.validate("req-1", valid().setTargetPaths(List.of("src/pkg/slug.py", "tests/.hidden/x.py")).build())).isEmpty();
    }

    @Test
    void rejectsDuplicateFilePaths() {
        assertThat(validator.validate("req-1", valid().setFiles(List.of(file("a.py", "1"), file("a.py", "2"))).build()))
                .containsExactly("file path 'a.py' is listed twice");
    }

    @Test
    void rejectsTooManyAndTooLargeFiles() {
        AssemblerConfig small = AssemblerConfig.from(AssayConfig.of(Map.of("assembler.max.files", "2",
                "assembler.max.file.bytes", "10", "assembler.max.total.bytes", "15")));
        RequestValidator v = new RequestValidator(small, NO_REPOSITORIES);
        assertThat(v.validate("req-1", valid().setFiles(List.of(file("a.py", "1"), file("b.py", "2"), file("c.py", "3"))).build()))
                .containsExactly("files has 3 entries, more than 2");
        assertThat(v.validate("req-1", valid().setFiles(List.of(file("a.py", "12345678901"), file("b.py", "123456"))).build()))
                .containsExactly("file 'a.py' has 11 bytes, more than 10", "files total 17 bytes, more than 15");
    }

    @Test
    void rejectsRepositoryReferencesWhenNoSourceIsConfigured() {
        RepositoryRef repo = RepositoryRef.newBuilder().setUrl("https://git.example.com/x.git").setRef(null).build();
        assertThat(validator.validate("req-1", valid().setRepository(repo).build()))
                .containsExactly("repository context is not enabled on this assembler; send the files inline");
    }

    @Test
    void rejectsDisallowedRepositoryReferencesWithoutEchoingTheUrl() {
        RepositorySource github = new RepositorySource(RepositoryLimits.from(AssayConfig.of(Map.of("assembler.repository.git.hosts", "github.com"))));
        RequestValidator v = new RequestValidator(AssemblerConfig.defaults(), github);
        RepositoryRef withCredentials = RepositoryRef.newBuilder().setUrl("https://user:hunter2@github.com/x.git").setRef(null).build();
        List<String> problems = v.validate("req-1", valid().setRepository(withCredentials).build());
        assertThat(problems).containsExactly("repository url must not carry credentials");
        assertThat(String.join(";", problems)).doesNotContain("hunter2");
        assertThat(v.validate("req-1", valid().setRepository(RepositoryRef.newBuilder().setUrl("https://169.254.169.254/x.git").setRef(null).build()).build()))
                .containsExactly("repository host is not in assembler.repository.git.hosts");
        assertThat(v.validate("req-1", valid().setRepository(RepositoryRef.newBuilder().setUrl("ssh://git@github.com/x.git").setRef(null).build()).build()))
                .containsExactly("repository url scheme 'ssh' is not supported (https or a local path)");
        assertThat(v.validate("req-1", valid().setRepository(RepositoryRef.newBuilder().setUrl("/srv/repos/x").setRef(null).build()).build()))
                .containsExactly("local repository paths are not enabled on this assembler");
        assertThat(v.validate("req-1", valid().setRepository(RepositoryRef.newBuilder().setUrl("https://github.com/a/b.git").setRef("--upload-pack=x").build()).build()))
                .containsExactly("repository ref is not a plain branch or tag name");
        assertThat(v.validate("req-1", valid().setRepository(RepositoryRef.newBuilder().setUrl("https://github.com/a/b.git").setRef("v1.2").build()).build()))
                .isEmpty();
    }

    @Test
    void rejectsOverlongTask() {
        RequestValidator v = new RequestValidator(AssemblerConfig.from(AssayConfig.of(Map.of("assembler.max.task.chars", "5"))), NO_REPOSITORIES);
        assertThat(v.validate("req-1", valid().setTask("too long").build())).containsExactly("task is longer than 5 characters");
    }
}
