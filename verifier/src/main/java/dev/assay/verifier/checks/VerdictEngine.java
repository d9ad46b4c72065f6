package dev.assay.verifier.checks;

import dev.assay.avro.Evidence;
import dev.assay.avro.ExecutionPolicy;
import dev.assay.avro.ExecutionResult;
import dev.assay.avro.ExecutionStatus;
import dev.assay.avro.Finding;
import dev.assay.avro.GenerationStatus;
import dev.assay.avro.TestCaseResult;
import dev.assay.avro.TestOrigin;
import dev.assay.avro.TestStatus;
import dev.assay.avro.Verdict;
import dev.assay.avro.Violation;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Judges one attempt: it passes iff the sandbox reported PASSED (which already means every test of the request's own
 * test files ran and passed, sealed assertions compared outside the sandbox), no test failed and no check found
 * anything HIGH or CRITICAL — the executor's own findings (tampering, refused test infrastructure, edits of the
 * request's tests) included — or, for a migration (execution policy NEVER), iff nothing blocks it: it goes to the gate
 * for a person with its static review, never executed. A TAMPERED execution is a tampered verdict: the request ends
 * there. The summary says why,
 * in one line a person or a model can act on.
 */
public final class VerdictEngine {
    private static final int NAMES_IN_SUMMARY = 3;

    private final List<Check> checks;
    private final Clock clock;

    public VerdictEngine(List<Check> checks, Clock clock) {
        this.checks = List.copyOf(checks);
        this.clock = clock;
    }

    /** The built-in checks: dangerous APIs, secrets, and imports against {@code allowlist}. */
    public static VerdictEngine withDefaultChecks(ImportAllowlist allowlist, Clock clock) {
        return new VerdictEngine(List.of(new DangerousApiCheck(), new SecretLeakCheck(), new ImportAllowlistCheck(allowlist)),
                clock);
    }

    public Verdict judge(ExecutionResult result) {
        CheckSubject subject = CheckSubject.of(result);
        List<Finding> findings = new ArrayList<>(result.getFindings());
        for (Check check : checks) {
            findings.addAll(check.inspect(subject));
        }
        findings = Findings.sorted(findings);
        List<TestCaseResult> failedTests = result.getTests().stream()
                .filter(t -> t.getStatus() == TestStatus.FAILED || t.getStatus() == TestStatus.ERROR).toList();
        List<Finding> blocking = findings.stream().filter(Findings::isBlocking).toList();

        List<String> problems = new ArrayList<>();
        // A migration is never executed; it goes to a person with its static review instead of failing for not running.
        boolean reviewOnly = result.getPolicy() == ExecutionPolicy.NEVER && result.getStatus() == ExecutionStatus.NOT_RUN
                && result.getGeneration().getStatus() == GenerationStatus.OK;
        if (result.getStatus() != ExecutionStatus.PASSED && !reviewOnly) {
            problems.add("execution " + result.getStatus()
                    + (result.getViolation() != null && result.getViolation() != Violation.NONE
                            ? " (sandbox limit " + result.getViolation() + ")" : "")
                    + (result.getDetail() != null && !result.getDetail().isBlank() ? ": " + oneLine(result.getDetail()) : ""));
        }
        if (result.getTests().isEmpty() && !reviewOnly) {
            problems.add("no tests ran");
        }
        if (!failedTests.isEmpty()) {
            problems.add(failedTests.size() + " of " + result.getTests().size() + " tests failed ("
                    + names(failedTests.stream().map(TestCaseResult::getName).toList()) + ")");
        }
        if (!blocking.isEmpty()) {
            problems.add(blocking.size() + " blocking finding(s) ("
                    + names(blocking.stream().map(f -> f.getSeverity() + " " + f.getCheck() + location(f)).toList()) + ")");
        }
        boolean tampered = result.getStatus() == ExecutionStatus.TAMPERED;
        boolean passed = problems.isEmpty();
        String summary = tampered
                ? "tampered with verification: " + oneLine(result.getDetail() == null ? "" : result.getDetail().replaceFirst(
                        "^tampering with verification: ", ""))
                : passed && reviewOnly
                ? "for review, never executed (execution policy NEVER): " + findings.stream()
                        .filter(f -> f.getCheck().startsWith("migration/")).count() + " migration finding(s)"
                : passed
                ? "passed: " + passedSummary(result.getTests()) + (findings.isEmpty() ? ""
                        : ", " + findings.size() + " non-blocking finding(s)")
                : "failed: " + String.join("; ", problems);
        return Verdict.newBuilder()
                .setRequestId(result.getRequestId())
                .setAttempt(result.getAttempt())
                .setCandidate(result.getGeneration().getCandidate())
                .setPassed(passed)
                .setTampered(tampered)
                .setSummary(summary)
                .setFindings(findings)
                .setFailedTests(failedTests)
                .setDecidedAt(clock.instant())
                .build();
    }

    /** "5 test(s) passed (3 of the request's, 2 sealed; 2 generated)". */
    private static String passedSummary(List<TestCaseResult> tests) {
        long passed = tests.stream().filter(t -> t.getStatus() == TestStatus.PASSED).count();
        long request = tests.stream().filter(t -> t.getOrigin() == TestOrigin.REQUEST && t.getStatus() == TestStatus.PASSED).count();
        long sealed = tests.stream().filter(t -> t.getOrigin() == TestOrigin.REQUEST && t.getStatus() == TestStatus.PASSED
                && t.getEvidence() == Evidence.SEALED).count();
        long generated = tests.stream().filter(t -> t.getOrigin() == TestOrigin.GENERATED && t.getStatus() == TestStatus.PASSED).count();
        return passed + " test(s) passed (" + request + " of the request's, " + sealed + " sealed"
                + (generated == 0 ? "" : "; " + generated + " generated") + ")";
    }

    private static String location(Finding f) {
        return f.getPath() == null ? "" : " at " + f.getPath() + (f.getLine() == null ? "" : ":" + f.getLine());
    }

    private static String names(List<String> names) {
        String shown = String.join(", ", names.subList(0, Math.min(NAMES_IN_SUMMARY, names.size())));
        return names.size() > NAMES_IN_SUMMARY ? shown + ", +" + (names.size() - NAMES_IN_SUMMARY) + " more" : shown;
    }

    private static String oneLine(String text) {
        String line = text.strip().replaceAll("\\s+", " ");
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }
}
