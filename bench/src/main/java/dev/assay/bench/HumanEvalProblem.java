package dev.assay.bench;

import dev.assay.avro.Language;
import dev.assay.avro.SourceFile;
import java.util.List;

/**
 * One HumanEval(-X) problem laid out twice: as the files of a {@code Generation} for the sandboxed pipeline, and as the
 * program the unsandboxed reference runs.
 *
 * @param taskId        e.g. {@code HumanEval/0}, {@code Java/0}, {@code JavaScript/0}
 * @param requestFiles  files the request carries (the tests), empty when the test lives in the generated file
 * @param solutionFiles files as a model would have written them (the canonical solution)
 * @param testName      the harness's name of the test that checks this problem
 * @param reference     the reference program, one source file
 */
public record HumanEvalProblem(String taskId, Language language, List<SourceFile> requestFiles,
        List<SourceFile> solutionFiles, String testName, Reference reference) {

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
