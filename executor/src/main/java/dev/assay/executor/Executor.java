package dev.assay.executor;

import dev.assay.avro.ArtifactKind;
import dev.assay.avro.ExecutionPolicy;
import dev.assay.avro.ExecutionResult;
import dev.assay.avro.ExecutionStatus;
import dev.assay.avro.Generation;
import dev.assay.avro.GenerationStatus;
import dev.assay.avro.Language;
import dev.assay.avro.SourceFile;
import dev.assay.avro.TestStatus;
import dev.assay.avro.Violation;
import dev.assay.executor.runner.LanguageRunner;
import dev.assay.executor.runner.RunPlan;
import dev.assay.executor.sandbox.Sandbox;
import dev.assay.executor.sandbox.SandboxException;
import dev.assay.executor.sandbox.SandboxLimits;
import dev.assay.executor.sandbox.SandboxRequest;
import dev.assay.executor.sandbox.SandboxResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one {@link Generation} into one {@link ExecutionResult}: decides the execution policy from the artifact
 * kind, lays out the workspace, runs the language's harness in the sandbox and reads the outcome. Everything the
 * generated code does, and a sandbox that fails to start, ends up in the result.
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
    }

    /**
     * Never throws for what the code does or for a sandbox that fails to start: both become an ERROR result, so
     * every generation gets exactly one result.
     *
     * @throws InterruptedException when the service is stopping while waiting for a free slot
     */
    public ExecutionResult execute(Generation generation) throws InterruptedException {
        ArtifactKind kind = generation.getContext().getRequest().getArtifactKind();
        ExecutionPolicy policy = policies.policyFor(kind);
        Language language = languageOf(generation);
        ExecutionResult result;
        if (generation.getStatus() != GenerationStatus.OK) {
            result = notRun(generation, policy, "generation " + generation.getStatus() + ": "
                    + Optional.ofNullable(generation.getFailureReason()).orElse("no reason given"));
        } else if (policy == ExecutionPolicy.NEVER) {
            result = notRun(generation, policy, policies.reason(kind));
        } else if (!runners.containsKey(language)) {
            result = finished(generation, policy, ExecutionStatus.ERROR, Violation.NONE, null, List.of(), "", "", false,
                    Duration.ZERO, "no runner for language " + language + " (supported: " + runners.keySet() + ")");
        } else {
            slots.acquire();
            try {
                result = run(generation, policy, runners.get(language));
            } catch (SandboxException | IOException e) {
                // The verifier must still hear about this attempt; a dead letter would leave the request hanging.
                log.error("request {} {}: sandbox failure", generation.getRequestId(), attemptOf(generation), e);
                result = finished(generation, policy, ExecutionStatus.ERROR, Violation.NONE, null, List.of(), "", "", false,
                        Duration.ZERO, "sandbox failure (" + sandbox.backend() + "): " + e.getMessage());
            } finally {
                slots.release();
            }
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

    private ExecutionResult run(Generation generation, ExecutionPolicy policy, LanguageRunner runner)
            throws SandboxException, IOException {
        List<SourceFile> requestFiles = generation.getContext().getRequest().getFiles();
        Workspace workspace;
        try {
            if (!Files.isDirectory(scratch)) {
                // A /tmp cleaner may have removed the long-lived scratch directory; recreate it as it was.
                Files.setPosixFilePermissions(Files.createDirectories(scratch), PosixFilePermissions.fromString("rwx--x--x"));
            }
            workspace = Workspace.create(scratch, requestFiles, generation.getFiles(), limits.workspaceBytes());
        } catch (WorkspaceException e) {
            return finished(generation, policy, ExecutionStatus.ERROR, Violation.NONE, null, List.of(), "", "", false,
                    Duration.ZERO, "rejected workspace: " + e.getMessage());
        }
        try (workspace) {
            String marker = "@@assay-report-" + UUID.randomUUID() + "@@";
            RunPlan plan = runner.plan(workspace, policy == ExecutionPolicy.DRY_RUN, marker, limits);
            Timer.Sample sample = Timer.start(meters);
            SandboxResult outcome = sandbox.run(new SandboxRequest(workspace.root(), plan.command(), plan.toolchain(),
                    plan.environment(), plan.limits(), marker,
                    new SandboxRequest.Run(generation.getRequestId(), generation.getAttempt(), generation.getCandidate(),
                            runner.language().name())));
            sample.stop(Timer.builder("assay.sandbox.duration").description("Wall-clock time of one sandboxed run")
                    .tag("backend", sandbox.backend()).tag("language", runner.language().name())
                    .publishPercentileHistogram().register(meters));
            return judge(generation, policy, outcome, plan.limits());
        }
    }

    private ExecutionResult judge(Generation generation, ExecutionPolicy policy, SandboxResult outcome, SandboxLimits used) {
        HarnessReport report = null;
        String reportProblem = null;
        if (outcome.report() != null) {
            try {
                report = HarnessReport.parse(outcome.report());
            } catch (IllegalArgumentException e) {
                reportProblem = e.getMessage();
            }
        }
        Violation violation = Violations.classify(outcome, report);
        List<dev.assay.avro.TestCaseResult> tests = report == null ? List.of() : report.tests();
        ExecutionStatus status;
        String detail;
        if (violation != Violation.NONE) {
            status = ExecutionStatus.ERROR;
            detail = describe(violation, used);
        } else if (report == null) {
            status = ExecutionStatus.ERROR;
            detail = reportProblem != null ? reportProblem
                    : "the test harness printed no report (exit code " + outcome.exitCode() + ")" + lastWords(outcome);
        } else if (!report.errors().isEmpty()) {
            status = ExecutionStatus.ERROR;
            detail = "tests could not be loaded: " + String.join("; ", report.errors());
        } else if (tests.isEmpty()) {
            status = ExecutionStatus.ERROR;
            detail = policy == ExecutionPolicy.DRY_RUN ? "no source files to check" : "no tests found";
        } else if (report.allPassed()) {
            status = outcome.exitCode() != null && outcome.exitCode() == 0 ? ExecutionStatus.PASSED : ExecutionStatus.ERROR;
            detail = status == ExecutionStatus.PASSED ? summary(report, policy)
                    : "tests passed but the harness exited with " + outcome.exitCode();
        } else if (report.count(TestStatus.FAILED) + report.count(TestStatus.ERROR) == 0) {
            status = ExecutionStatus.ERROR;
            detail = "no test ran: " + summary(report, policy);
        } else {
            status = ExecutionStatus.FAILED;
            detail = summary(report, policy);
        }
        ExecutionResult result = finished(generation, policy, status, violation, outcome.exitCode(), tests, outcome.stdout(),
                outcome.stderr(), outcome.outputTruncated(), outcome.duration(), detail);
        if (report != null) {
            // Only the harness inside the sandbox sees the code under test; what the host sees of the launcher
            // (runsc, bwrap) is not that code, so a run without a report stays at 0, "not measured".
            result.setCpuMillis(report.cpuMillis());
            result.setPeakMemoryBytes(report.peakMemoryBytes());
        }
        return result;
    }

    /** The end of stderr (or stdout), where runtimes and sandbox tools say why they stopped. */
    private static String lastWords(SandboxResult outcome) {
        String text = (outcome.stderr().isBlank() ? outcome.stdout() : outcome.stderr()).strip();
        if (text.isEmpty()) {
            return "";
        }
        return ": " + (text.length() > 300 ? "..." + text.substring(text.length() - 300) : text);
    }

    private static String summary(HarnessReport report, ExecutionPolicy policy) {
        String verb = policy == ExecutionPolicy.DRY_RUN ? "dry run (compile only): " : "";
        return verb + report.count(TestStatus.PASSED) + " passed, " + report.count(TestStatus.FAILED) + " failed, "
                + report.count(TestStatus.ERROR) + " errors, " + report.count(TestStatus.SKIPPED) + " skipped";
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
