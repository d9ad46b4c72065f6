package dev.assay.executor.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assay.avro.Finding;
import dev.assay.avro.Severity;
import dev.assay.executor.analysis.Analysis;
import java.util.List;

/**
 * Tampering as findings (check {@code tampering/<rule>}, rules from harness/PROTOCOL.md): from the static analysis of
 * the generated files, from integrity events the harness saw at run time, and from a broken report channel. A
 * CRITICAL one makes the execution TAMPERED; a MEDIUM one (reading the environment) is only shown to the reviewer.
 */
public final class Tampering {
    /** The prefix of every tampering finding's check. */
    public static final String CHECK_PREFIX = "tampering/";
    private static final int SHOWN = 3;

    private Tampering() {
    }

    public static boolean isTampering(Finding finding) {
        return finding.getCheck().startsWith(CHECK_PREFIX) && finding.getSeverity() == Severity.CRITICAL;
    }

    /** A static analysis finding. */
    public static Finding finding(Analysis.StaticFinding f) {
        Severity severity = switch (f.severity()) {
            case CRITICAL -> Severity.CRITICAL;
            case HIGH -> Severity.HIGH;
            case MEDIUM -> Severity.MEDIUM;
        };
        return Finding.newBuilder().setCheck(CHECK_PREFIX + f.rule()).setSeverity(severity).setMessage(f.message())
                .setPath(f.path()).setLine(f.line()).build();
    }

    /** An integrity event the harness saw while the tests ran. */
    public static Finding finding(JsonNode event) {
        return finding(event.path("rule").asText("unknown"), event.path("message").asText("integrity event"),
                event.hasNonNull("path") ? event.get("path").asText() : null,
                event.path("line").canConvertToInt() && !event.path("line").isNull() ? event.get("line").asInt() : null);
    }

    public static Finding finding(String rule, String message, String path, Integer line) {
        return Finding.newBuilder().setCheck(CHECK_PREFIX + rule).setSeverity(Severity.CRITICAL).setMessage(message)
                .setPath(path).setLine(line).build();
    }

    /** The first few findings in one line, for an execution's detail. */
    public static String describe(List<Finding> findings) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(SHOWN, findings.size()); i++) {
            Finding f = findings.get(i);
            out.append(i == 0 ? "" : "; ").append(f.getCheck().substring(f.getCheck().indexOf('/') + 1)).append(": ")
                    .append(f.getMessage());
            if (f.getPath() != null) {
                out.append(" (").append(f.getPath()).append(f.getLine() == null ? "" : ":" + f.getLine()).append(')');
            }
        }
        if (findings.size() > SHOWN) {
            out.append("; +").append(findings.size() - SHOWN).append(" more");
        }
        return out.toString();
    }
}
