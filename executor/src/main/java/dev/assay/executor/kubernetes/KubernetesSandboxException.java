package dev.assay.executor.kubernetes;

/** The Kubernetes sandbox could not run the request (not: the code inside failed). */
public class KubernetesSandboxException extends Exception {

    /** Why; decides whether retrying later can help. */
    public enum Reason {
        /** The request cannot become a valid Job (bad path, unknown language). Retrying will not help. */
        INVALID_REQUEST,
        /** The workspace does not fit into a ConfigMap. Retrying will not help. */
        WORKSPACE_TOO_LARGE,
        /** The executor's credentials were rejected (401). */
        UNAUTHORIZED,
        /** The executor's ServiceAccount lacks RBAC for an operation (403). */
        FORBIDDEN,
        /** A ResourceQuota in the sandbox namespace is exhausted (403 exceeded quota); may clear up later. */
        QUOTA_EXCEEDED,
        /** The API server refused the object (400, 404 namespace, 422 ...). */
        REJECTED,
        /** A Job or ConfigMap with this name exists but belongs to another request. */
        NAME_CONFLICT,
        /** The API server kept failing (5xx, 429, connection errors) after the bounded retries. */
        API_UNAVAILABLE,
        /** The executor thread was interrupted (shutdown); the Job was deleted. */
        INTERRUPTED
    }

    private final Reason reason;

    public KubernetesSandboxException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public KubernetesSandboxException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** True when the same request may succeed later without a change on the caller's side. */
    public boolean retriable() {
        return reason == Reason.API_UNAVAILABLE || reason == Reason.QUOTA_EXCEEDED || reason == Reason.INTERRUPTED;
    }
}
