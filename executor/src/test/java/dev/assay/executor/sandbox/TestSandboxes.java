package dev.assay.executor.sandbox;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.Optional;

/** The real local backends for tests: skipped when absent, unless {@code -Dassay.require.tools=true}. */
public final class TestSandboxes {
    private static final Path SCRATCH = Sandboxes.scratchDirectory(Path.of(System.getProperty("java.io.tmpdir")));
    private static final int UID_BASE = 210_000;
    private static Optional<Sandbox> runsc;
    private static Optional<Sandbox> bwrap;

    private TestSandboxes() {
    }

    /** Makes a JUnit temp dir (0700) passable for the sandbox uids, as the executor's own scratch directory is. */
    public static java.nio.file.Path passable(java.nio.file.Path dir) {
        try {
            java.nio.file.Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
            return dir;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static boolean toolsRequired() {
        return Boolean.getBoolean("assay.require.tools");
    }

    public static synchronized Optional<Sandbox> runsc() {
        if (runsc == null) {
            runsc = Sandboxes.find("runsc").map(p -> (Sandbox) new RunscSandbox(p, SCRATCH))
                    .filter(s -> Sandboxes.probe(s, SCRATCH) == null);
        }
        return runsc;
    }

    public static synchronized Optional<Sandbox> bwrap() {
        if (bwrap == null) {
            bwrap = Sandboxes.find("bwrap").map(p -> (Sandbox) new BwrapSandbox(p, UID_BASE, 2))
                    .filter(s -> Sandboxes.probe(s, SCRATCH) == null);
        }
        return bwrap;
    }

    /**
     * The backend production would pick (gVisor first), or the one named by {@code -Dassay.test.sandbox=runsc|bwrap};
     * when unusable the test is skipped / failed.
     */
    public static Sandbox any() {
        String forced = System.getProperty("assay.test.sandbox", "");
        if (!forced.isBlank()) {
            return require(forced.equals("runsc") ? runsc() : bwrap(), forced);
        }
        return require(runsc().or(TestSandboxes::bwrap), "runsc or bwrap");
    }

    /**
     * This backend; when it is absent the test is skipped, and fails only if tools are required and no backend at all
     * is usable (gVisor needs root, which CI may not have).
     */
    public static Sandbox named(String backend) {
        Optional<Sandbox> sandbox = backend.equals("runsc") ? runsc() : bwrap();
        if (sandbox.isEmpty() && toolsRequired() && runsc().isEmpty() && bwrap().isEmpty()) {
            fail("assay.require.tools=true but neither runsc nor bwrap is usable");
        }
        assumeTrue(sandbox.isPresent(), backend + " is not usable here");
        return sandbox.get();
    }

    private static Sandbox require(Optional<Sandbox> sandbox, String what) {
        if (sandbox.isEmpty() && toolsRequired()) {
            fail("assay.require.tools=true but " + what + " is not usable");
        }
        assumeTrue(sandbox.isPresent(), what + " is not usable here");
        return sandbox.get();
    }
}
