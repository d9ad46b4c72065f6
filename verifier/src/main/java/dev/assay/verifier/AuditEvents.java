package dev.assay.verifier;

import dev.assay.avro.AuditEvent;
import dev.assay.avro.AuditEventType;
import dev.assay.avro.ExecutionResult;
import java.time.Clock;

/**
 * Builds the audit events the verifier writes: its own (service {@value #SERVICE}), and the executor's EXECUTED event,
 * attested from the execution result itself so that it sits in the chain exactly before the verdict it led to (an
 * event on a second topic could arrive after it). Hashing happens when they are chained.
 */
final class AuditEvents {
    static final String SERVICE = "verifier";
    static final String EXECUTOR = "executor";
    private static final int MAX_DETAIL = 300;

    private final Clock clock;

    AuditEvents(Clock clock) {
        this.clock = clock;
    }

    AuditEvent event(String requestId, AuditEventType type, int attempt, String detail) {
        return event(requestId, type, SERVICE, attempt, detail);
    }

    /** What the executor reported for an attempt; {@code prefix} names the candidate when there are several. */
    AuditEvent executed(ExecutionResult result, String prefix) {
        String detail = prefix + "status=" + result.getStatus() + " policy=" + result.getPolicy() + " backend=" + result.getBackend()
                + " violation=" + result.getViolation() + " tests=" + result.getTests().size()
                + (result.getDetail() == null ? "" : " detail=" + abbreviate(result.getDetail()));
        return event(result.getRequestId(), AuditEventType.EXECUTED, EXECUTOR, result.getAttempt(), detail);
    }

    private AuditEvent event(String requestId, AuditEventType type, String service, int attempt, String detail) {
        return AuditEvent.newBuilder()
                .setRequestId(requestId)
                .setType(type)
                .setService(service)
                .setAttempt(attempt)
                .setDetail(detail)
                // Millisecond precision is what the Avro field keeps; the event written is the event read back.
                .setOccurredAt(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS))
                .setPreviousHash(null)
                .setHash(null)
                .build();
    }

    private static String abbreviate(String text) {
        return text.length() <= MAX_DETAIL ? text : text.substring(0, MAX_DETAIL) + "...";
    }
}
