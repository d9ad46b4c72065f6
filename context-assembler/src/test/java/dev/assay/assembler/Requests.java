package dev.assay.assembler;

import dev.assay.avro.ArtifactKind;
import dev.assay.avro.AssayRequest;
import dev.assay.avro.Language;
import dev.assay.avro.SourceFile;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Test fixtures: a valid request to start from. */
final class Requests {
    private Requests() {
    }

    static SourceFile file(String path, String content) {
        return SourceFile.newBuilder().setPath(path).setContent(content).build();
    }

    static AssayRequest.Builder valid() {
        return AssayRequest.newBuilder().setRequestId("req-1").setTenant("default")
                .setTask("Implement slugify(text) in slug.py so the tests in test_slug.py pass.")
                .setLanguage(Language.PYTHON).setArtifactKind(ArtifactKind.LIBRARY_CODE)
                .setTargetPaths(List.of("slug.py"))
                .setFiles(List.of(file("test_slug.py", "from slug import slugify\n\ndef test_basic():\n    assert slugify('A b') == 'a-b'\n")))
                .setRepository(null).setMaxAttempts(3).setTokenBudget(8000).setMetadata(Map.of())
                .setSubmittedAt(Instant.EPOCH);
    }
}
