package dev.assay.verifier;

import dev.assay.schemas.registry.SchemaRegistryClient;
import dev.assay.schemas.registry.SchemaRegistryException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.Schema;

/** A schema registry in memory with Confluent's semantics (global ids, idempotent register, 404s), and an off switch. */
public final class InMemorySchemaRegistry implements SchemaRegistryClient {
    private final Map<Schema, Integer> ids = new HashMap<>();
    private final Map<Integer, Schema> schemas = new HashMap<>();
    private final Map<String, Map<Schema, Integer>> subjects = new HashMap<>();
    private final AtomicBoolean available = new AtomicBoolean(true);

    /** While false, every call fails as an unreachable registry does (status -1). */
    public void setAvailable(boolean up) {
        available.set(up);
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        checkAvailable();
        int id = ids.computeIfAbsent(schema, s -> {
            int next = ids.size() + 1;
            schemas.put(next, s);
            return next;
        });
        subjects.computeIfAbsent(subject, s -> new HashMap<>()).put(schema, id);
        return id;
    }

    @Override
    public synchronized int lookupId(String subject, Schema schema) {
        checkAvailable();
        Integer id = subjects.getOrDefault(subject, Map.of()).get(schema);
        if (id == null) {
            throw new SchemaRegistryException(404, 40403, "schema not found under " + subject);
        }
        return id;
    }

    @Override
    public synchronized Schema schemaById(int id) {
        checkAvailable();
        Schema schema = schemas.get(id);
        if (schema == null) {
            throw new SchemaRegistryException(404, 40403, "schema " + id + " not found");
        }
        return schema;
    }

    private void checkAvailable() {
        if (!available.get()) {
            throw new SchemaRegistryException("registry unreachable", new java.net.ConnectException("connection refused"));
        }
    }
}
