package dev.assay.executor.sandbox;

import dev.assay.avro.Violation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sandbox on this machine: a backend-specific launcher (gVisor or bubblewrap) around a common inner command
 * that copies the read-only input into a size-limited tmpfs workspace and runs the program under {@code prlimit}.
 * The JVM enforces the wall clock and the output limit by destroying the whole process tree.
 */
public abstract class LocalSandbox implements Sandbox {
    private static final Logger log = LoggerFactory.getLogger(LocalSandbox.class);
    /** Where the read-only input and the writable workspace appear inside every backend. */
    public static final String INPUT_DIR = "/input";
    public static final String WORKSPACE_DIR = "/workspace";
    /** The limits binary (util-linux), reached through the read-only /usr bind. */
    static final String PRLIMIT = "/usr/bin/prlimit";
    private static final Duration DRAIN_AFTER_EXIT = Duration.ofSeconds(5);

    @Override
    public final SandboxResult run(SandboxRequest request) throws SandboxException {
        if (!Files.isDirectory(request.input())) {
            throw new SandboxException("sandbox input " + request.input() + " is not a directory");
        }
        for (SandboxRequest.Mount mount : request.mounts()) {
            if (!Files.exists(mount.source())) {
                throw new SandboxException("mount source " + mount.source() + " does not exist");
            }
        }
        try (Launch launch = prepare(request, innerCommand(request))) {
            return supervise(launch.process(), request);
        } catch (IOException e) {
            throw new SandboxException(backend() + " sandbox could not be started: " + e.getMessage(), e);
        }
    }

    /** Builds and starts the backend process running {@code inner}; the returned launch cleans up on close. */
    protected abstract Launch prepare(SandboxRequest request, List<String> inner) throws IOException, SandboxException;

    /** The environment every sandboxed program gets; nothing from the JVM's environment leaks in. */
    protected static Map<String, String> sandboxEnvironment(SandboxRequest request) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("LANG", "C.UTF-8");
        env.put("HOME", "/tmp");
        env.put("TMPDIR", "/tmp");
        env.putAll(request.environment());
        return env;
    }

    /**
     * Starts a backend process from one long-lived platform thread. The backends die with their parent
     * (PR_SET_PDEATHSIG via {@code setpriv --pdeathsig} or bwrap's {@code --die-with-parent}), and Linux takes the
     * parent to be the thread that forked: a virtual thread's carrier can end while the sandbox still runs, this
     * thread cannot, so the sandboxes go exactly when the JVM goes.
     */
    protected static Process start(ProcessBuilder builder) throws IOException {
        try {
            return LAUNCHER.submit(builder::start).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting the sandbox", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("could not start the sandbox", e.getCause());
        }
    }

    private static final java.util.concurrent.ExecutorService LAUNCHER = java.util.concurrent.Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().daemon().name("assay-sandbox-launcher").unstarted(r));

    /** {@code setpriv} from util-linux: sets the parent-death signal (and drops privileges for bubblewrap). */
    static final String SETPRIV = "/usr/bin/setpriv";

    /** A process builder with an empty environment except a minimal PATH for the launcher itself. */
    protected static ProcessBuilder cleanProcess(List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        builder.environment().put("LANG", "C.UTF-8");
        builder.environment().put("HOME", "/tmp");
        return builder;
    }

    /**
     * sh copies the input into the tmpfs workspace (so a disk fill hits the tmpfs size, never the host disk), then
     * execs prlimit, which execs the program: the limits apply to the code under test and everything it starts.
     * CPU has a soft limit one second below the hard one so the process gets SIGXCPU, which tells CPU from other kills.
     */
    static List<String> innerCommand(SandboxRequest request) {
        SandboxLimits limits = request.limits();
        List<String> inner = new ArrayList<>(List.of("/bin/sh", "-c",
                "cp -R " + INPUT_DIR + "/. " + WORKSPACE_DIR + "/ && cd " + WORKSPACE_DIR + " && exec \"$@\"", "assay-sandbox",
                PRLIMIT,
                "--cpu=" + limits.cpuSeconds() + ":" + (limits.cpuSeconds() + 1),
                "--as=" + limits.memoryBytes(),
                "--nproc=" + limits.pids(),
                "--fsize=" + limits.workspaceBytes(),
                "--nofile=256",
                "--core=0",
                "--"));
        inner.addAll(request.command());
        return inner;
    }

    private SandboxResult supervise(Process process, SandboxRequest request) throws IOException {
        long started = System.nanoTime();
        // The handshake goes in whole and the stream closes, so the harness reads it to end-of-file at once; a
        // program that never reads it (or exits first) must not fail the run, hence the broken pipe is ignored.
        try (var stdin = process.getOutputStream()) {
            stdin.write(request.stdin().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            log.debug("{} sandbox closed its standard input early: {}", backend(), e.toString());
        }
        AtomicBoolean outputLimitHit = new AtomicBoolean();
        CountDownLatch limitLatch = new CountDownLatch(1);
        Runnable onLimit = () -> {
            outputLimitHit.set(true);
            limitLatch.countDown();
        };
        int cap = request.limits().outputBytes();
        OutputCapture out = new OutputCapture(process.getInputStream(), cap, request.nonce(), onLimit);
        OutputCapture err = new OutputCapture(process.getErrorStream(), cap, null, onLimit);
        Thread outReader = Thread.ofVirtual().name(backend() + "-stdout").start(out);
        Thread errReader = Thread.ofVirtual().name(backend() + "-stderr").start(err);
        boolean timedOut = false;
        try {
            Thread watcher = Thread.ofVirtual().start(() -> {
                try {
                    limitLatch.await();
                    destroyTree(process);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            try {
                if (!process.waitFor(request.limits().timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                    timedOut = !outputLimitHit.get();
                    destroyTree(process);
                    if (!process.waitFor(DRAIN_AFTER_EXIT.toMillis(), TimeUnit.MILLISECONDS)) {
                        log.warn("{} sandbox process {} did not die after SIGKILL", backend(), process.pid());
                    }
                }
            } finally {
                watcher.interrupt();
            }
            // Readers see end of stream once the last process holding the pipes is gone.
            outReader.join(DRAIN_AFTER_EXIT);
            errReader.join(DRAIN_AFTER_EXIT);
        } catch (InterruptedException e) {
            destroyTree(process);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the sandbox ran", e);
        } finally {
            if (process.isAlive() || outReader.isAlive() || errReader.isAlive()) {
                destroyTree(process);
            }
            process.getInputStream().close();
            process.getErrorStream().close();
        }
        if (out.failure() != null || err.failure() != null) {
            log.debug("{} output stream ended with an error: {} {}", backend(), out.failure(), err.failure());
        }
        boolean killedByUs = timedOut || outputLimitHit.get() || process.isAlive();
        Duration duration = Duration.ofNanos(System.nanoTime() - started);
        return new SandboxResult(killedByUs ? null : process.exitValue(), out.text(), err.text(), out.records(),
                out.outputAfterReport(), out.truncated() || err.truncated(), timedOut, outputLimitHit.get(), duration,
                Violation.NONE);
    }

    /** Kills the launcher and everything below it, children first so nothing is re-parented and survives. */
    protected static void destroyTree(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** A started backend process plus whatever must be cleaned up after it. */
    protected interface Launch extends AutoCloseable {
        Process process();

        @Override
        void close() throws IOException;
    }
}
