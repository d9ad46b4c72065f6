package dev.assay.executor.sandbox;

import dev.assay.avro.Violation;
import java.time.Duration;

/**
 * What came out of one sandboxed run.
 *
 * @param exitCode         the command's exit status (128 + signal when killed by a signal), null when the JVM killed it
 * @param stdout           standard output up to the output limit, without the harness report
 * @param stderr           standard error up to the output limit
 * @param report           the text after the report marker line, or null when none was printed
 * @param outputTruncated  true when stdout or stderr was cut at the limit
 * @param timedOut         true when the wall-clock timeout killed the run
 * @param outputLimitHit   true when the run was killed for printing more than the output limit
 * @param duration         wall-clock time from start to exit
 * @param enforced         a limit the sandbox itself enforced and reported (a kubelet's OOM kill), else NONE
 */
public record SandboxResult(Integer exitCode, String stdout, String stderr, String report, boolean outputTruncated,
        boolean timedOut, boolean outputLimitHit, Duration duration, Violation enforced) {
}
