package dev.assay.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.avro.Violation;
import dev.assay.executor.sandbox.Sandbox;
import dev.assay.executor.sandbox.SandboxRequest;
import dev.assay.executor.sandbox.SandboxResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A sandbox that plays the harness: analysis runs answer with a given analysis report, test runs with whatever the
 * test says — written with the request's own nonce, as a harness would. Every request is kept, and checked to carry
 * its nonce only in the handshake.
 */
final class ScriptedSandbox implements Sandbox {
    private final String analysis;
    private final Function<SandboxRequest, SandboxResult> testRun;
    final List<SandboxRequest> requests = new CopyOnWriteArrayList<>();

    /**
     * @param analysis the analysis run's REPORT JSON
     * @param testRun  the test run's result for a request
     */
    ScriptedSandbox(String analysis, Function<SandboxRequest, SandboxResult> testRun) {
        this.analysis = analysis;
        this.testRun = testRun;
    }

    @Override
    public String backend() {
        return "scripted";
    }

    @Override
    public SandboxResult run(SandboxRequest request) {
        requests.add(request);
        assertThat(request.stdin()).contains(request.nonce());
        assertThat(request.command()).noneMatch(arg -> arg.contains(request.nonce()));
        assertThat(request.environment().values()).noneMatch(value -> value.contains(request.nonce()));
        return request.run().phase().equals(SandboxRequest.Run.ANALYSIS) ? harnessOutput(0, analysis) : testRun.apply(request);
    }

    /** What a harness writes: BEGIN, then the report when given, with the given exit status. */
    static SandboxResult harnessOutput(Integer exit, String report) {
        List<String> records = new ArrayList<>(List.of("BEGIN {}"));
        if (report != null) {
            records.add("REPORT " + report.replace("\n", " "));
        }
        return records(exit, "", false, records.toArray(String[]::new));
    }

    static SandboxResult records(Integer exit, String stdout, boolean outputAfterReport, String... records) {
        return new SandboxResult(exit, stdout, "", List.of(records), outputAfterReport, false, false, false, Duration.ofSeconds(1),
                Violation.NONE);
    }
}
