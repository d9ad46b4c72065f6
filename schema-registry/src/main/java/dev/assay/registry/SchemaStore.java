package dev.assay.registry;

import java.util.List;

/**
 * The registry's durable log. The registry folds the entries into its state and writes through {@link #append}
 * before it answers a request, so a new registry on the same log rebuilds the same ids and versions.
 * Calls come from one thread at a time (the registry serialises them).
 */
public interface SchemaStore extends AutoCloseable {

    /** Opens the log (creating it if needed) and rewinds, so the next {@link #readToEnd()} returns it all. */
    void start();

    /** The entries appended since the previous call (since {@link #start()} for the first), up to the current end. */
    List<StoreEntry> readToEnd();

    /** Appends one entry and returns once it is durable; {@link RegistryException} 500 / 50001 when it is not. */
    void append(StoreEntry entry);

    /** Idempotent. */
    @Override
    void close();
}
