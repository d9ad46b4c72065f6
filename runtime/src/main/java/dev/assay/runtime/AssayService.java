package dev.assay.runtime;

/** The lifecycle every Assay service has; the health endpoint and the launcher drive it. */
public interface AssayService extends AutoCloseable {

    String name();

    void start();

    /** Idempotent; returns when the service has stopped consuming and flushed what it owes. */
    void stop();

    /** False once the service cannot recover by itself (the pod should be restarted). */
    boolean isAlive();

    /** True while the service is consuming and producing normally. */
    boolean isReady();

    @Override
    default void close() {
        stop();
    }
}
