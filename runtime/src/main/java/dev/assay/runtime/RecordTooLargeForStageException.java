package dev.assay.runtime;

/**
 * A record larger than the stage accepts: an input is dead-lettered unread; an input whose output would be too large
 * for the topic is dead-lettered too, rather than failing its transaction (and retrying it) forever.
 */
public final class RecordTooLargeForStageException extends RuntimeException {
    public RecordTooLargeForStageException(int size, int limit) {
        super("record of " + size + " bytes exceeds this stage's limit of " + limit + " bytes");
    }

    public RecordTooLargeForStageException(String outputTopic, int size, int limit) {
        super("output to " + outputTopic + " of " + size + " bytes exceeds this stage's limit of " + limit + " bytes");
    }
}
