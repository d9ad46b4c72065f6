package dev.assay.executor.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Finds the local sandbox backends and checks that they actually run something before one is chosen. */
public final class Sandboxes {
    private static final Logger log = LoggerFactory.getLogger(Sandboxes.class);
    private static final List<Path> SEARCH = List.of(Path.of("/usr/bin"), Path.of("/usr/local/bin"), Path.of("/usr/sbin"), Path.of("/bin"));
    private static final SandboxLimits PROBE_LIMITS = new SandboxLimits(Duration.ofSeconds(20), 5, 256L * 1024 * 1024, 16, 4096, 1024 * 1024);

    private Sandboxes() {
    }

    /** Which backend to use: a local one (AUTO picks), or Jobs on a Kubernetes cluster. */
    public enum Choice { AUTO, RUNSC, BWRAP, KUBERNETES }

    /**
     * The sandbox to use: for AUTO gVisor when it can start a container here, else bubblewrap; the named backend
     * otherwise. Fails with a clear message when the choice is not available, never falling back to no sandbox.
     *
     * @param scratch where runs keep their temporary directories
     * @param uidBase first uid of bubblewrap's pool (when running as root)
     * @param slots   parallel runs
     */
    public static Sandbox create(Choice choice, Path scratch, int uidBase, int slots) {
        return create(choice, find("runsc"), find("bwrap"), scratch, uidBase, slots);
    }

    static Sandbox create(Choice choice, Optional<Path> runsc, Optional<Path> bwrap, Path scratch, int uidBase, int slots) {
        if (choice == Choice.KUBERNETES) {
            throw new IllegalArgumentException("the Kubernetes backend is not a local sandbox; build a KubernetesSandbox");
        }
        // Not Optional.map: a successful probe returns null, which map would turn into "not installed".
        String runscProblem = runsc.isPresent() ? probe(new RunscSandbox(runsc.get(), scratch), scratch) : "runsc is not installed";
        if (choice == Choice.RUNSC || (choice == Choice.AUTO && runscProblem == null)) {
            if (runscProblem != null) {
                throw new IllegalStateException("executor.sandbox=runsc but gVisor is not usable: " + runscProblem);
            }
            log.info("sandbox backend: gVisor {}", runsc.orElseThrow());
            return new RunscSandbox(runsc.orElseThrow(), scratch);
        }
        String bwrapProblem = bwrap.isPresent() ? probe(new BwrapSandbox(bwrap.get(), uidBase, 1), scratch) : "bwrap is not installed";
        if (bwrapProblem != null) {
            throw new IllegalStateException("no usable sandbox for executor.sandbox=" + choice.name().toLowerCase(java.util.Locale.ROOT)
                    + ": runsc: " + runscProblem + "; bwrap: " + bwrapProblem
                    + ". Install gVisor (runsc, needs root) or bubblewrap; generated code is never run unsandboxed.");
        }
        if (choice == Choice.AUTO) {
            log.warn("gVisor not usable ({}); falling back to bubblewrap {}", runscProblem, bwrap.orElseThrow());
        }
        return new BwrapSandbox(bwrap.orElseThrow(), uidBase, slots);
    }

    /**
     * A private directory for the runs' temporary files: only the service can list it, the sandbox uids can pass
     * through it to their own (world-readable) run directories. Its name carries the JVM's pid, so directories left
     * by an executor that died (workspaces, gVisor bundles) are removed here once their pid is gone.
     */
    public static Path scratchDirectory(Path parent) {
        removeAbandonedScratch(parent);
        try {
            Path dir = Files.createTempDirectory(parent, SCRATCH_PREFIX + ProcessHandle.current().pid() + "-");
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
            // Runs delete their own directories; this removes the then empty parent when the JVM exits.
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot create the executor's scratch directory under " + parent, e);
        }
    }

    private static final String SCRATCH_PREFIX = "assay-executor-";

    static void removeAbandonedScratch(Path parent) {
        try (var dirs = Files.newDirectoryStream(parent, SCRATCH_PREFIX + "*")) {
            for (Path dir : dirs) {
                String rest = dir.getFileName().toString().substring(SCRATCH_PREFIX.length());
                int dash = rest.indexOf('-');
                if (dash <= 0 || !rest.substring(0, dash).chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long pid = Long.parseLong(rest.substring(0, dash));
                if (ProcessHandle.of(pid).isEmpty() && Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    log.info("removing scratch directory {} of executor process {}, which is gone", dir, pid);
                    TempDirs.deleteQuietly(dir, log);
                }
            }
        } catch (IOException | NumberFormatException e) {
            log.warn("could not look for abandoned scratch directories in {}: {}", parent, e.toString());
        }
    }

    /** The binary on the standard system paths (not the service's PATH, which a deployment could redirect). */
    public static Optional<Path> find(String name) {
        return SEARCH.stream().map(dir -> dir.resolve(name)).filter(Files::isExecutable).findFirst();
    }

    /** Null when the sandbox ran {@code /bin/sh -c 'exit 0'}-like probe fine, else what went wrong. */
    static String probe(Sandbox sandbox, Path scratch) {
        Path input = null;
        try {
            input = TempDirs.createReadable(scratch, "assay-probe-");
            SandboxResult result = sandbox.run(new SandboxRequest(input, List.of("/usr/bin/true"), List.of(), Map.of(), PROBE_LIMITS, "", null,
                    SandboxRequest.Run.PROBE));
            if (result.exitCode() == null || result.exitCode() != 0) {
                return "probe run exited with " + result.exitCode() + ": " + result.stderr().strip();
            }
            return null;
        } catch (IOException | SandboxException e) {
            return e.getMessage();
        } finally {
            if (input != null) {
                TempDirs.deleteQuietly(input, log);
            }
        }
    }
}
