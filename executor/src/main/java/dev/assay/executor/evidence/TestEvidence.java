package dev.assay.executor.evidence;

import dev.assay.avro.Evidence;
import dev.assay.avro.TestCaseResult;
import dev.assay.avro.TestOrigin;
import dev.assay.avro.TestStatus;
import dev.assay.executor.analysis.Analysis;
import dev.assay.executor.analysis.Analysis.Expectation;
import dev.assay.executor.analysis.Analysis.TrustedTest;
import dev.assay.executor.harness.RunReport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Weighs what a test run reported against what the request's own tests demand: every trusted unit must have run and
 * passed; a sealed unit passes only if every probe it must reach was reached and every recorded value satisfies its
 * expectation (compared here, outside the sandbox); a skip counts only when the trusted source asks for it; tests of
 * generated files are reported as such and never stand in for a request test. Failures the run reported are believed
 * as they are: only a pass needs checking.
 */
public final class TestEvidence {
    private TestEvidence() {
    }

    /** The weighed tests, request tests first in the order they ran, then missing required units, then generated tests. */
    public static List<TestCaseResult> weigh(RunReport report, Analysis analysis, Set<String> requestFiles) {
        Map<String, TrustedTest> byFunction = new HashMap<>();
        Map<String, TrustedTest> byFile = new HashMap<>();
        for (TrustedTest unit : analysis.tests()) {
            (unit.kind() == Analysis.Kind.FILE ? byFile : byFunction).put(unit.kind() == Analysis.Kind.FILE ? unit.file() : unit.function(), unit);
        }
        Map<Integer, List<RunReport.ProbeValue>> probes = new HashMap<>();
        report.probes().forEach(p -> probes.computeIfAbsent(p.probe(), k -> new ArrayList<>()).add(p));

        Map<TrustedTest, Boolean> seen = new LinkedHashMap<>();
        analysis.tests().forEach(u -> seen.put(u, false));
        List<TestCaseResult> request = new ArrayList<>();
        List<TestCaseResult> generated = new ArrayList<>();
        for (RunReport.Test test : report.tests()) {
            boolean fromRequest = requestFiles.contains(test.file());
            TrustedTest unit = fromRequest ? Optional.ofNullable(byFunction.get(test.function())).orElse(byFile.get(test.file())) : null;
            if (unit != null) {
                seen.put(unit, true);
            }
            TestStatus status = test.status();
            String message = test.message();
            if (unit != null && status == TestStatus.PASSED) {
                Optional<String> sealed = sealedMismatch(test, unit, probes, analysis.expectations());
                if (sealed.isPresent()) {
                    status = TestStatus.FAILED;
                    message = sealed.get();
                }
            }
            if (fromRequest && status == TestStatus.SKIPPED && (unit == null || !unit.skipInSource())) {
                status = TestStatus.FAILED;
                message = "skipped, but the request's test does not say it may skip (" + (message == null ? "no reason given" : message) + ")";
            }
            Evidence evidence = unit != null && unit.evidence() == Analysis.Evidence.SEALED ? Evidence.SEALED : Evidence.IN_PROCESS;
            TestCaseResult result = TestCaseResult.newBuilder().setName(test.id()).setStatus(status).setMessage(message)
                    .setDurationMs(test.durationMs()).setOrigin(fromRequest ? TestOrigin.REQUEST : TestOrigin.GENERATED)
                    .setEvidence(evidence).build();
            (fromRequest ? request : generated).add(result);
        }
        seen.forEach((unit, ran) -> {
            if (!ran) {
                request.add(TestCaseResult.newBuilder().setName(unit.function()).setStatus(TestStatus.FAILED)
                        .setMessage("did not run: the request's tests define it (" + unit.file()
                                + (unit.line() > 0 ? ":" + unit.line() : "") + ") and every one must run and pass")
                        .setDurationMs(0).setOrigin(TestOrigin.REQUEST)
                        .setEvidence(unit.evidence() == Analysis.Evidence.SEALED ? Evidence.SEALED : Evidence.IN_PROCESS).build());
            }
        });
        List<TestCaseResult> all = new ArrayList<>(request);
        all.addAll(generated);
        return all;
    }

    /**
     * Why a test the run reported as passed fails its sealed assertions, or empty. Probes are matched to the test by
     * the runtime id the harness recorded, or — where the runner cannot tell which test made a call — by the unit's
     * probes alone.
     */
    private static Optional<String> sealedMismatch(RunReport.Test test, TrustedTest unit, Map<Integer, List<RunReport.ProbeValue>> probes,
            Map<Integer, Expectation> expectations) {
        for (int probe : unit.probes()) {
            Expectation expectation = expectations.get(probe);
            if (expectation == null) {
                continue;
            }
            List<RunReport.ProbeValue> values = probes.getOrDefault(probe, List.of()).stream()
                    .filter(v -> v.test() == null || v.test().equals(test.id())).toList();
            if (values.isEmpty()) {
                return Optional.of("sealed assertion never reached (" + where(expectation) + "): " + expectation.source().strip());
            }
            for (RunReport.ProbeValue value : values) {
                Optional<String> why = SealedComparison.mismatch(expectation, value.value());
                if (why.isPresent()) {
                    return Optional.of(where(expectation) + ": " + expectation.source().strip() + " — " + why.get()
                            + " (compared outside the sandbox)");
                }
            }
        }
        // Probes the unit may reach but need not (inside a branch or a loop) still have to hold where they were reached.
        for (Map.Entry<Integer, List<RunReport.ProbeValue>> entry : probes.entrySet()) {
            Expectation expectation = expectations.get(entry.getKey());
            if (expectation == null || unit.probes().contains(entry.getKey())) {
                continue;
            }
            for (RunReport.ProbeValue value : entry.getValue()) {
                if (test.id().equals(value.test())) {
                    Optional<String> why = SealedComparison.mismatch(expectation, value.value());
                    if (why.isPresent()) {
                        return Optional.of(where(expectation) + ": " + expectation.source().strip() + " — " + why.get()
                                + " (compared outside the sandbox)");
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static String where(Expectation expectation) {
        return expectation.path() + (expectation.line() > 0 ? ":" + expectation.line() : "");
    }
}
