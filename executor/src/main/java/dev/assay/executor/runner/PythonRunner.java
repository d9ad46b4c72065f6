package dev.assay.executor.runner;

import dev.assay.avro.Language;
import dev.assay.executor.sandbox.SandboxLimits;
import dev.assay.executor.sandbox.SandboxRequest;
import dev.assay.harness.HarnessLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Python: real pytest (Debian's {@code python3-pytest}, under the read-only {@code /usr}) driven by
 * {@code assay_harness.py}; analysis runs use {@code assay_analyze.py} (the standard library's {@code ast}). The
 * interpreter runs isolated ({@code -I}: no user site, no {@code PYTHON*} variables, the script's folder first on
 * {@code sys.path}) and writes no bytecode into the workspace ({@code -B}).
 */
public final class PythonRunner implements LanguageRunner {
    /** pytest's default test file patterns. */
    private static final Pattern TEST_FILE = Pattern.compile("(^|/)(test_[^/]*|[^/]*_test)\\.py$");
    /** Files pytest reads its configuration and plugins from. */
    private static final Set<String> CONFIG_FILES = Set.of("pytest.ini", "tox.ini", "setup.cfg", "pyproject.toml");
    /** Top-level modules a workspace file could shadow to replace the test framework or the harness. */
    private static final Pattern FRAMEWORK_MODULE = Pattern.compile(
            "^(pytest|_pytest|pluggy|py|unittest|sitecustomize|usercustomize|assay_[^/]*)(\\.py|/.*)$");
    private static final Pattern HOOKS = Pattern.compile("(?m)^\\s*(async\\s+)?def\\s+pytest_\\w+|^\\s*pytest_plugins\\s*=|pluggy|_pytest");

    private final Path python;

    /** @param python the interpreter's absolute path; it must be visible in the sandbox (under /usr, or its prefix is bound) */
    public PythonRunner(Path python) {
        if (!python.isAbsolute()) {
            throw new IllegalArgumentException("executor.python must be an absolute path: " + python);
        }
        this.python = python;
    }

    @Override
    public Language language() {
        return Language.PYTHON;
    }

    @Override
    public RunPlan plan(RunMode mode, SandboxLimits limits) {
        String script = mode == RunMode.ANALYZE ? HarnessLayout.PYTHON_ANALYZER : HarnessLayout.PYTHON_HARNESS;
        List<SandboxRequest.Mount> toolchain = python.startsWith("/usr/") ? List.of() : List.of(SandboxRequest.Mount.samePath(prefixOf(python)));
        return new RunPlan(List.of(python.toString(), "-I", "-B", script), toolchain, Map.of(), limits);
    }

    @Override
    public boolean isTestFile(String path) {
        return TEST_FILE.matcher(path).find();
    }

    @Override
    public Optional<TestInfrastructure> testInfrastructure(String path, String content, List<String> requestTestDirs) {
        String name = LanguageRunner.fileName(path);
        if (name.equals("conftest.py")) {
            return Optional.of(new TestInfrastructure(HOOKS.matcher(content).find(), "a pytest conftest.py"));
        }
        if (CONFIG_FILES.contains(name)) {
            return Optional.of(new TestInfrastructure(content.contains("-p ") || content.contains("plugins"),
                    "pytest configuration (" + name + ")"));
        }
        if (name.equals("__init__.py") && requestTestDirs.contains(LanguageRunner.folder(path))) {
            return Optional.of(new TestInfrastructure(HOOKS.matcher(content).find(), "the package file of a folder of the request's tests"));
        }
        if (FRAMEWORK_MODULE.matcher(path).matches() || name.endsWith(".pth")) {
            return Optional.of(new TestInfrastructure(true, "a module that would shadow the test framework or the harness"));
        }
        return Optional.empty();
    }

    /** For an interpreter like /opt/python/bin/python3 the installation prefix /opt/python is mounted. */
    private static Path prefixOf(Path python) {
        Path bin = python.getParent();
        return bin.getParent() == null ? bin : bin.getParent();
    }
}
