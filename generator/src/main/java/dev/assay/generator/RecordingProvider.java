package dev.assay.generator;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Any provider, with every exchange saved for {@link ReplayProvider}: each call's prompt and its completion, or its
 * failure message, go to one {@link RecordedExchange} file in the record directory. Answers and failures pass through
 * unchanged. Safe for concurrent calls: each write goes through its own temporary file.
 */
public final class RecordingProvider implements ModelProvider {
    private static final Logger log = LoggerFactory.getLogger(RecordingProvider.class);

    private final ModelProvider provider;
    private final Path dir;

    /** @param dir created on the first recording if missing */
    public RecordingProvider(ModelProvider provider, Path dir) {
        this.provider = provider;
        this.dir = dir;
    }

    @Override
    public String name() {
        return provider.name();
    }

    @Override
    public String model() {
        return provider.model();
    }

    @Override
    public boolean scripted() {
        return provider.scripted();
    }

    @Override
    public Completion complete(Prompt prompt) throws ModelProviderException {
        Completion completion;
        try {
            completion = provider.complete(prompt);
        } catch (ModelProviderException e) {
            save(RecordedExchange.failed(provider.name(), prompt, e.getMessage(), Instant.now()));
            throw e;
        }
        save(RecordedExchange.answered(provider.name(), prompt, completion, Instant.now()));
        return completion;
    }

    private void save(RecordedExchange exchange) {
        try {
            exchange.writeTo(dir);
        } catch (IOException | RuntimeException e) {
            // The recording is a by-product: losing it must not cost the generation its answer.
            log.warn("could not record the {} exchange for request {} attempt {} candidate {} in {}: {}", exchange.provider(),
                    exchange.requestId(), exchange.attempt(), exchange.candidate(), dir, e.toString());
        }
    }

    @Override
    public void close() {
        provider.close();
    }
}
