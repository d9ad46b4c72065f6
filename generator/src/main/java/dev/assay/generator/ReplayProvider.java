package dev.assay.generator;

import java.nio.file.Path;

/**
 * Answers from exchanges saved by {@link RecordingProvider}, without a network: the recording whose key matches the
 * prompt's messages, token limit and candidate gives the completion (text, tokens, model and format as recorded), or
 * its failure is thrown again. Request id and attempt do not matter, so a replayed run may use fresh ids. Not
 * {@link #scripted()}: the texts were written by a real model.
 */
public final class ReplayProvider implements ModelProvider {
    public static final String NAME = "replay";

    private final Path dir;

    public ReplayProvider(Path dir) {
        this.dir = dir;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String model() {
        return NAME;
    }

    @Override
    public Completion complete(Prompt prompt) throws ModelProviderException {
        Path file = RecordedExchange.file(dir, prompt);
        RecordedExchange exchange = RecordedExchange.read(file).orElseThrow(() -> new ModelProviderException(
                "no recorded exchange " + file.getFileName() + " for request " + prompt.requestId() + " attempt "
                        + prompt.attempt() + " candidate " + prompt.candidate() + " in " + dir));
        if (!exchange.answers(prompt)) {
            throw new ModelProviderException("recorded exchange " + file.getFileName()
                    + " was recorded for another prompt (renamed or edited)");
        }
        return exchange.replay();
    }
}
