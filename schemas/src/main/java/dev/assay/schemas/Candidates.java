package dev.assay.schemas;

import dev.assay.avro.Generation;

/** How every service names a candidate in what people read (audit details), so one trail reads alike throughout. */
public final class Candidates {
    private Candidates() {
    }

    /** {@code "candidate 2 of 3: "} before an audit detail, or nothing when the attempt has a single candidate. */
    public static String auditPrefix(Generation generation) {
        return generation.getCandidates() > 1
                ? "candidate " + generation.getCandidate() + " of " + generation.getCandidates() + ": " : "";
    }
}
