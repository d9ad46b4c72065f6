package dev.assay.generator;

import dev.assay.avro.ArtifactKind;
import dev.assay.avro.AssayRequest;
import dev.assay.avro.SourceFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Which paths a generation may write for a request. The request's own tests judge the generated code, so the model
 * must not be able to replace them; target paths, when given, are the complete list of files to write.
 */
public final class WritePolicy {
    private static final Pattern TEST_NAME = Pattern.compile(
            "(^test_.+\\.py$)|(.+_test\\.py$)|(^conftest\\.py$)|(.+Tests?\\.java$)|(^Test[A-Z0-9_].*\\.java$)|(.+IT\\.java$)"
                    + "|(.+\\.(test|spec)\\.[cm]?[jt]sx?$)");

    private final Set<String> targets;
    private final Set<String> inputs;
    private final Set<String> protectedTests;

    private WritePolicy(Set<String> targets, Set<String> inputs, Set<String> protectedTests) {
        this.targets = targets;
        this.inputs = inputs;
        this.protectedTests = protectedTests;
    }

    public static WritePolicy forRequest(AssayRequest request) {
        Set<String> targets = new TreeSet<>(request.getTargetPaths());
        Set<String> inputs = new TreeSet<>();
        Set<String> tests = new TreeSet<>();
        for (SourceFile f : request.getFiles()) {
            inputs.add(f.getPath());
            boolean requestedTest = request.getArtifactKind() == ArtifactKind.UNIT_TEST && targets.contains(f.getPath());
            if (isTest(f.getPath()) && !requestedTest) {
                tests.add(f.getPath());
            }
        }
        return new WritePolicy(targets, inputs, tests);
    }

    static boolean isTest(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        return TEST_NAME.matcher(name).matches() || path.contains("__tests__/");
    }

    /** Empty when the model may write exactly {@code paths}, else why not. */
    public Optional<String> check(Set<String> paths) {
        List<String> problems = new ArrayList<>();
        for (String p : paths) {
            String shown = CompletionParser.printable(p);
            if (protectedTests.contains(p)) {
                problems.add("'" + shown + "' is one of the request's tests and may not be replaced");
            } else if (!targets.isEmpty() && !targets.contains(p)) {
                problems.add("'" + shown + "' is not one of the target paths " + targets);
            } else if (targets.isEmpty() && inputs.contains(p)) {
                problems.add("'" + shown + "' would overwrite a file of the request (no target paths were given)");
            }
        }
        List<String> missing = targets.stream().filter(t -> !paths.contains(t)).toList();
        if (!missing.isEmpty()) {
            problems.add("target paths not written: " + missing);
        }
        return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
    }
}
