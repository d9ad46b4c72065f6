package dev.assay.executor;

import dev.assay.avro.Finding;
import dev.assay.avro.Severity;
import dev.assay.avro.SourceFile;
import dev.assay.executor.runner.LanguageRunner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which files an execution's runs see, decided before anything runs. The request's files are trusted; generated
 * files are not, and two kinds never enter the test run:
 * <ul>
 *   <li><b>test infrastructure</b> the request did not ask for (a conftest.py, pytest or JUnit configuration, a
 *       service registration, a module shadowing the framework): it would change how the request's tests run, so it
 *       is refused — a finding, HIGH, or CRITICAL (tampering) when it registers hooks or extensions;</li>
 *   <li><b>edits of the request's tests</b>: the request's own version runs, the edit is shown to the reviewer (MEDIUM
 *       finding {@code test-edit}; the gate never auto-approves it).</li>
 * </ul>
 *
 * @param requestFiles   the request's files by path
 * @param requestTests   the paths among them the language's runner treats as tests, or the analysis found tests in
 * @param generatedFiles the generated files that enter the runs, by path
 * @param findings       what was refused or set aside, and why
 */
public record WorkspacePlan(Map<String, String> requestFiles, List<String> requestTests, Map<String, String> generatedFiles,
        List<Finding> findings) {
    /** {@link Finding#getCheck()} of a generated edit of a request test. */
    public static final String TEST_EDIT = "test-edit";
    /** {@link Finding#getCheck()} of refused test infrastructure. */
    public static final String TEST_INFRASTRUCTURE = "test-infrastructure";

    public WorkspacePlan {
        requestFiles = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(requestFiles));
        requestTests = List.copyOf(requestTests);
        generatedFiles = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(generatedFiles));
        findings = List.copyOf(findings);
    }

    /**
     * @throws WorkspaceException for a path that could leave the workspace or is otherwise unusable
     */
    public static WorkspacePlan of(List<SourceFile> request, List<SourceFile> generated, List<String> targetPaths,
            LanguageRunner runner, Set<String> analysedTestFiles) throws WorkspaceException {
        Map<String, String> requestFiles = new LinkedHashMap<>();
        for (SourceFile file : request) {
            requestFiles.put(Workspace.checkPath(file.getPath()), file.getContent());
        }
        List<String> requestTests = requestFiles.keySet().stream()
                .filter(path -> runner.isTestFile(path) || analysedTestFiles.contains(path)).toList();
        Set<String> testDirs = new LinkedHashSet<>();
        requestTests.forEach(t -> testDirs.add(LanguageRunner.folder(t)));
        Set<String> targets = Set.copyOf(targetPaths);
        Map<String, String> generatedFiles = new LinkedHashMap<>();
        List<Finding> findings = new ArrayList<>();
        for (SourceFile file : generated) {
            String path = Workspace.checkPath(file.getPath());
            String content = file.getContent();
            if (requestTests.contains(path)) {
                if (!content.equals(requestFiles.get(path))) {
                    findings.add(finding(TEST_EDIT, Severity.MEDIUM, "the generated change edits the request's test " + path
                            + "; the request's version ran, and a person reviews the edit", path));
                }
                continue;
            }
            if (!targets.contains(path)) {
                var infrastructure = runner.testInfrastructure(path, content, List.copyOf(testDirs));
                if (infrastructure.isPresent()) {
                    boolean hooks = infrastructure.get().hooks();
                    findings.add(finding(hooks ? "tampering/" + TEST_INFRASTRUCTURE : TEST_INFRASTRUCTURE,
                            hooks ? Severity.CRITICAL : Severity.HIGH,
                            "generated " + path + " is " + infrastructure.get().why() + (hooks ? ", registering hooks or extensions" : "")
                                    + "; the request did not ask for it (targetPaths), so it was left out of the run", path));
                    continue;
                }
            }
            generatedFiles.put(path, content);
        }
        return new WorkspacePlan(requestFiles, requestTests, generatedFiles, findings);
    }

    /** The test run's files: the request's (its tests as {@code rewrittenTests} has them) overlaid by the generated ones. */
    public Map<String, String> testRunFiles(Map<String, String> rewrittenTests) {
        Map<String, String> files = new LinkedHashMap<>(requestFiles);
        files.putAll(rewrittenTests);
        files.putAll(generatedFiles);
        return files;
    }

    private static Finding finding(String check, Severity severity, String message, String path) {
        return Finding.newBuilder().setCheck(check).setSeverity(severity).setMessage(message).setPath(path).setLine(null).build();
    }
}
