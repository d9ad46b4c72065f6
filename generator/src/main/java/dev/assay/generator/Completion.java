package dev.assay.generator;

/**
 * A model's answer to one {@link Prompt}.
 *
 * @param model the model that answered, as the provider reports it
 */
public record Completion(String text, int tokensIn, int tokensOut, String model) {
}
