package dev.assay.registry;

import dev.assay.avro.ArtifactKind;
import dev.assay.avro.AssayRequest;
import dev.assay.avro.Language;
import dev.assay.avro.RepositoryRef;
import dev.assay.avro.SourceFile;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A fully populated request, so a round trip exercises strings, enums, arrays, records, maps and timestamps. */
final class AssayRequests {
    static final Instant SUBMITTED_AT = Instant.parse("2026-11-23T10:15:30.123Z");

    private AssayRequests() {
    }

    static AssayRequest sample(String requestId) {
        return AssayRequest.newBuilder()
                .setRequestId(requestId)
                .setTenant("acme")
                .setTask("Write slugify(s) that lower-cases and joins words with '-'")
                .setLanguage(Language.PYTHON)
                .setArtifactKind(ArtifactKind.LIBRARY_CODE)
                .setTargetPaths(List.of("slug.py"))
                .setFiles(List.of(new SourceFile("test_slug.py", "from slug import slugify\n")))
                .setRepository(new RepositoryRef("https://git.example.com/acme/slug.git", "main"))
                .setMaxAttempts(2)
                .setTokenBudget(4000)
                .setCandidates(2)
                .setMetadata(Map.of("origin", "interop"))
                .setSubmittedAt(SUBMITTED_AT)
                .build();
    }
}
