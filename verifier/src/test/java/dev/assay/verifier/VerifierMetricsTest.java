package dev.assay.verifier;

import static dev.assay.verifier.Fixtures.decision;
import static dev.assay.verifier.Fixtures.failed;
import static dev.assay.verifier.Fixtures.passed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.avro.ArtifactKind;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class VerifierMetricsTest {
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final VerifierMetrics metrics = new VerifierMetrics(meters);
    private final RequestLifecycle lifecycle = VerifierConfig.defaults().lifecycle();

    @Test
    void countsWhatEachStepDecided() {
        Step fix = lifecycle.onResult(null, failed("r", 1, 3, "x"));
        Step gated = lifecycle.onResult(fix.state(), passed("r", 2, ArtifactKind.API_ENDPOINT));
        metrics.record("execs", fix);
        metrics.record("execs", gated);
        metrics.record("execs", lifecycle.onResult(gated.state(), passed("r", 2, ArtifactKind.API_ENDPOINT)));
        metrics.record("decisions", lifecycle.onDecision(gated.state(), decision("r", true, "alice", "")));
        metrics.record("decisions", lifecycle.onDecision(null, decision("q", true, "alice", "")));

        assertThat(meters.counter("assay.verdicts", "passed", "false").count()).isEqualTo(1);
        assertThat(meters.counter("assay.verdicts", "passed", "true").count()).isEqualTo(1);
        assertThat(meters.counter("assay.fix.requests", "reason", "tests_failed").count()).isEqualTo(1);
        assertThat(meters.counter("assay.gate.decisions", "risk", "MEDIUM", "decision", "HUMAN_REVIEW").count()).isEqualTo(1);
        assertThat(meters.counter("assay.verifier.inputs.ignored", "topic", "execs").count()).isEqualTo(1);
        assertThat(meters.counter("assay.outcomes", "status", "APPROVED").count()).isEqualTo(1);
        assertThat(meters.summary("assay.fix.loop.attempts").count()).isEqualTo(1);
        assertThat(meters.summary("assay.fix.loop.attempts").totalAmount()).isEqualTo(2);
        assertThat(meters.counter("assay.dead.letters", "topic", "decisions", "reason", Step.UNKNOWN_REQUEST).count()).isEqualTo(1);
    }
}
