package dev.assay.runtime;

/**
 * Thrown by a {@link StageHandler} when the input is fine but a dependency is not (a model provider whose circuit is
 * open, an unreachable cluster): the stage loop rewinds the batch and retries it with backoff instead of dead-lettering
 * the input or spending one of the request's attempts.
 */
public class RetriableStageException extends RuntimeException {
    public RetriableStageException(String message, Throwable cause) {
        super(message, cause);
    }
}
