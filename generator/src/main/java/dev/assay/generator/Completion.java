package dev.assay.generator;

/**
 * A model's answer to one {@link Prompt}.
 *
 * @param text the answer: markdown with fenced blocks, or for {@link Format#FILES_JSON} the JSON object of
 *     {@link StructuredOutput}
 * @param model the model that answered, as the provider reports it
 */
public record Completion(String text, int tokensIn, int tokensOut, String model, Format format) {

    /** How the answer carries its files. */
    public enum Format {
        /** Fenced code blocks with {@code path=} in markdown. */
        MARKDOWN,
        /** Structured output: JSON of the {@link StructuredOutput} schema. */
        FILES_JSON
    }

    /** A markdown answer. */
    public Completion(String text, int tokensIn, int tokensOut, String model) {
        this(text, tokensIn, tokensOut, model, Format.MARKDOWN);
    }
}
