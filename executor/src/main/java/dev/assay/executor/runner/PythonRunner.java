package dev.assay.executor.runner;

import dev.assay.avro.Language;
import dev.assay.executor.Workspace;
import dev.assay.executor.sandbox.SandboxLimits;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Python: the standard-library harness {@code python_harness.py} discovers {@code test_*.py} / {@code *_test.py},
 * runs unittest cases, plain {@code test_*} functions and pytest-style {@code Test*} classes, and prints the JSON
 * report; a dry run compiles every {@code .py} file instead. A bundled subset of pytest (raises, approx, marks,
 * parametrize, fixtures incl. tmp_path, capsys and monkeypatch) stands in for pytest, which the sandbox cannot install.
 */
public final class PythonRunner implements LanguageRunner {
    static final String HARNESS_RESOURCE = "/dev/assay/executor/python_harness.py";
    static final String HARNESS_NAME = "python_harness.py";
    private static final java.util.Map<String, byte[]> RESOURCES = new java.util.concurrent.ConcurrentHashMap<>();
    static final String PYTEST_SHIM_RESOURCE = "/dev/assay/executor/pytest_shim/pytest.py";
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
    public RunPlan plan(Workspace workspace, boolean dryRun, String marker, SandboxLimits limits) throws IOException {
        workspace.writeReserved(HARNESS_NAME, resource(HARNESS_RESOURCE));
        workspace.writeReserved("pytest_shim/pytest.py", resource(PYTEST_SHIM_RESOURCE));
        List<String> command = new ArrayList<>(List.of(python.toString(),
                // -I: ignore PYTHON* variables and user site-packages; -B: no .pyc writes into the workspace.
                "-I", "-B", dev.assay.executor.sandbox.LocalSandbox.WORKSPACE_DIR + "/" + Workspace.RESERVED_DIR + "/" + HARNESS_NAME, marker));
        if (dryRun) {
            command.add("--compile-only");
        }
        List<Path> toolchain = python.startsWith("/usr/") ? List.of() : List.of(prefixOf(python));
        return new RunPlan(command, toolchain, Map.of("PYTHONUNBUFFERED", "1", "PYTHONHASHSEED", "0"), limits);
    }

    /** For an interpreter like /opt/python/bin/python3 the installation prefix /opt/python is mounted. */
    private static Path prefixOf(Path python) {
        Path bin = python.getParent();
        return bin.getParent() == null ? bin : bin.getParent();
    }

    /** A harness file, read from the jar once: a jar replaced under a running service must not break later runs. */
    static byte[] resource(String name) throws IOException {
        byte[] cached = RESOURCES.get(name);
        if (cached != null) {
            return cached;
        }
        try (InputStream in = PythonRunner.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing resource " + name);
            }
            byte[] bytes = in.readAllBytes();
            RESOURCES.putIfAbsent(name, bytes);
            return bytes;
        }
    }
}
