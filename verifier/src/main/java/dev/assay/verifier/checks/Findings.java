package dev.assay.verifier.checks;

import dev.assay.avro.Finding;
import dev.assay.avro.Severity;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/** Small helpers over {@link Finding}s shared by the checks, the verdict and the gate. */
public final class Findings {
    /** Severities that fail an attempt. */
    public static final Set<Severity> BLOCKING = Set.of(Severity.HIGH, Severity.CRITICAL);

    private Findings() {
    }

    public static Finding of(String check, Severity severity, String message, String path, Integer line) {
        return Finding.newBuilder().setCheck(check).setSeverity(severity).setMessage(message).setPath(path)
                .setLine(line).build();
    }

    public static boolean isBlocking(Finding finding) {
        return BLOCKING.contains(finding.getSeverity());
    }

    /** Most severe first, then by location, so summaries and feedback lead with what matters. */
    public static List<Finding> sorted(Collection<Finding> findings) {
        return findings.stream().sorted(Comparator.comparingInt((Finding f) -> -rank(f.getSeverity()))
                .thenComparing(f -> String.valueOf(f.getPath()))
                .thenComparing(f -> f.getLine() == null ? 0 : f.getLine())).toList();
    }

    /** Higher is worse; UNKNOWN ranks with MEDIUM so an unrated finding is neither ignored nor blocking. */
    public static int rank(Severity severity) {
        return switch (severity) {
            case INFO -> 0;
            case LOW -> 1;
            case MEDIUM, UNKNOWN -> 2;
            case HIGH -> 3;
            case CRITICAL -> 4;
        };
    }

    /** {@code [HIGH] python.subprocess at app.py:3 — message}. */
    public static String describe(Finding f) {
        StringBuilder sb = new StringBuilder().append('[').append(f.getSeverity()).append("] ").append(f.getCheck());
        if (f.getPath() != null) {
            sb.append(" at ").append(f.getPath());
            if (f.getLine() != null) {
                sb.append(':').append(f.getLine());
            }
        }
        return sb.append(" — ").append(f.getMessage()).toString();
    }
}
