package dev.assay.executor;

import dev.assay.avro.ArtifactKind;
import dev.assay.avro.AssayRequest;
import dev.assay.avro.AssembledContext;
import dev.assay.avro.Generation;
import dev.assay.avro.GenerationStatus;
import dev.assay.avro.Language;
import dev.assay.avro.SourceFile;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Test data: generations as the generator would produce them. */
final class Generations {
    private Generations() {
    }

    static SourceFile file(String path, String content) {
        return new SourceFile(path, content);
    }

    static Generation generation(Language language, ArtifactKind kind, List<SourceFile> requestFiles, List<SourceFile> generated) {
        AssayRequest request = AssayRequest.newBuilder()
                .setRequestId("req-1").setTask("write it").setLanguage(language).setArtifactKind(kind)
                .setFiles(new ArrayList<>(requestFiles)).setMetadata(Map.of()).setSubmittedAt(Instant.EPOCH).build();
        AssembledContext context = AssembledContext.newBuilder().setRequestId("req-1").setRequest(request)
                .setAssembledAt(Instant.EPOCH).build();
        return Generation.newBuilder().setRequestId("req-1").setAttempt(1).setContext(context)
                .setStatus(GenerationStatus.OK).setFiles(new ArrayList<>(generated)).setProvider("scripted")
                .setModel("test").setScripted(true).setGeneratedAt(Instant.EPOCH).build();
    }

    static Generation python(List<SourceFile> requestFiles, List<SourceFile> generated) {
        return generation(Language.PYTHON, ArtifactKind.LIBRARY_CODE, requestFiles, generated);
    }

    static Generation failed(String reason) {
        Generation g = python(List.of(), List.of());
        g.setStatus(GenerationStatus.FAILED);
        g.setFailureReason(reason);
        return g;
    }
}
