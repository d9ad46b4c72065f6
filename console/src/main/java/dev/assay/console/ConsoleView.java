package dev.assay.console;

import java.util.List;
import java.util.Optional;

/** The requests the console shows; served from the Kafka Streams store in production, from a map in tests. */
public interface ConsoleView {

    /** The request's view, if any of its records has been seen. */
    Optional<RequestView> find(String requestId);

    /** Every request seen (pending and closed), in no particular order. */
    List<RequestView> all();

    /** False while the view is still being built (the store is not queryable yet). */
    boolean ready();
}
