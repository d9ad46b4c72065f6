package dev.assay.console;

import dev.assay.avro.ApprovalDecision;

/** Where a reviewer's decision goes: the approval-decisions topic in production. */
@FunctionalInterface
public interface DecisionSink {

    /** Sends the decision and returns once it is acknowledged; throws if it could not be. */
    void send(ApprovalDecision decision) throws Exception;
}
