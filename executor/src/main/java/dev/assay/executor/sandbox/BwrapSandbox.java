package dev.assay.executor.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * bubblewrap: new user, pid, net, ipc, uts, cgroup and mount namespaces ({@code --unshare-all}), no nested user
 * namespaces, a cleared environment, a new session (no TIOCSTI into the caller's terminal), killed with its
 * parent; only {@code /usr} (and the toolchain and harness mounts) bound read-only, the input read-only, tmpfs {@code /tmp} and
 * {@code /workspace} with a size limit.
 *
 * <p>RLIMIT_NPROC counts processes per host uid and does not apply to root at all, so when the service runs as
 * root each concurrent run first drops to its own unprivileged uid ({@code setpriv}) from a pool of
 * {@code slots} uids: the pid limit then holds and a breakout lands as nobody. When the service is not root, runs
 * share the service's uid and NPROC counts all of its processes (set {@code executor.pids} with that in mind).
 */
public final class BwrapSandbox extends LocalSandbox {
    private static final Logger log = LoggerFactory.getLogger(BwrapSandbox.class);

    private final Path bwrap;
    private final boolean dropToUid;
    private final BlockingQueue<Integer> uids;

    /**
     * @param bwrap   the bwrap binary
     * @param uidBase first host uid of the pool used when running as root
     * @param slots   size of the uid pool: runs beyond this many at once wait for a uid
     */
    public BwrapSandbox(Path bwrap, int uidBase, int slots) {
        this.bwrap = bwrap;
        this.dropToUid = HostLayout.isRoot();
        this.uids = new ArrayBlockingQueue<>(slots);
        for (int i = 0; i < slots; i++) {
            uids.add(uidBase + i);
        }
    }

    @Override
    public String backend() {
        return "bwrap";
    }

    @Override
    protected Launch prepare(SandboxRequest request, List<String> inner) throws IOException, SandboxException {
        Integer uid = null;
        if (dropToUid) {
            try {
                uid = uids.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SandboxException("interrupted while waiting for a sandbox uid", e);
            }
        }
        try {
            Process process = start(cleanProcess(command(request, inner, uid)));
            return new BwrapLaunch(process, uid);
        } catch (IOException | RuntimeException e) {
            release(uid);
            throw e;
        }
    }

    List<String> command(SandboxRequest request, List<String> inner, Integer uid) {
        List<String> cmd = new ArrayList<>();
        if (uid != null) {
            cmd.addAll(List.of(SETPRIV, "--reuid=" + uid, "--regid=" + uid, "--clear-groups",
                    "--bounding-set=-all", "--no-new-privs", "--pdeathsig", "KILL", "--"));
        }
        String size = Long.toString(request.limits().workspaceBytes());
        cmd.addAll(List.of(bwrap.toString(),
                "--unshare-all", "--unshare-user", "--disable-userns",
                "--clearenv", "--new-session", "--die-with-parent",
                "--hostname", "sandbox",
                "--ro-bind", "/usr", "/usr"));
        for (String top : HostLayout.USR_MERGED_DIRS) {
            Path hostDir = Path.of("/", top);
            try {
                if (Files.isSymbolicLink(hostDir)) {
                    cmd.addAll(List.of("--symlink", Files.readSymbolicLink(hostDir).toString(), hostDir.toString()));
                } else if (Files.isDirectory(hostDir)) {
                    cmd.addAll(List.of("--ro-bind", hostDir.toString(), hostDir.toString()));
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot read host layout at " + hostDir, e);
            }
        }
        for (SandboxRequest.Mount mount : request.mounts()) {
            cmd.addAll(List.of("--ro-bind", mount.source().toString(), mount.target()));
        }
        cmd.addAll(List.of("--proc", "/proc", "--dev", "/dev",
                "--size", size, "--tmpfs", "/tmp",
                "--size", size, "--tmpfs", WORKSPACE_DIR,
                "--ro-bind", request.input().toString(), INPUT_DIR,
                // bwrap's root is a writable tmpfs; without this, files outside the workspace would be unbounded.
                "--remount-ro", "/"));
        sandboxEnvironment(request).forEach((k, v) -> cmd.addAll(List.of("--setenv", k, v)));
        cmd.addAll(List.of("--chdir", "/", "--"));
        cmd.addAll(inner);
        return cmd;
    }

    private void release(Integer uid) {
        if (uid != null) {
            uids.add(uid);
        }
    }

    private final class BwrapLaunch implements Launch {
        private final Process process;
        private final Integer uid;

        BwrapLaunch(Process process, Integer uid) {
            this.process = process;
            this.uid = uid;
        }

        @Override
        public Process process() {
            return process;
        }

        @Override
        public void close() {
            destroyTree(process);
            try {
                // The uid goes back to the pool only when nothing of this run is left running under it.
                process.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
                release(uid);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                log.warn("interrupted while waiting for bwrap run under uid {} to end; uid not reused", uid);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                log.warn("bwrap run under uid {} did not end; uid not reused: {}", uid, e.toString());
            }
        }
    }
}
