package dev.assay.registry;

/** Version {@code version} of {@code subject}: the schema (Avro's canonical JSON text) with global id {@code id}. */
public record RegisteredSchema(String subject, int version, int id, String schema) {
}
