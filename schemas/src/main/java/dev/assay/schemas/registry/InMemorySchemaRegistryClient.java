package dev.assay.schemas.registry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;

/**
 * A registry held in memory, with Confluent's id semantics (one global id per distinct schema), for topology tests
 * and tools that run without a registry server. {@link #setAvailable(boolean)} simulates an outage.
 */
public final class InMemorySchemaRegistryClient implements SchemaRegistryClient {
    private final Map<String, Integer> idsBySchema = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<String, Integer> idsBySubjectAndSchema = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(1);
    private volatile boolean available = true;

    @Override
    public synchronized int register(String subject, Schema schema) {
        checkAvailable();
        int id = idsBySchema.computeIfAbsent(schema.toString(), s -> {
            int assigned = nextId.getAndIncrement();
            schemasById.put(assigned, schema);
            return assigned;
        });
        idsBySubjectAndSchema.put(subject + '\u0000' + schema, id);
        return id;
    }

    @Override
    public int lookupId(String subject, Schema schema) {
        checkAvailable();
        Integer id = idsBySubjectAndSchema.get(subject + '\u0000' + schema);
        if (id == null) {
            throw new SchemaRegistryException(404, 40403, "Schema not found under subject " + subject);
        }
        return id;
    }

    @Override
    public Schema schemaById(int id) {
        checkAvailable();
        Schema schema = schemasById.get(id);
        if (schema == null) {
            throw new SchemaRegistryException(404, 40403, "Schema " + id + " not found");
        }
        return schema;
    }

    public void setAvailable(boolean available) {
        this.available = available;
    }

    private void checkAvailable() {
        if (!available) {
            throw new SchemaRegistryException("in-memory registry switched off", new java.net.ConnectException("simulated outage"));
        }
    }
}
