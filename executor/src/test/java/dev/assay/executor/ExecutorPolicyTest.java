package dev.assay.executor;

import static dev.assay.executor.Generations.file;
import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.avro.ArtifactKind;
import dev.assay.avro.ExecutionPolicy;
import dev.assay.avro.ExecutionResult;
import dev.assay.avro.ExecutionStatus;
import dev.assay.avro.Generation;
import dev.assay.avro.Language;
import dev.assay.avro.Violation;
import dev.assay.executor.runner.PythonRunner;
import dev.assay.executor.runner.RunMode;
import dev.assay.executor.sandbox.Sandbox;
import dev.assay.executor.sandbox.SandboxException;
import dev.assay.executor.sandbox.SandboxRequest;
import dev.assay.executor.sandbox.SandboxResult;
import dev.assay.runtime.Emit;
import dev.assay.schemas.Topics;
import dev.assay.schemas.registry.InMemorySchemaRegistryClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decisions taken before anything runs (the fake sandbox fails the test if called), and how a scripted sandbox's
 * outcome is mapped onto the result.
 */
class ExecutorPolicyTest {
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    @TempDir
    Path scratch;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    /** What the scripted sandbox was asked to run. */
    private List<SandboxRequest> sandboxRequests;

    private final Sandbox mustNotRun = new Sandbox() {
        @Override
        public String backend() {
            return "fake";
        }

        @Override
        public SandboxResult run(SandboxRequest request) {
            throw new AssertionError("the sandbox must not be used here");
        }
    };

    private Executor executor() {
        return new Executor(mustNotRun, List.of(new PythonRunner(Path.of("/usr/bin/python3"))), ExecutionPolicyTable.standard(),
                ExecutorContract.LIMITS, 1, scratch, meters, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void migrationsAreNeverRun() throws Exception {
        ExecutionResult r = executor().execute(Generations.generation(Language.PYTHON, ArtifactKind.MIGRATION, List.of(),
                List.of(file("migrate.py", "import os; os.system('rm -rf /')"))));
        assertThat(r.getStatus()).isEqualTo(ExecutionStatus.NOT_RUN);
        assertThat(r.getPolicy()).isEqualTo(ExecutionPolicy.NEVER);
        assertThat(r.getDetail()).contains("MIGRATION", "never");
        assertThat(r.getBackend()).isEqualTo("fake");
        assertThat(r.getExecutedAt()).isEqualTo(NOW);
        assertThat(r.getCpuMillis()).isZero();
        assertThat(r.getPeakMemoryBytes()).isZero();
    }

    @Test
    void aMigrationIsNeverRunWhateverTheRequestSaysItIsAndComesWithItsReview() throws Exception {
        ExecutionResult r = executor().execute(Generations.generation(Language.PYTHON, ArtifactKind.LIBRARY_CODE, List.of(),
                List.of(file("calc.py", "def add(a, b):\n    return a + b\n"), file("db/migration/V3__drop.sql", "DROP TABLE legacy;\n"))));
        assertThat(r.getStatus()).isEqualTo(ExecutionStatus.NOT_RUN);
        assertThat(r.getPolicy()).isEqualTo(ExecutionPolicy.NEVER);
        assertThat(r.getDetail()).isEqualTo("declared LIBRARY_CODE, but db/migration/V3__drop.sql is MIGRATION (a Flyway migration (v3__drop.sql)): "
                + "artifact kind MIGRATION is never executed (execution policy NEVER); review it by hand");
        assertThat(r.getKindSignals()).extracting(s -> s.getKind()).containsExactly(ArtifactKind.MIGRATION);
        assertThat(r.getFindings()).extracting(f -> f.getCheck()).containsExactly("migration/destructive");
    }

    @Test
    void aFailedGenerationIsNotRunAndCarriesItsReason() throws Exception {
        ExecutionResult r = executor().execute(Generations.failed("model timed out after 60 s"));
        assertThat(r.getStatus()).isEqualTo(ExecutionStatus.NOT_RUN);
        assertThat(r.getDetail()).contains("model timed out after 60 s");
        assertThat(r.getGeneration().getFailureReason()).isEqualTo("model timed out after 60 s");
        assertThat(r.getViolation()).isEqualTo(Violation.NONE);
    }

    @Test
    void aLanguageWithoutRunnerIsAnError() throws Exception {
        ExecutionResult r = executor().execute(Generations.generation(Language.JAVA, ArtifactKind.LIBRARY_CODE, List.of(),
                List.of(file("A.java", "class A {}"))));
        assertThat(r.getStatus()).isEqualTo(ExecutionStatus.ERROR);
        assertThat(r.getDetail()).contains("no runner for language JAVA");
    }

    @Test
    void unsafePathsAreRejectedBeforeAnythingRuns() throws Exception {
        ExecutionResult r = executor().execute(Generations.python(List.of(), List.of(file("../../etc/cron.d/x", "boom"))));
        assertThat(r.getStatus()).isEqualTo(ExecutionStatus.ERROR);
        assertThat(r.getDetail()).startsWith("rejected workspace:").contains("'..'");
        assertNoWorkspaceLeft();
    }

    @Test
    void aSandboxThatCannotStartGivesAnErrorResultNotALostRequest() throws Exception {
        Sandbox broken = new Sandbox() {
            @Override
            public String backend() {
                return "broken";
            }

            @Override
            public SandboxResult run(SandboxRequest request) throws SandboxException {
                throw new SandboxException("runsc: cannot create sandbox");
            }
        };
        Executor executor = new Executor(broken, List.of(new PythonRunner(Path.of("/usr/bin/python3"))), ExecutionPolicyTable.standard(),
                ExecutorContract.LIMITS, 1, scratch, meters, Clock.fixed(NOW, ZoneOffset.UTC));
        ExecutionResult r = executor.execute(Generations.python(List.of(), List.of(file("test_a.py", "def test_a():\n    pass\n"))));
        assertThat(r.getStatus()).isEqualTo(ExecutionStatus.ERROR);
        assertThat(r.getDetail()).isEqualTo("sandbox failure (broken): runsc: cannot create sandbox");
        assertNoWorkspaceLeft();
    }

    /** Only the harness, laid out once per executor, stays in the scratch directory. */
    private void assertNoWorkspaceLeft() throws java.io.IOException {
        try (var entries = java.nio.file.Files.list(scratch)) {
            assertThat(entries.map(p -> p.getFileName().toString()).toList()).containsExactly("harness");
        }
    }

    /** The analysis of test_a.py: one required, in-process unit. */
    static final String ANALYSIS = """
            {"tests":[{"function":"test_a.py::test_a","file":"test_a.py","kind":"exact","skipInSource":false,"evidence":"IN_PROCESS","probes":[],"line":1}],
             "files":{},"expectations":{},"findings":[],"errors":[]}""";

    private Executor scripted(SandboxResult outcome) {
        return scripted(request -> outcome);
    }

    /** A sandbox whose test run returns what {@code testRun} says; its analysis run analyses test_a.py. */
    private Executor scripted(java.util.function.Function<SandboxRequest, SandboxResult> testRun) {
        ScriptedSandbox sandbox = new ScriptedSandbox(ANALYSIS, testRun);
        sandboxRequests = sandbox.requests;
        return new Executor(sandbox, List.of(new PythonRunner(Path.of("/usr/bin/python3"))), ExecutionPolicyTable.standard(),
                ExecutorContract.LIMITS, 1, scratch, meters, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    /** The analysis of test_a.py, which also found {@code signal} in the generated code. */
    private Executor scriptedWithSignal(String signal, java.util.function.Function<SandboxRequest, SandboxResult> testRun) {
        ScriptedSandbox sandbox = new ScriptedSandbox(ANALYSIS.replace("\"errors\":[]}", "\"errors\":[],\"signals\":[" + signal + "]}"), testRun);
        sandboxRequests = sandbox.requests;
        return new Executor(sandbox, List.of(new PythonRunner(Path.of("/usr/bin/python3"))), ExecutionPolicyTable.standard(),
                ExecutorContract.LIMITS, 1, scratch, meters, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void aMigrationFoundInTheCodeByTheAnalysisIsNotRunEither() throws Exception {
        ExecutionResult r = scriptedWithSignal("""
                {"kind":"MIGRATION","path":"versions/add_email.py","line":9,"reason":"Alembic op.add_column","sql":null}""",
                request -> {
                    throw new AssertionError("a migration must not reach a test run");
                }).execute(Generations.python(List.of(file("test_a.py", "def test_a():\n    pass\n")),
                List.of(file("versions/add_email.py", "from alembic import op\n"))));
        assertThat(r.getStatus()).isEqualTo(ExecutionStatus.NOT_RUN);
        assertThat(r.getPolicy()).isEqualTo(ExecutionPolicy.NEVER);
        assertThat(r.getDetail()).startsWith("declared LIBRARY_CODE, but versions/add_email.py is MIGRATION (Alembic op.add_column)");
        assertThat(r.getKindSignals()).singleElement().satisfies(s -> {
            assertThat(s.getKind()).isEqualTo(ArtifactKind.MIGRATION);
            assertThat(s.getLine()).isEqualTo(9);
        });
        assertThat(r.getFindings()).extracting(f -> f.getCheck()).contains("migration/unreviewed");
        assertThat(sandboxRequests).extracting(q -> q.run().phase()).containsExactly(SandboxRequest.Run.ANALYSIS);
    }

    @Test
    void infrastructureFoundInTheCodeByTheAnalysisIsOnlyCompiled() throws Exception {
        ExecutionResult r = scriptedWithSignal("""
                {"kind":"INFRASTRUCTURE","path":"a.py","line":2,"reason":"AWS SDK boto3.client('ec2')","sql":null}""",
                request -> ScriptedSandbox.harnessOutput(0, """
                        {"tests":[{"id":"a.py","file":"a.py","status":"PASSED"}],"errors":[]}"""))
                .execute(Generations.python(List.of(file("test_a.py", "def test_a():\n    pass\n")), List.of(file("a.py", "import boto3\n"))));
        assertThat(r.getPolicy()).isEqualTo(ExecutionPolicy.DRY_RUN);
        assertThat(r.getStatus()).isEqualTo(ExecutionStatus.PASSED);
        assertThat(r.getRequiredTests()).isZero();
        assertThat(sandboxRequests).extracting(SandboxRequest::stdin).last().asString().contains("\"mode\":\"" + RunMode.COMPILE.wire() + "\"");
        assertThat(r.getKindSignals()).extracting(s -> s.getKind()).containsExactly(ArtifactKind.INFRASTRUCTURE);
    }

    @Test
    void aGeneratedManifestIsOnlyCompiledAndReachesItsReviewerWithItsDryRunFindings() throws Exception {
        ExecutionResult r = scripted(request -> ScriptedSandbox.harnessOutput(0, """
                {"tests":[{"id":"a.py","file":"a.py","status":"PASSED"}],"errors":[]}"""))
                .execute(Generations.python(List.of(file("test_a.py", "def test_a():\n    pass\n")), List.of(file("a.py", "x = 1\n"),
                        file("deploy/pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: true\n"
                                + "  containers: [{name: a, image: 'a:1', resources: {limits: {cpu: 1, memory: 1Gi}}}]\n"))));
        assertThat(r.getPolicy()).isEqualTo(ExecutionPolicy.DRY_RUN);
        assertThat(r.getStatus()).isEqualTo(ExecutionStatus.PASSED);
        assertThat(r.getFindings()).extracting(f -> f.getCheck(), f -> f.getPath()).containsExactly(
                org.assertj.core.groups.Tuple.tuple("infrastructure/pod-security", "deploy/pod.yaml"),
                org.assertj.core.groups.Tuple.tuple("infrastructure/pod-security", "deploy/pod.yaml"));
        assertThat(r.getFindings().getFirst().getMessage()).isEqualTo(
                "Pod p: shares the node's network namespace (forbidden even by the baseline profile)");
    }

    @Test
    void resourceUseFromTheReportIsCarriedAndMetered() throws Exception {
        ExecutionResult r = scripted(request -> ScriptedSandbox.harnessOutput(0, """
                {"tests":[{"id":"test_a.py::test_a","file":"test_a.py","status":"PASSED"}],"errors":[],"usage":{"cpuMillis":1500,"peakMemoryBytes":52428800}}"""))
                .execute(Generations.python(List.of(file("test_a.py", "def test_a():\n    pass\n")), List.of(file("a.py", "x = 1\n"))));
        assertThat(r.getStatus()).isEqualTo(ExecutionStatus.PASSED);
        assertThat(r.getCpuMillis()).isEqualTo(1500);
        assertThat(r.getPeakMemoryBytes()).isEqualTo(52_428_800L);
        var cpu = meters.get("assay.sandbox.cpu").tag("backend", "scripted").tag("language", "PYTHON").summary();
        assertThat(cpu.getId().getBaseUnit()).isEqualTo("seconds");
        assertThat(cpu.totalAmount()).isEqualTo(1.5);
        var memory = meters.get("assay.sandbox.memory.peak").tag("backend", "scripted").tag("language", "PYTHON").summary();
        assertThat(memory.getId().getBaseUnit()).isEqualTo("bytes");
        assertThat(memory.max()).isEqualTo(52_428_800.0);
    }

    @Test
    void aLaterCandidateRunsAsThatCandidateAndItsResultStillSaysWhichOfHowManyItWas() throws Exception {
        Topics topics = Topics.create("t.", new InMemorySchemaRegistryClient(), true);
        Generation generation = Generations.python(List.of(file("test_a.py", "def test_a():\n    pass\n")), List.of(file("a.py", "")));
        generation.setCandidate(2);
        generation.setCandidates(3);

        ExecutionResult r = scripted(request -> ScriptedSandbox.harnessOutput(0, """
                {"tests":[{"id":"test_a.py::test_a","file":"test_a.py","status":"PASSED"}],"errors":[]}""")).execute(generation);

        assertThat(r.getStatus()).isEqualTo(ExecutionStatus.PASSED);
        assertThat(sandboxRequests).extracting(SandboxRequest::run).containsExactly(
                new SandboxRequest.Run("req-1", 1, 2, "PYTHON", SandboxRequest.Run.ANALYSIS),
                new SandboxRequest.Run("req-1", 1, 2, "PYTHON", SandboxRequest.Run.TEST));
        // The verifier reads the candidate from the embedded generation, as it arrives over the wire.
        byte[] bytes = topics.executions().valueSerde().serializer().serialize(topics.executions().name(), r);
        Generation received = topics.executions().valueSerde().deserializer().deserialize(topics.executions().name(), bytes)
                .getGeneration();
        assertThat(received.getCandidate()).isEqualTo(2);
        assertThat(received.getCandidates()).isEqualTo(3);
    }

    @Test
    void aRunWithoutReportHasNoMeasuredResourceUse() throws Exception {
        ExecutionResult r = scripted(new SandboxResult(null, "", "", List.of("BEGIN {}"), false, false, true, false, Duration.ofSeconds(30),
                Violation.NONE)).execute(Generations.python(List.of(file("test_a.py", "def test_a():\n    while True: pass\n")), List.of()));
        assertThat(r.getViolation()).isEqualTo(Violation.TIMEOUT);
        assertThat(r.getCpuMillis()).isZero();
        assertThat(r.getPeakMemoryBytes()).isZero();
        assertThat(meters.find("assay.sandbox.cpu").meters()).isEmpty();
        assertThat(meters.find("assay.sandbox.memory.peak").meters()).isEmpty();
    }

    @Test
    void languageIsInferredFromFileNamesWhenTheRequestDoesNotSay() {
        assertThat(Executor.languageOf(Generations.generation(Language.UNKNOWN, ArtifactKind.OTHER,
                List.of(file("test_a.py", "")), List.of(file("a.py", ""), file("README.md", ""))))).isEqualTo(Language.PYTHON);
        assertThat(Executor.languageOf(Generations.generation(Language.UNKNOWN, ArtifactKind.OTHER,
                List.of(), List.of(file("a.js", ""))))).isEqualTo(Language.JAVASCRIPT);
        assertThat(Executor.languageOf(Generations.generation(Language.UNKNOWN, ArtifactKind.OTHER,
                List.of(), List.of(file("notes.txt", ""))))).isEqualTo(Language.UNKNOWN);
    }

    @Test
    void handlerEmitsTheResultKeyedByRequestId() throws Exception {
        Topics topics = Topics.create("t.", new InMemorySchemaRegistryClient(), true);
        ExecutorHandler handler = new ExecutorHandler(executor(), topics);
        List<Emit<?>> out = handler.handle(null, Generations.generation(Language.PYTHON, ArtifactKind.MIGRATION, List.of(), List.of()));
        assertThat(out).singleElement().satisfies(emit -> {
            assertThat(emit.topic()).isEqualTo(topics.executions());
            assertThat(emit.key()).isEqualTo("req-1");
            assertThat(((ExecutionResult) emit.value()).getStatus()).isEqualTo(ExecutionStatus.NOT_RUN);
        });
        assertThat(meters.get("assay.executions").tag("status", "NOT_RUN").tag("backend", "fake").counter().count()).isEqualTo(1);
    }

    @Test
    void resultsSurviveTheWireFormat() throws Exception {
        Topics topics = Topics.create("t.", new InMemorySchemaRegistryClient(), true);
        ExecutionResult r = executor().execute(Generations.failed("nope"));
        byte[] bytes = topics.executions().valueSerde().serializer().serialize(topics.executions().name(), r);
        assertThat(topics.executions().valueSerde().deserializer().deserialize(topics.executions().name(), bytes)).isEqualTo(r);
        assertThat(Duration.ofMillis(r.getDurationMs())).isZero();
    }
}
