package dev.assay.generator;

/** A model call that failed for good; the message becomes the Generation's {@code failureReason}. */
public class ModelProviderException extends Exception {

    public ModelProviderException(String message) {
        super(message);
    }

    public ModelProviderException(String message, Throwable cause) {
        super(message, cause);
    }
}
