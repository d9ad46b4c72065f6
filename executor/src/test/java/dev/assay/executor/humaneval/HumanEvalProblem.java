package dev.assay.executor.humaneval;

import dev.assay.avro.Language;
import dev.assay.avro.SourceFile;
import java.util.List;

/**
 * One HumanEval(-X) problem laid out three ways: as a request (its tests) with a generated answer (the canonical
 * solution), with a deliberately broken answer, and as the program the official, unsandboxed evaluation runs.
 *
 * @param taskId        e.g. {@code HumanEval/0}, {@code Java/0}, {@code JavaScript/0}
 * @param requestFiles  the files the request carries: the problem's tests, which Assay trusts
 * @param solutionFiles the answer as a model would have written it: the canonical solution
 * @param brokenFiles   an answer that compiles but returns its type's default value: every check must fail it
 * @param testName      the test id the harness reports for this problem's check
 * @param reference     the reference program, one source file
 */
public record HumanEvalProblem(String taskId, Language language, List<SourceFile> requestFiles, List<SourceFile> solutionFiles,
        List<SourceFile> brokenFiles, String testName, Reference reference) {

    /** What the reference runs: one file, and (for Java) the main class to launch after compiling it. */
    public record Reference(String fileName, String source) {
    }

    /** A key usable as request id and file name: {@code he-python-0}. */
    public String requestId() {
        return "he-" + language.name().toLowerCase(java.util.Locale.ROOT) + "-" + number();
    }

    public int number() {
        return Integer.parseInt(taskId.substring(taskId.indexOf('/') + 1));
    }
}
