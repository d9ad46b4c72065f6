package dev.assay.runtime;

/** An input record larger than the stage accepts; it is dead-lettered unread rather than deserialized. */
public final class RecordTooLargeForStageException extends RuntimeException {
    public RecordTooLargeForStageException(int size, int limit) {
        super("record of " + size + " bytes exceeds this stage's limit of " + limit + " bytes");
    }
}
