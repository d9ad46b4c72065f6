package dev.assay.executor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assay.avro.ArtifactKind;
import dev.assay.avro.AssayRequest;
import dev.assay.avro.Evidence;
import dev.assay.avro.ExecutionPolicy;
import dev.assay.avro.ExecutionResult;
import dev.assay.avro.ExecutionStatus;
import dev.assay.avro.Finding;
import dev.assay.avro.Generation;
import dev.assay.avro.GenerationStatus;
import dev.assay.avro.KindSignal;
import dev.assay.avro.Language;
import dev.assay.avro.SourceFile;
import dev.assay.avro.TestCaseResult;
import dev.assay.avro.TestOrigin;
import dev.assay.avro.TestStatus;
import dev.assay.avro.Violation;
import dev.assay.executor.analysis.Analysis;
import dev.assay.executor.evidence.Tampering;
import dev.assay.executor.evidence.TestEvidence;
import dev.assay.executor.harness.Handshake;
import dev.assay.executor.harness.RunRecords;
import dev.assay.executor.harness.RunReport;
import dev.assay.executor.kinds.InfrastructureReview;
import dev.assay.executor.kinds.KindInference;
import dev.assay.executor.kinds.MigrationReview;
import dev.assay.executor.runner.LanguageRunner;
import dev.assay.executor.runner.NodeRunner;
import dev.assay.executor.runner.RunMode;
import dev.assay.executor.runner.RunPlan;
import dev.assay.executor.sandbox.Sandbox;
import dev.assay.executor.sandbox.SandboxException;
import dev.assay.executor.sandbox.SandboxLimits;
import dev.assay.executor.sandbox.SandboxRequest;
import dev.assay.executor.sandbox.SandboxResult;
import dev.assay.harness.HarnessLayout;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one {@link Generation} into one {@link ExecutionResult}: decides the execution policy from the artifact
 * kind, plans the workspace, analyses the request's tests and the generated files, runs the language's harness in the
 * sandbox and weighs what it reports against the request's own tests (executor/DESIGN.md, "Verdicts the generated
 * code cannot forge"). Everything the generated code does, and a sandbox that fails to start, ends up in the result.
 */
public final class Executor {
    private static final Logger log = LoggerFactory.getLogger(Executor.class);

    private final Sandbox sandbox;
    private final Map<Language, LanguageRunner> runners;
    private final ExecutionPolicyTable policies;
    private final SandboxLimits limits;
    private final Path scratch;
    private final MeterRegistry meters;
    private final Clock clock;
    private final Semaphore slots;
    /** This module's harness, laid out once in the scratch directory and mounted read-only in every sandbox. */
    private final SandboxRequest.Mount harness;

    /**
     * @param sandbox  where code runs
     * @param runners  one runner per supported language
     * @param policies execution policy per artifact kind
     * @param limits   limits for every run
     * @param slots    runs at once; more wait
     * @param scratch  host directory for workspaces
     */
    public Executor(Sandbox sandbox, List<LanguageRunner> runners, ExecutionPolicyTable policies, SandboxLimits limits,
            int slots, Path scratch, MeterRegistry meters, Clock clock) {
        this.sandbox = sandbox;
        Map<Language, LanguageRunner> byLanguage = new EnumMap<>(Language.class);
        runners.forEach(r -> byLanguage.put(r.language(), r));
        this.runners = Map.copyOf(byLanguage);
        this.policies = policies;
        this.limits = limits;
        this.scratch = scratch;
        this.meters = meters;
        this.clock = clock;
        this.slots = new Semaphore(slots, true);
        this.harness = new SandboxRequest.Mount(HarnessLayout.materialize(scratch.resolve("harness")), HarnessLayout.SANDBOX_DIR);
    }

    /**
     * Never throws for what the code does or for a sandbox that fails to start: both become an ERROR result, so
     * every generation gets exactly one result.
     *
     * @throws InterruptedException when the service is stopping while waiting for a free slot
     */
    public ExecutionResult execute(Generation generation) throws InterruptedException {
        ArtifactKind kind = generation.getContext().getRequest().getArtifactKind();
        Map<String, String> generatedFiles = new LinkedHashMap<>();
        generation.getFiles().forEach(f -> generatedFiles.put(f.getPath(), f.getContent()));
        // What the files are decides how far they may run, whatever the request says they are.
        List<KindSignal> signals = KindInference.infer(generatedFiles);
        ExecutionPolicy policy = policies.policyFor(kind, signals);
        Language language = languageOf(generation);
        ExecutionResult result;
        if (generation.getStatus() != GenerationStatus.OK) {
            result = notRun(generation, policy, "generation " + generation.getStatus() + ": "
                    + Optional.ofNullable(generation.getFailureReason()).orElse("no reason given"));
        } else if (policy == ExecutionPolicy.NEVER) {
            result = notRun(generation, policy, policies.reason(kind, signals));
            result.setFindings(MigrationReview.review(generatedFiles, signals));
        } else if (!runners.containsKey(language)) {
            result = finished(generation, policy, ExecutionStatus.ERROR, Violation.NONE, null, List.of(), "", "", false,
                    Duration.ZERO, "no runner for language " + language + " (supported: " + runners.keySet() + ")");
        } else {
            slots.acquire();
            try {
                result = run(generation, policy, signals, runners.get(language));
            } catch (SandboxException | IOException e) {
                // The verifier must still hear about this attempt; a dead letter would leave the request hanging.
                log.error("request {} {}: sandbox failure", generation.getRequestId(), attemptOf(generation), e);
                result = finished(generation, policy, ExecutionStatus.ERROR, Violation.NONE, null, List.of(), "", "", false,
                        Duration.ZERO, "sandbox failure (" + sandbox.backend() + "): " + e.getMessage());
            } finally {
                slots.release();
            }
        }
        result.setKindSignals(merged(signals, result.getKindSignals()));
        if (result.getPolicy() == ExecutionPolicy.DRY_RUN && result.getStatus() != ExecutionStatus.TAMPERED) {
            // Infrastructure is never applied: what a dry run can say of it is the evidence its reviewer gets.
            List<Finding> findings = new ArrayList<>(result.getFindings());
            findings.addAll(InfrastructureReview.review(generatedFiles, result.getKindSignals()));
            result.setFindings(findings);
        }
        recordUsage(result, language);
        Counter.builder("assay.executions")
                .description("Generations executed, by sandbox backend, language, result status and violation")
                .tag("backend", sandbox.backend()).tag("language", language.name())
                .tag("status", result.getStatus().name()).tag("violation", result.getViolation().name())
                .register(meters).increment();
        log.info("request {} {}: {} ({} tests, violation {}, {} ms, {} ms CPU, {} KiB peak RSS) in {}",
                generation.getRequestId(), attemptOf(generation), result.getStatus(), result.getTests().size(),
                result.getViolation(), result.getDurationMs(), result.getCpuMillis(), result.getPeakMemoryBytes() / 1024,
                sandbox.backend());
        return result;
    }

    private static String attemptOf(Generation generation) {
        return SandboxRequest.Run.describe(generation.getAttempt(), generation.getCandidate());
    }

    /** Resource use of runs that measured it; runs without a report (killed, crashed, not run) would only add zeros. */
    private void recordUsage(ExecutionResult result, Language language) {
        if (result.getCpuMillis() > 0) {
            DistributionSummary.builder("assay.sandbox.cpu").description("CPU time (user + system) of the code under test")
                    .baseUnit("seconds").tag("backend", sandbox.backend()).tag("language", language.name())
                    .register(meters).record(result.getCpuMillis() / 1000.0);
        }
        if (result.getPeakMemoryBytes() > 0) {
            DistributionSummary.builder("assay.sandbox.memory.peak").description("Peak resident memory of the code under test")
                    .baseUnit(BaseUnits.BYTES).tag("backend", sandbox.backend()).tag("language", language.name())
                    .register(meters).record(result.getPeakMemoryBytes());
        }
    }

    private ExecutionResult run(Generation generation, ExecutionPolicy policy, List<KindSignal> signals, LanguageRunner runner)
            throws SandboxException, IOException {
        AssayRequest request = generation.getContext().getRequest();
        if (!Files.isDirectory(scratch)) {
            // A /tmp cleaner may have removed the long-lived scratch directory; recreate it as it was.
            Files.setPosixFilePermissions(Files.createDirectories(scratch), PosixFilePermissions.fromString("rwx--x--x"));
            HarnessLayout.materialize(harness.source());
        }
        WorkspacePlan plan;
        try {
            plan = WorkspacePlan.of(request.getFiles(), generation.getFiles(), request.getTargetPaths(), runner, Set.of());
        } catch (WorkspaceException e) {
            return finished(generation, policy, ExecutionStatus.ERROR, Violation.NONE, null, List.of(), "", "", false,
                    Duration.ZERO, "rejected workspace: " + e.getMessage());
        }
        boolean dryRun = policy == ExecutionPolicy.DRY_RUN;
        Analysis analysis = Analysis.empty();
        if (!dryRun) {
            try {
                analysis = analyze(generation, plan, runner);
            } catch (AnalysisException e) {
                return finished(generation, policy, ExecutionStatus.ERROR, Violation.NONE, null, List.of(), "", "", false,
                        Duration.ZERO, "the analysis of the request's tests failed: " + e.getMessage());
            }
            Set<String> analysed = new HashSet<>();
            analysis.tests().forEach(t -> analysed.add(t.file()));
            if (!plan.requestTests().containsAll(analysed)) {
                try {
                    plan = WorkspacePlan.of(request.getFiles(), generation.getFiles(), request.getTargetPaths(), runner, analysed);
                } catch (WorkspaceException e) {
                    throw new IllegalStateException("paths checked once cannot fail the second time", e);
                }
            }
        }
        List<KindSignal> analysed = analysis.signals().stream().map(Executor::kindSignal).toList();
        ExecutionResult result = runAnalysed(generation, policy, signals, analysed, runner, plan, analysis);
        result.setKindSignals(analysed);
        return result;
    }

    /**
     * What follows the analysis: tampering ends it; then the kinds the analysis found in the code may restrict the
     * policy further (an Alembic migration declared as library code is not run, a cloud SDK script only dry-run).
     */
    private ExecutionResult runAnalysed(Generation generation, ExecutionPolicy policy, List<KindSignal> signals,
            List<KindSignal> analysed, LanguageRunner runner, WorkspacePlan plan, Analysis analysis)
            throws SandboxException, IOException {
        AssayRequest request = generation.getContext().getRequest();
        List<Finding> found = new ArrayList<>(plan.findings());
        analysis.findings().forEach(f -> found.add(Tampering.finding(f)));
        List<Finding> tampering = found.stream().filter(Tampering::isTampering).toList();
        if (!tampering.isEmpty()) {
            // Code already seen attacking its own verdict is not run: nothing it could do would be believed.
            ExecutionResult result = finished(generation, policy, ExecutionStatus.TAMPERED, Violation.NONE, null, List.of(), "", "",
                    false, Duration.ZERO, "tampering with verification: " + Tampering.describe(tampering) + " (found before running; not run)");
            result.setFindings(found);
            result.setRequiredTests(analysis.tests().size());
            return result;
        }
        List<KindSignal> all = merged(signals, analysed);
        ExecutionPolicy restricted = policies.policyFor(request.getArtifactKind(), all);
        if (restricted == ExecutionPolicy.NEVER && policy != ExecutionPolicy.NEVER) {
            ExecutionResult result = notRun(generation, restricted, policies.reason(request.getArtifactKind(), all));
            found.addAll(MigrationReview.review(plan.generatedFiles(), all));
            result.setFindings(found);
            return result;
        }
        if (restricted == ExecutionPolicy.DRY_RUN && policy == ExecutionPolicy.FULL) {
            // Only compiled from here on: no test runs, so nothing is required of one.
            policy = restricted;
            analysis = new Analysis(List.of(), Map.of(), Map.of(), analysis.findings(), List.of(), analysis.signals());
        }
        boolean dryRun = policy == ExecutionPolicy.DRY_RUN;
        RunMode mode = dryRun ? RunMode.COMPILE : RunMode.TEST;
        Workspace workspace;
        try {
            workspace = Workspace.create(scratch, plan.testRunFiles(analysis.rewrittenFiles()), limits.workspaceBytes());
        } catch (WorkspaceException e) {
            return finished(generation, policy, ExecutionStatus.ERROR, Violation.NONE, null, List.of(), "", "", false,
                    Duration.ZERO, "rejected workspace: " + e.getMessage());
        }
        try (workspace) {
            RunPlan runPlan = runner.plan(mode, limits);
            String nonce = Handshake.newNonce();
            Handshake handshake = new Handshake(nonce, mode, List.copyOf(plan.requestFiles().keySet()), plan.requestTests(),
                    List.copyOf(plan.generatedFiles().keySet()), request.getTargetPaths(), null, runPlan.limits().memoryBytes());
            Timer.Sample sample = Timer.start(meters);
            SandboxResult outcome = sandbox.run(new SandboxRequest(workspace.root(), runPlan.command(), mounts(runPlan),
                    runPlan.environment(), runPlan.limits(), handshake.line(), nonce, runOf(generation, runner, SandboxRequest.Run.TEST)));
            sample.stop(Timer.builder("assay.sandbox.duration").description("Wall-clock time of one sandboxed run")
                    .tag("backend", sandbox.backend()).tag("language", runner.language().name())
                    .publishPercentileHistogram().register(meters));
            return judge(generation, policy, outcome, nonce, runPlan.limits(), analysis, plan);
        }
    }

    /**
     * The trusted test set, the sealed rewrite of the request's tests and the tamper findings: from the executor itself
     * where parsing needs no sandbox (Java), else from an analysis run, which reads the request's tests and the
     * generated files without executing any of them.
     */
    private Analysis analyze(Generation generation, WorkspacePlan plan, LanguageRunner runner)
            throws AnalysisException, SandboxException, IOException {
        AssayRequest request = generation.getContext().getRequest();
        Map<String, String> generated = new LinkedHashMap<>();
        generation.getFiles().forEach(f -> generated.put(f.getPath(), f.getContent()));
        Timer.Sample sample = Timer.start(meters);
        try {
            Optional<Analysis> here = runner.analyzeHere(plan.requestFiles(), generated, request.getTargetPaths());
            if (here.isPresent()) {
                return here.get();
            }
            Map<String, String> files = new LinkedHashMap<>(generated);
            plan.requestTests().forEach(path -> files.put(path, plan.requestFiles().get(path)));
            Workspace workspace;
            try {
                workspace = Workspace.create(scratch, files, limits.workspaceBytes());
            } catch (WorkspaceException e) {
                throw new AnalysisException(e.getMessage());
            }
            try (workspace) {
                RunPlan runPlan = runner.plan(RunMode.ANALYZE, limits);
                String nonce = Handshake.newNonce();
                List<String> generatedPaths = generated.keySet().stream().filter(p -> !plan.requestTests().contains(p)).toList();
                Handshake handshake = new Handshake(nonce, RunMode.ANALYZE, plan.requestTests(), plan.requestTests(), generatedPaths,
                        request.getTargetPaths(), runner instanceof NodeRunner node ? node.parser().toString() : null,
                        runPlan.limits().memoryBytes());
                SandboxResult outcome = sandbox.run(new SandboxRequest(workspace.root(), runPlan.command(), mounts(runPlan),
                        runPlan.environment(), runPlan.limits(), handshake.line(), nonce,
                        runOf(generation, runner, SandboxRequest.Run.ANALYSIS)));
                boolean limitHit = outcome.timedOut() || outcome.outputLimitHit() || outcome.enforced() != Violation.NONE;
                RunRecords records = RunRecords.read(outcome, nonce, limitHit);
                if (!records.problems().isEmpty() || records.report() == null) {
                    throw new AnalysisException((records.problems().isEmpty() ? "the analyzer wrote no report (exit code "
                            + outcome.exitCode() + (outcome.timedOut() ? ", timed out" : "") + ")" : String.join("; ", records.problems()))
                            + lastWords(outcome));
                }
                try {
                    return Analysis.parse(records.report());
                } catch (IllegalArgumentException e) {
                    throw new AnalysisException(e.getMessage());
                }
            }
        } finally {
            sample.stop(Timer.builder("assay.analysis.duration")
                    .description("Wall-clock time of deriving the trusted tests, sealing them and the tamper analysis")
                    .tag("backend", sandbox.backend()).tag("language", runner.language().name()).register(meters));
        }
    }

    /** The harness, read-only at its fixed place, and the runner's toolchain. */
    private List<SandboxRequest.Mount> mounts(RunPlan plan) {
        List<SandboxRequest.Mount> mounts = new ArrayList<>(plan.mounts());
        mounts.add(harness);
        return mounts;
    }

    private static SandboxRequest.Run runOf(Generation generation, LanguageRunner runner, String phase) {
        return new SandboxRequest.Run(generation.getRequestId(), generation.getAttempt(), generation.getCandidate(),
                runner.language().name(), phase);
    }

    /**
     * Reads a test or compile run: first whether the report channel held (harness/PROTOCOL.md "Records"), then the
     * limits, then the tests weighed against the request's own ({@link TestEvidence}). Tampering found anywhere —
     * by the analysis, by the harness while the tests ran, or in the records themselves — makes the run TAMPERED,
     * whatever the tests say.
     */
    private ExecutionResult judge(Generation generation, ExecutionPolicy policy, SandboxResult outcome, String nonce,
            SandboxLimits used, Analysis analysis, WorkspacePlan plan) {
        boolean limitHit = outcome.timedOut() || outcome.outputLimitHit() || outcome.enforced() != Violation.NONE
                || outcome.exitCode() != null && outcome.exitCode() >= 128;
        RunRecords records = RunRecords.read(outcome, nonce, limitHit);
        RunReport report = null;
        String reportProblem = null;
        if (records.report() != null) {
            try {
                report = RunReport.parse(records.report());
            } catch (IllegalArgumentException e) {
                reportProblem = e.getMessage();
            }
        }
        List<Finding> findings = new ArrayList<>(plan.findings());
        analysis.findings().forEach(f -> findings.add(Tampering.finding(f)));
        records.problems().forEach(p -> findings.add(Tampering.finding("report-channel", p, null, null)));
        // Events were written the moment they happened; the report repeats them and adds the end-of-run checks.
        Set<JsonNode> integrity = new LinkedHashSet<>(records.events());
        if (report != null) {
            integrity.addAll(report.integrity());
        }
        integrity.forEach(e -> findings.add(Tampering.finding(e)));
        List<TestCaseResult> tests = report == null ? List.of() : TestEvidence.weigh(report, analysis, plan.requestFiles().keySet());
        Violation violation = Violations.classify(outcome, report);
        List<Finding> tampering = findings.stream().filter(Tampering::isTampering).toList();
        ExecutionStatus status;
        String detail;
        if (!tampering.isEmpty()) {
            status = ExecutionStatus.TAMPERED;
            detail = "tampering with verification: " + Tampering.describe(tampering);
        } else if (violation != Violation.NONE) {
            status = ExecutionStatus.ERROR;
            detail = describe(violation, used);
        } else if (report == null) {
            status = ExecutionStatus.ERROR;
            detail = reportProblem != null ? reportProblem
                    : "the test harness wrote no report (exit code " + outcome.exitCode() + ")" + lastWords(outcome);
        } else if (!report.errors().isEmpty()) {
            status = ExecutionStatus.ERROR;
            detail = "tests could not be loaded: " + String.join("; ", report.errors());
        } else if (tests.isEmpty()) {
            status = ExecutionStatus.ERROR;
            detail = policy == ExecutionPolicy.DRY_RUN ? "no source files to check" : "no tests found";
        } else if (count(tests, TestStatus.FAILED) + count(tests, TestStatus.ERROR) > 0) {
            status = ExecutionStatus.FAILED;
            detail = summary(tests, policy);
        } else if (count(tests, TestStatus.PASSED) == 0) {
            status = ExecutionStatus.ERROR;
            detail = "no test ran: " + summary(tests, policy);
        } else {
            status = outcome.exitCode() != null && outcome.exitCode() == 0 ? ExecutionStatus.PASSED : ExecutionStatus.ERROR;
            detail = status == ExecutionStatus.PASSED ? summary(tests, policy)
                    : "tests passed but the harness exited with " + outcome.exitCode();
        }
        ExecutionResult result = finished(generation, policy, status, violation, outcome.exitCode(), tests, outcome.stdout(),
                outcome.stderr(), outcome.outputTruncated(), outcome.duration(), detail);
        result.setFindings(findings);
        result.setRequiredTests(analysis.tests().size());
        if (report != null) {
            // Only the harness inside the sandbox sees the code under test; what the host sees of the launcher
            // (runsc, bwrap) is not that code, so a run without a report stays at 0, "not measured".
            result.setCpuMillis(report.cpuMillis());
            result.setPeakMemoryBytes(report.peakMemoryBytes());
        }
        return result;
    }

    private static KindSignal kindSignal(Analysis.KindSignal s) {
        return new KindSignal(ArtifactKind.valueOf(s.kind()), s.path(), s.line(), s.reason(), s.sql());
    }

    /** The executor's own signals, then the analysis's, each once. */
    private static List<KindSignal> merged(List<KindSignal> own, List<KindSignal> analysed) {
        List<KindSignal> all = new ArrayList<>(own);
        analysed.stream().filter(s -> !all.contains(s)).forEach(all::add);
        return all;
    }

    private static long count(List<TestCaseResult> tests, TestStatus status) {
        return tests.stream().filter(t -> t.getStatus() == status).count();
    }

    /** The end of stderr (or stdout), where runtimes and sandbox tools say why they stopped. */
    private static String lastWords(SandboxResult outcome) {
        String text = (outcome.stderr().isBlank() ? outcome.stdout() : outcome.stderr()).strip();
        if (text.isEmpty()) {
            return "";
        }
        return ": " + (text.length() > 300 ? "..." + text.substring(text.length() - 300) : text);
    }

    private static String summary(List<TestCaseResult> tests, ExecutionPolicy policy) {
        String verb = policy == ExecutionPolicy.DRY_RUN ? "dry run (compile only): " : "";
        long sealed = tests.stream().filter(t -> t.getOrigin() == TestOrigin.REQUEST && t.getEvidence() == Evidence.SEALED).count();
        long request = tests.stream().filter(t -> t.getOrigin() == TestOrigin.REQUEST).count();
        return verb + count(tests, TestStatus.PASSED) + " passed, " + count(tests, TestStatus.FAILED) + " failed, "
                + count(tests, TestStatus.ERROR) + " errors, " + count(tests, TestStatus.SKIPPED) + " skipped"
                + (request == 0 ? "" : "; " + request + " request test(s), " + sealed + " sealed");
    }

    private static String describe(Violation violation, SandboxLimits limits) {
        return switch (violation) {
            case TIMEOUT -> "killed: exceeded the time limit (" + limits.timeout().toSeconds() + " s wall clock, "
                    + limits.cpuSeconds() + " s CPU)";
            case MEMORY -> "ran out of memory (limit " + limits.memoryBytes() / (1024 * 1024) + " MiB)";
            case PIDS -> "hit the process limit (" + limits.pids() + ")";
            case OUTPUT_LIMIT -> "killed: printed more than " + limits.outputBytes() + " bytes";
            case DISK -> "hit the disk limit (" + limits.workspaceBytes() + " bytes)";
            case NETWORK -> "tried to use the network, which the sandbox does not have";
            case NONE, UNKNOWN -> "sandbox violation " + violation;
        };
    }

    private ExecutionResult notRun(Generation generation, ExecutionPolicy policy, String detail) {
        return finished(generation, policy, ExecutionStatus.NOT_RUN, Violation.NONE, null, List.of(), "", "", false,
                Duration.ZERO, detail);
    }

    private ExecutionResult finished(Generation generation, ExecutionPolicy policy, ExecutionStatus status,
            Violation violation, Integer exitCode, List<dev.assay.avro.TestCaseResult> tests, String stdout, String stderr,
            boolean truncated, Duration duration, String detail) {
        return ExecutionResult.newBuilder()
                .setRequestId(generation.getRequestId())
                .setAttempt(generation.getAttempt())
                .setGeneration(generation)
                .setBackend(sandbox.backend())
                .setPolicy(policy)
                .setStatus(status)
                .setViolation(violation)
                .setExitCode(exitCode)
                .setTests(new ArrayList<>(tests))
                .setStdout(stdout)
                .setStderr(stderr)
                .setOutputTruncated(truncated)
                .setDurationMs(duration.toMillis())
                .setDetail(detail)
                .setExecutedAt(clock.instant())
                .build();
    }

    /** The request's language, or when unset the one most generated files are written in. */
    static Language languageOf(Generation generation) {
        Language declared = generation.getContext().getRequest().getLanguage();
        if (declared != Language.UNKNOWN) {
            return declared;
        }
        Map<Language, Integer> votes = new EnumMap<>(Language.class);
        List<SourceFile> all = new ArrayList<>(generation.getFiles());
        all.addAll(generation.getContext().getRequest().getFiles());
        for (SourceFile file : all) {
            String path = file.getPath().toLowerCase(Locale.ROOT);
            Language language = path.endsWith(".py") ? Language.PYTHON
                    : path.endsWith(".java") ? Language.JAVA
                    : path.endsWith(".js") || path.endsWith(".mjs") || path.endsWith(".cjs") ? Language.JAVASCRIPT
                    : Language.UNKNOWN;
            if (language != Language.UNKNOWN) {
                votes.merge(language, 1, Integer::sum);
            }
        }
        return votes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(Language.UNKNOWN);
    }
}
