package dev.assay.console;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** {@link ConsoleView} over the {@value ConsoleTopology#STORE} store of a running {@link KafkaStreams}. */
final class StreamsConsoleView implements ConsoleView {
    private final KafkaStreams streams;

    StreamsConsoleView(KafkaStreams streams) {
        this.streams = streams;
    }

    @Override
    public Optional<RequestView> find(String requestId) {
        return Optional.ofNullable(store().get(requestId));
    }

    @Override
    public List<RequestView> all() {
        List<RequestView> views = new ArrayList<>();
        try (KeyValueIterator<String, RequestView> it = store().all()) {
            while (it.hasNext()) {
                KeyValue<String, RequestView> next = it.next();
                views.add(next.value);
            }
        }
        return views;
    }

    @Override
    public boolean ready() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    private ReadOnlyKeyValueStore<String, RequestView> store() {
        try {
            return streams.store(StoreQueryParameters.fromNameAndType(ConsoleTopology.STORE, QueryableStoreTypes.keyValueStore()));
        } catch (InvalidStateStoreException e) {
            throw new ViewUnavailableException("the console's view is not queryable yet (" + streams.state() + ")", e);
        }
    }

    /** The store cannot be read right now (starting, rebalancing); the page says so with 503. */
    static final class ViewUnavailableException extends RuntimeException {
        ViewUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
