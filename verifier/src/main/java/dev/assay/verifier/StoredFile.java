package dev.assay.verifier;

import dev.assay.avro.SourceFile;
import java.util.List;

/**
 * A file as plain data, for state kept as JSON (the verifier's request state, the console's request view): Avro
 * classes are not JSON beans.
 */
public record StoredFile(String path, String content) {

    public static List<StoredFile> of(List<SourceFile> files) {
        return files.stream().map(f -> new StoredFile(f.getPath(), f.getContent())).toList();
    }

    public static List<SourceFile> toSource(List<StoredFile> files) {
        return files == null ? List.of() : files.stream().map(f -> new SourceFile(f.path(), f.content())).toList();
    }
}
