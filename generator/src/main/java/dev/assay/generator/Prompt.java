package dev.assay.generator;

/**
 * One model call's input: a system message and a user message, rendered from template {@code templateVersion}.
 *
 * @param maxOutputTokens the most tokens the model may answer with
 */
public record Prompt(String requestId, int attempt, String system, String user, String templateVersion, int maxOutputTokens) {
}
