package dev.assay.executor.sandbox;

import dev.assay.avro.Violation;
import java.time.Duration;
import java.util.List;

/**
 * What came out of one sandboxed run.
 *
 * @param exitCode         the command's exit status (128 + signal when killed by a signal), null when the JVM killed it
 * @param stdout           standard output up to the output limit, without the harness records
 * @param stderr           standard error up to the output limit
 * @param records          the harness records in the order written, each without its nonce prefix ({@code KIND json});
 *                         empty when the request had no nonce
 * @param outputAfterReport true when anything but whitespace reached standard output after the REPORT record
 * @param outputTruncated  true when stdout or stderr was cut at the limit
 * @param timedOut         true when the wall-clock timeout killed the run
 * @param outputLimitHit   true when the run was killed for printing more than the output limit
 * @param duration         wall-clock time from start to exit
 * @param enforced         a limit the sandbox itself enforced and reported (a kubelet's OOM kill), else NONE
 */
public record SandboxResult(Integer exitCode, String stdout, String stderr, List<String> records,
        boolean outputAfterReport, boolean outputTruncated, boolean timedOut, boolean outputLimitHit, Duration duration,
        Violation enforced) {

    public SandboxResult {
        records = List.copyOf(records);
    }

    /**
     * A result read from a finished log (a Kubernetes pod's, where standard output and error arrive as one), split into
     * program output and harness records exactly as a live run's standard output is.
     *
     * @param logTruncated the log was cut before it reached us
     */
    public static SandboxResult fromLog(Integer exitCode, String log, boolean logTruncated, String nonce, int outputLimit,
            boolean timedOut, boolean outputLimitHit, Duration duration, Violation enforced) {
        OutputCapture capture = OutputCapture.of(log, outputLimit, nonce);
        return new SandboxResult(exitCode, capture.text(), "", capture.records(), capture.outputAfterReport(),
                logTruncated || capture.truncated(), timedOut, outputLimitHit, duration, enforced);
    }
}
