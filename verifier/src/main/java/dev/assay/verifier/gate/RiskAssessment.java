package dev.assay.verifier.gate;

import dev.assay.avro.GateDecision;
import dev.assay.avro.RiskLevel;
import java.util.List;

/** The gate's view of a passing attempt: level, score, what the policy says to do, and why. */
public record RiskAssessment(RiskLevel level, int score, GateDecision decision, List<String> reasons, String policyVersion) {

    public RiskAssessment {
        reasons = List.copyOf(reasons);
    }
}
