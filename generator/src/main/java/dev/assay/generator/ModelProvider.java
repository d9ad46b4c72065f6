package dev.assay.generator;

/**
 * One model back end (a handler per external system). Implementations make the call, including their own retries,
 * and report a failure they cannot recover from as a {@link ModelProviderException} whose message is safe to show
 * (no keys, no prompt text).
 */
public interface ModelProvider extends AutoCloseable {

    /** Short name recorded on every Generation, e.g. {@code openai}, {@code anthropic}, {@code scripted}. */
    String name();

    /** The model asked for, recorded when the call fails before the provider names one. */
    String model();

    /** True when completions are canned rather than written by a model. */
    default boolean scripted() {
        return false;
    }

    Completion complete(Prompt prompt) throws ModelProviderException;

    /** Releases connections and threads; the default holds none. */
    @Override
    default void close() {
    }
}
