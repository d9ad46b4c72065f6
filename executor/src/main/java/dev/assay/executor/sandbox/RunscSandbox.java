package dev.assay.executor.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * gVisor: every run is its own OCI container ({@code runsc run}) whose root is an empty read-only directory with
 * only {@code /usr} (and the toolchain and harness mounts) bound read-only, the input read-only, tmpfs {@code /tmp} and
 * {@code /workspace}, an empty network namespace ({@code --network=none}), uid 65534, no capabilities and
 * no-new-privileges. {@code runsc do} is not used: it shows the whole host file system and copies the caller's
 * environment into the sandbox. runsc itself needs root on the host.
 */
public final class RunscSandbox extends LocalSandbox {
    private static final Logger log = LoggerFactory.getLogger(RunscSandbox.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SANDBOX_UID = 65534;

    private final Path runsc;
    private final Path scratch;

    /**
     * @param runsc   the runsc binary
     * @param scratch where per-run bundle and state directories are created (and deleted after the run)
     */
    public RunscSandbox(Path runsc, Path scratch) {
        this.runsc = runsc;
        this.scratch = scratch;
    }

    @Override
    public String backend() {
        return "runsc";
    }

    @Override
    protected Launch prepare(SandboxRequest request, List<String> inner) throws IOException {
        Path bundle = Files.createTempDirectory(scratch, "assay-runsc-");
        try {
            // The sandbox uid must be able to walk the private root.
            Path rootfs = Files.createDirectory(bundle.resolve("rootfs"),
                    java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")));
            Path state = Files.createDirectory(bundle.resolve("state"));
            ObjectNode spec = spec(request, inner, rootfs);
            Files.writeString(bundle.resolve("config.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(spec));
            String id = "assay-" + UUID.randomUUID();
            // runsc run is killed with the JVM, and its attached sandbox with it: no container outlives the service.
            // --ignore-cgroups: the limits are rlimits inside and tmpfs sizes, and a container killed with the JVM
            // would otherwise leave its (empty) cgroups behind.
            Process process = start(cleanProcess(List.of(SETPRIV, "--pdeathsig", "KILL", "--", runsc.toString(),
                    "--root", state.toString(), "--network=none", "--ignore-cgroups", "run", "--bundle", bundle.toString(), id)));
            return new RunscLaunch(process, bundle, state, id);
        } catch (IOException | RuntimeException e) {
            TempDirs.deleteRecursively(bundle);
            throw e;
        }
    }

    private ObjectNode spec(SandboxRequest request, List<String> inner, Path rootfs) throws IOException {
        ObjectNode spec = JSON.createObjectNode();
        spec.put("ociVersion", "1.0.0");
        ObjectNode process = spec.putObject("process");
        process.putObject("user").put("uid", SANDBOX_UID).put("gid", SANDBOX_UID);
        ArrayNode args = process.putArray("args");
        inner.forEach(args::add);
        ArrayNode env = process.putArray("env");
        sandboxEnvironment(request).forEach((k, v) -> env.add(k + "=" + v));
        process.put("cwd", "/");
        ObjectNode caps = process.putObject("capabilities");
        for (String set : List.of("bounding", "effective", "inheritable", "permitted", "ambient")) {
            caps.putArray(set);
        }
        process.put("noNewPrivileges", true);
        // The other limits are set by prlimit inside so that both backends apply them the same way.
        process.putArray("rlimits").addObject().put("type", "RLIMIT_NOFILE").put("hard", 256).put("soft", 256);
        spec.putObject("root").put("path", rootfs.toString()).put("readonly", true);
        spec.put("hostname", "sandbox");

        ArrayNode mounts = spec.putArray("mounts");
        mount(mounts, "/proc", "proc", "proc");
        mount(mounts, "/dev", "tmpfs", "tmpfs", "nosuid", "noexec", "mode=0755");
        String size = "size=" + request.limits().workspaceBytes();
        mount(mounts, "/tmp", "tmpfs", "tmpfs", "nosuid", "nodev", size, "mode=1777");
        mount(mounts, WORKSPACE_DIR, "tmpfs", "tmpfs", "nosuid", "nodev", size, "mode=0700",
                "uid=" + SANDBOX_UID, "gid=" + SANDBOX_UID);
        mount(mounts, "/usr", "bind", "/usr", "rbind", "ro", "nosuid", "nodev");
        for (String top : HostLayout.USR_MERGED_DIRS) {
            Path hostDir = Path.of("/", top);
            if (Files.isSymbolicLink(hostDir)) {
                // Merged-/usr hosts: recreate /bin -> usr/bin etc. in the private root rather than binding more.
                Files.createSymbolicLink(rootfs.resolve(top), Files.readSymbolicLink(hostDir));
            } else if (Files.isDirectory(hostDir)) {
                mount(mounts, hostDir.toString(), "bind", hostDir.toString(), "rbind", "ro", "nosuid", "nodev");
            }
        }
        mount(mounts, INPUT_DIR, "bind", request.input().toString(), "rbind", "ro", "nosuid", "nodev");
        for (SandboxRequest.Mount m : request.mounts()) {
            mount(mounts, m.target(), "bind", m.source().toString(), "rbind", "ro", "nosuid", "nodev");
        }
        ObjectNode linux = spec.putObject("linux");
        ArrayNode namespaces = linux.putArray("namespaces");
        for (String ns : List.of("pid", "network", "ipc", "uts", "mount")) {
            namespaces.addObject().put("type", ns);
        }
        return spec;
    }

    private static void mount(ArrayNode mounts, String destination, String type, String source, String... options) {
        ObjectNode mount = mounts.addObject().put("destination", destination).put("type", type).put("source", source);
        if (options.length > 0) {
            ArrayNode opts = mount.putArray("options");
            for (String option : options) {
                opts.add(option);
            }
        }
    }

    private final class RunscLaunch implements Launch {
        private final Process process;
        private final Path bundle;
        private final Path state;
        private final String id;

        RunscLaunch(Process process, Path bundle, Path state, String id) {
            this.process = process;
            this.bundle = bundle;
            this.state = state;
            this.id = id;
        }

        @Override
        public Process process() {
            return process;
        }

        @Override
        public void close() throws IOException {
            destroyTree(process);
            // A killed `runsc run` can leave the sandbox and gofer behind; delete --force stops and removes them.
            List<String> delete = new ArrayList<>(List.of(runsc.toString(), "--root", state.toString(), "--ignore-cgroups",
                    "delete", "--force", id));
            Process cleanup = cleanProcess(delete).redirectErrorStream(true).start();
            try {
                String output = new String(cleanup.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                if (cleanup.waitFor() != 0 && !output.contains("does not exist") && !output.contains("not found")) {
                    log.warn("runsc delete of {} failed: {}", id, output.strip());
                }
            } catch (InterruptedException e) {
                cleanup.destroyForcibly();
                Thread.currentThread().interrupt();
            } finally {
                TempDirs.deleteRecursively(bundle);
            }
        }
    }
}
