package dev.assay.verifier;

import dev.assay.avro.ArtifactKind;
import dev.assay.avro.FixRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counters of what the verifier decides. A step replayed after a crash (exactly-once covers Kafka, not meters) is
 * counted again, so these are for rates and dashboards, not for reconciling against the outcome topic.
 */
final class VerifierMetrics {
    private final MeterRegistry meters;

    VerifierMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    void record(String sourceTopic, Step step) {
        if (step.isIgnored()) {
            Counter.builder("assay.verifier.inputs.ignored").tag("topic", sourceTopic)
                    .description("Duplicate, late or unrequested inputs that changed nothing").register(meters).increment();
            return;
        }
        if (step.rejection() != null) {
            // Same meter as the stage loop's dead letters, so one dashboard covers every service.
            Counter.builder("assay.dead.letters").tag("topic", sourceTopic).tag("reason", step.rejection().reason())
                    .register(meters).increment();
            return;
        }
        if (step.verdict() != null) {
            Counter.builder("assay.verdicts").tag("passed", Boolean.toString(step.verdict().getPassed()))
                    .description("Attempts judged").register(meters).increment();
            if (step.verdict().getTampered()) {
                Counter.builder("assay.verdicts.tampered")
                        .description("Executions that tampered with their own verification; each rejects its request")
                        .register(meters).increment();
            }
        }
        if (step.fixRequest() != null) {
            Counter.builder("assay.fix.requests").tag("reason", fixReason(step.fixRequest()))
                    .description("Further attempts requested, by what failed").register(meters).increment();
        }
        if (step.approval() != null) {
            Counter.builder("assay.gate.decisions").tag("risk", step.approval().getRiskLevel().name())
                    .tag("decision", step.approval().getDecision().name()).description("Passing attempts gated")
                    .register(meters).increment();
            ArtifactKind declared = step.approval().getDeclaredKind();
            ArtifactKind effective = step.approval().getEffectiveKind();
            if (declared != null && effective != null && declared != effective) {
                Counter.builder("assay.gate.kind.mismatches").tag("declared", declared.name()).tag("effective", effective.name())
                        .description("Gated attempts whose files were found riskier than the kind the request declared")
                        .register(meters).increment();
            }
        }
        if (step.outcome() != null) {
            Counter.builder("assay.outcomes").tag("status", step.outcome().getStatus().name())
                    .description("Requests completed").register(meters).increment();
            DistributionSummary.builder("assay.fix.loop.attempts").serviceLevelObjectives(1, 2, 3, 4, 5, 7, 10)
                    .description("Attempts a request used, recorded when it completes").register(meters)
                    .record(step.outcome().getAttempts());
        }
    }

    /** What made an attempt fail, coarsely: failing tests, blocking findings, or an error (no tests, a violation, no code). */
    static String fixReason(FixRequest fix) {
        if (!fix.getFailedTests().isEmpty()) {
            return "tests_failed";
        }
        return fix.getFindings().isEmpty() ? "error" : "findings";
    }
}
