package dev.assay.executor.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Facts about the host the local sandboxes depend on. */
final class HostLayout {
    /** Top-level directories that merged-/usr systems make symlinks into /usr. */
    static final List<String> USR_MERGED_DIRS = List.of("bin", "sbin", "lib", "lib64", "lib32", "libx32");

    private HostLayout() {
    }

    /** True when the JVM runs as root on the host (bubblewrap then drops to an unprivileged uid first). */
    static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
