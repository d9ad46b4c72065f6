package dev.assay.schemas.registry;

import org.apache.avro.Schema;

/** What Assay's serdes need from a Confluent-compatible schema registry. */
public interface SchemaRegistryClient {

    /** Registers the schema under the subject (idempotent) and returns its global id. */
    int register(String subject, Schema schema);

    /** Id of a schema already registered under the subject; {@link SchemaRegistryException} 404 when absent. */
    int lookupId(String subject, Schema schema);

    /** The schema with this global id; {@link SchemaRegistryException} 404 when unknown. */
    Schema schemaById(int id);
}
