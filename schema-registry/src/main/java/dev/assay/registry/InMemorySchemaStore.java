package dev.assay.registry;

import java.util.ArrayList;
import java.util.List;

/**
 * A log in this JVM's memory, for tests and throwaway single-process runs: it survives a registry restart
 * (reuse the instance), not a JVM restart.
 */
public final class InMemorySchemaStore implements SchemaStore {
    private final List<StoreEntry> log = new ArrayList<>();
    private int position;

    @Override
    public synchronized void start() {
        position = 0;
    }

    @Override
    public synchronized List<StoreEntry> readToEnd() {
        List<StoreEntry> unread = List.copyOf(log.subList(position, log.size()));
        position = log.size();
        return unread;
    }

    @Override
    public synchronized void append(StoreEntry entry) {
        log.add(entry);
    }

    /** Every entry ever appended, oldest first. */
    public synchronized List<StoreEntry> entries() {
        return List.copyOf(log);
    }

    @Override
    public void close() {
        // Nothing is held open: the entries must outlive the registry so that a restart can replay them.
    }
}
