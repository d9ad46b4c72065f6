package dev.assay.executor.runner;

import dev.assay.avro.Language;
import dev.assay.executor.analysis.Analysis;
import dev.assay.executor.sandbox.SandboxLimits;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How code of one language is tested inside the sandbox: which harness command, which toolchain, which files are
 * tests and which would change how tests run (harness/PROTOCOL.md).
 */
public interface LanguageRunner {

    Language language();

    /** The command and limits for a run in {@code mode}; the harness is at {@code /opt/assay/harness}. */
    RunPlan plan(RunMode mode, SandboxLimits limits);

    /** Whether the language's test runner would pick {@code path} up as a test file. */
    boolean isTestFile(String path);

    /**
     * Whether a file at {@code path} with this content would create or change the test infrastructure (configuration,
     * plugins, extensions, framework packages) for the request's tests, in the given workspace.
     *
     * @param requestTestDirs folders holding the request's test files
     */
    Optional<TestInfrastructure> testInfrastructure(String path, String content, List<String> requestTestDirs);

    /**
     * The analysis done by the executor itself rather than in an analysis run, for languages that need no sandbox to
     * parse (Java); empty for the others.
     */
    default Optional<Analysis> analyzeHere(Map<String, String> requestFiles, Map<String, String> generatedFiles,
            List<String> targetPaths) {
        return Optional.empty();
    }

    /**
     * A generated file that would change how tests run.
     *
     * @param hooks true when it registers hooks, plugins or extensions (tampering), false for configuration only
     * @param why   what it is, for the finding
     */
    record TestInfrastructure(boolean hooks, String why) {
    }

    /** The file name of a workspace path. */
    static String fileName(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }

    /** The folder of a workspace path, "" at the root. */
    static String folder(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }
}
