package dev.assay.verifier;

import dev.assay.avro.ApprovalRequest;
import dev.assay.avro.AuditEvent;
import dev.assay.avro.FixRequest;
import dev.assay.avro.Outcome;
import dev.assay.avro.Verdict;
import java.util.List;

/**
 * What one input does to one request: the new state (null: unchanged) and the records to write. Any of the records
 * may be null. An ignored input changes nothing and says why; a rejected one goes to the dead-letter topic.
 */
public record Step(RequestState state, Verdict verdict, FixRequest fixRequest, ApprovalRequest approval,
        Outcome outcome, List<AuditEvent> audit, Rejection rejection, String ignoredBecause) {

    /** Why an input was refused; {@code reason} becomes the dead-letter reason header. */
    public record Rejection(String reason, String message) {
    }

    /** Reasons for refusing an {@code ApprovalDecision}. */
    public static final String UNKNOWN_REQUEST = "UNKNOWN_REQUEST";
    public static final String ALREADY_CLOSED = "ALREADY_CLOSED";
    public static final String NOT_AWAITING_DECISION = "NOT_AWAITING_DECISION";
    public static final String INVALID_DECISION = "INVALID_DECISION";

    public Step {
        audit = audit == null ? List.of() : List.copyOf(audit);
    }

    static Step ignored(String why) {
        return new Step(null, null, null, null, null, List.of(), null, why);
    }

    static Step rejected(String reason, String message) {
        return new Step(null, null, null, null, null, List.of(), new Rejection(reason, message), null);
    }

    public boolean isIgnored() {
        return ignoredBecause != null;
    }
}
