package dev.assay.generator;

/**
 * One model call's input: a system message and a user message, rendered from template {@code templateVersion}.
 *
 * @param maxOutputTokens the most tokens the model may answer with
 * @param candidate which of the attempt's {@code candidates} this call produces (1-based); every candidate of an
 *     attempt gets the same messages, so they differ only by the model's sampling
 */
public record Prompt(String requestId, int attempt, String system, String user, String templateVersion, int maxOutputTokens,
        int candidate, int candidates) {

    public Prompt {
        if (candidates < 1 || candidate < 1 || candidate > candidates) {
            throw new IllegalArgumentException("candidate " + candidate + " of " + candidates + " is not a valid candidate");
        }
    }

    /** The only candidate of its attempt. */
    public Prompt(String requestId, int attempt, String system, String user, String templateVersion, int maxOutputTokens) {
        this(requestId, attempt, system, user, templateVersion, maxOutputTokens, 1, 1);
    }

    /** The same messages, for candidate {@code candidate} of {@code candidates}. */
    public Prompt forCandidate(int candidate, int candidates) {
        return new Prompt(requestId, attempt, system, user, templateVersion, maxOutputTokens, candidate, candidates);
    }
}
