package dev.assay.verifier.checks;

import dev.assay.avro.ArtifactKind;
import dev.assay.avro.Finding;
import dev.assay.avro.Severity;
import dev.assay.avro.SourceFile;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds credentials in the sandbox's stdout/stderr (the code leaked something it could read) and hard-coded in the
 * generated files. Messages name the kind of secret and where it is, never the value.
 */
public final class SecretLeakCheck implements Check {

    @Override
    public String id() {
        return "secrets";
    }

    @Override
    public List<Finding> inspect(CheckSubject subject) {
        List<Finding> findings = new ArrayList<>();
        scan(subject.stdout(), "<stdout>", "secret in sandbox output", false, subject.kind(), findings);
        scan(subject.stderr(), "<stderr>", "secret in sandbox output", false, subject.kind(), findings);
        for (SourceFile file : subject.files()) {
            scan(file.getContent(), file.getPath(), "hard-coded secret", true, subject.kind(), findings);
        }
        return findings;
    }

    private static void scan(String text, String where, String what, boolean inSource, ArtifactKind kind, List<Finding> out) {
        String[] lines = text.split("\n", -1);
        List<SecretPatterns.Shape> shapes = inSource ? SecretPatterns.sourceShapes() : SecretPatterns.SHAPES;
        for (int i = 0; i < lines.length; i++) {
            for (SecretPatterns.Shape shape : shapes) {
                if (shape.pattern().matcher(lines[i]).find()) {
                    out.add(Findings.of("secrets." + shape.kind(), severity(shape, inSource, kind),
                            what + ": " + shape.kind() + " (value withheld)", where, i + 1));
                }
            }
        }
    }

    /** A fixture password in a unit test is a smell, not a leak; a real key format is a leak anywhere. */
    private static Severity severity(SecretPatterns.Shape shape, boolean inSource, ArtifactKind kind) {
        if (inSource && shape.assignment() && kind == ArtifactKind.UNIT_TEST) {
            return Severity.MEDIUM;
        }
        return shape.severity();
    }
}
