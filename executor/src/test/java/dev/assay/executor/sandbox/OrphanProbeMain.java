package dev.assay.executor.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Run in a child JVM by {@link SandboxContract}: starts a sandbox that sleeps for a minute and then halts the JVM
 * the hard way (no shutdown hooks, like a kill -9), so the test can check that no sandbox process survives it.
 */
public final class OrphanProbeMain {
    private OrphanProbeMain() {
    }

    public static void main(String[] args) throws Exception {
        String backend = args[0];
        Path scratch = Path.of(args[1]);
        Sandbox sandbox = backend.equals("runsc") ? new RunscSandbox(Sandboxes.find("runsc").orElseThrow(), scratch)
                : new BwrapSandbox(Sandboxes.find("bwrap").orElseThrow(), 230_000, 1);
        Path input = Files.createTempDirectory(scratch, "input-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Thread.ofVirtual().start(() -> {
            try {
                sandbox.run(new SandboxRequest(input, List.of("/usr/bin/sleep", "60"), List.of(), Map.of(),
                        new SandboxLimits(Duration.ofSeconds(90), 90, 64L * 1024 * 1024, 8, 1024, 1024 * 1024), "", null,
                        SandboxRequest.Run.PROBE));
            } catch (SandboxException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(Duration.ofSeconds(3));
        System.out.println("halting");
        Runtime.getRuntime().halt(0);
    }
}
