package dev.assay.executor;

/** The analysis of an execution (harness/PROTOCOL.md "Runs") produced no usable report; the execution is an ERROR. */
final class AnalysisException extends Exception {
    AnalysisException(String message) {
        super(message);
    }
}
