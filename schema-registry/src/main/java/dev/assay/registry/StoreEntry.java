package dev.assay.registry;

import java.util.Objects;

/** One record of the registry's log; the registry's whole state is the fold of these entries in order. */
public sealed interface StoreEntry {

    /** Version {@code version} of {@code subject} is the schema with global id {@code id}. */
    record SchemaVersion(String subject, int version, int id, String schema, boolean deleted) implements StoreEntry {
        public SchemaVersion {
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(schema, "schema");
        }
    }

    /**
     * The compatibility level of {@code subject}, or the global one when {@code subject} is null;
     * a null {@code level} removes the setting (a tombstone in the compacted topic).
     */
    record Config(String subject, CompatibilityLevel level) implements StoreEntry {
    }
}
