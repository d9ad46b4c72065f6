package dev.assay.verifier.gate;

import dev.assay.avro.ArtifactKind;
import dev.assay.avro.GateDecision;
import dev.assay.avro.KindSignal;
import dev.assay.avro.RiskLevel;
import java.util.List;

/**
 * The gate's view of a passing attempt: level, score, what the policy says to do, and why.
 *
 * @param effectiveKind the riskiest of the declared kind and the kinds found in the files, which the level rests on
 * @param kindSignals   what was found: the executor's signals and the gate's own path rules that name a kind
 * @param approvers     how many distinct people must approve when a person decides
 */
public record RiskAssessment(RiskLevel level, int score, GateDecision decision, List<String> reasons, String policyVersion,
        ArtifactKind effectiveKind, List<KindSignal> kindSignals, int approvers) {

    public RiskAssessment {
        reasons = List.copyOf(reasons);
        kindSignals = List.copyOf(kindSignals);
    }
}
