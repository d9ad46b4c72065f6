package dev.assay.executor.runner;

import java.util.Locale;

/** What a sandbox run is for (harness/PROTOCOL.md "Runs"). */
public enum RunMode {
    /** Run the tests. */
    TEST,
    /** Only compile or syntax-check (a dry run). */
    COMPILE,
    /** Read the request's tests and the generated files without executing them. */
    ANALYZE;

    /** The handshake's name for the mode. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
