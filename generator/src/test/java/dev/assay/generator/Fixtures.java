package dev.assay.generator;

import dev.assay.avro.ArtifactKind;
import dev.assay.avro.AssayRequest;
import dev.assay.avro.AssembledContext;
import dev.assay.avro.ContextFile;
import dev.assay.avro.InclusionReason;
import dev.assay.avro.Language;
import dev.assay.avro.SourceFile;
import dev.assay.runtime.AssayConfig;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Test fixtures: a request for slug.py with its test, and the context the assembler would make of it. */
final class Fixtures {
    static final String TEST_FILE = "from slug import slugify\n\ndef test_basic():\n    assert slugify('A b') == 'a-b'\n";

    private Fixtures() {
    }

    static SourceFile file(String path, String content) {
        return SourceFile.newBuilder().setPath(path).setContent(content).build();
    }

    static AssayRequest.Builder request() {
        return AssayRequest.newBuilder().setRequestId("req-1").setTenant("default")
                .setTask("Implement slugify(text) in slug.py so the tests in test_slug.py pass.")
                .setLanguage(Language.PYTHON).setArtifactKind(ArtifactKind.LIBRARY_CODE)
                .setTargetPaths(List.of("slug.py")).setFiles(List.of(file("test_slug.py", TEST_FILE)))
                .setRepository(null).setMaxAttempts(3).setTokenBudget(8000).setMetadata(Map.of()).setSubmittedAt(Instant.EPOCH);
    }

    static AssembledContext context(AssayRequest request, List<ContextFile> files) {
        return AssembledContext.newBuilder().setRequestId(request.getRequestId()).setRequest(request).setFiles(files)
                .setOmittedPaths(List.of()).setTotalTokens(100).setRedactions(List.of()).setAssembledAt(Instant.EPOCH).build();
    }

    static AssembledContext context() {
        AssayRequest request = request().build();
        return context(request, List.of(ContextFile.newBuilder().setPath("test_slug.py").setContent(TEST_FILE)
                .setReason(InclusionReason.EXISTING_TEST).setScore(1.0).setTokens(40).setOutlineOnly(false).build()));
    }

    static GeneratorConfig config(String scriptedDir) {
        return GeneratorConfig.from(AssayConfig.of(Map.of("generator.scripted.dir", scriptedDir)));
    }
}
