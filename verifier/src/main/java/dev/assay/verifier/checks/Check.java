package dev.assay.verifier.checks;

import dev.assay.avro.Finding;
import java.util.List;

/** One deterministic static or security check over an attempt's generated files and sandbox output. */
public interface Check {

    /** Stable id, prefixed by the check's area, e.g. {@code python.subprocess}; it ends up in {@link Finding#getCheck()}. */
    String id();

    /** The findings for this attempt; empty when the check has nothing to say. */
    List<Finding> inspect(CheckSubject subject);
}
