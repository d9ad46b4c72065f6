package dev.assay.verifier;

import dev.assay.avro.AuditEvent;
import dev.assay.avro.AuditEventType;
import java.time.Clock;

/** Builds the verifier's own audit events (service {@value #SERVICE}); hashing happens when they are chained. */
final class AuditEvents {
    static final String SERVICE = "verifier";

    private final Clock clock;

    AuditEvents(Clock clock) {
        this.clock = clock;
    }

    AuditEvent event(String requestId, AuditEventType type, int attempt, String detail) {
        return AuditEvent.newBuilder()
                .setRequestId(requestId)
                .setType(type)
                .setService(SERVICE)
                .setAttempt(attempt)
                .setDetail(detail)
                // Millisecond precision is what the Avro field keeps; the event written is the event read back.
                .setOccurredAt(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS))
                .setPreviousHash(null)
                .setHash(null)
                .build();
    }
}
