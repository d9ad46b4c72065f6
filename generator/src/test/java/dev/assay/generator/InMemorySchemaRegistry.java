package dev.assay.generator;

import dev.assay.schemas.registry.SchemaRegistryClient;
import dev.assay.schemas.registry.SchemaRegistryException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/** A schema registry in memory, for tests that build the real topic catalogue without a registry server. */
final class InMemorySchemaRegistry implements SchemaRegistryClient {
    private final Map<String, Integer> ids = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemas = new ConcurrentHashMap<>();

    @Override
    public synchronized int register(String subject, Schema schema) {
        return ids.computeIfAbsent(schema.toString(), s -> {
            int id = schemas.size() + 1;
            schemas.put(id, schema);
            return id;
        });
    }

    @Override
    public int lookupId(String subject, Schema schema) {
        return register(subject, schema);
    }

    @Override
    public Schema schemaById(int id) {
        Schema schema = schemas.get(id);
        if (schema == null) {
            throw new SchemaRegistryException(404, 40403, "schema " + id + " not found");
        }
        return schema;
    }
}
