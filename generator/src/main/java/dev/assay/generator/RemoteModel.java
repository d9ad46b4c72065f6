package dev.assay.generator;

/**
 * One attempt at a model call over the network, without retries: {@link ResilientProvider} adds retries and the
 * circuit breaker around it. Failures are {@link ProviderCallException}s saying whether another attempt may help.
 */
public interface RemoteModel extends AutoCloseable {

    /** Provider name, e.g. {@code openai}. */
    String name();

    /** Configured model name. */
    String model();

    Completion call(Prompt prompt);

    /** Releases the HTTP client's connections and threads. */
    @Override
    void close();
}
