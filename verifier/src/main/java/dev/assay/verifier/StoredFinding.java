package dev.assay.verifier;

import dev.assay.avro.Finding;
import dev.assay.avro.Severity;
import java.util.List;

/** A check finding as plain data, for state kept as JSON (see {@link StoredFile}). */
public record StoredFinding(String check, String severity, String message, String path, Integer line) {

    public static List<StoredFinding> of(List<Finding> findings) {
        return findings.stream().map(f -> new StoredFinding(f.getCheck(), f.getSeverity().name(), f.getMessage(), f.getPath(),
                f.getLine())).toList();
    }

    public static List<Finding> toAvro(List<StoredFinding> findings) {
        return findings.stream().map(f -> new Finding(f.check(), Severity.valueOf(f.severity()), f.message(), f.path(), f.line()))
                .toList();
    }
}
