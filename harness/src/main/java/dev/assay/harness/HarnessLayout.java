package dev.assay.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Lays this module out as the read-only directory every sandbox sees at {@link #SANDBOX_DIR} (see PROTOCOL.md):
 * {@code python/} and {@code js/} from this jar's resources, {@code java/junit-platform-console-standalone.jar}, and
 * {@code java/assay-harness.jar} holding this module's classes. Runs in the executor, outside any sandbox, once per
 * process; the files are world-readable because the sandbox runs under another uid.
 */
public final class HarnessLayout {
    /** Where the harness directory appears inside every sandbox (and inside the Kubernetes runner images). */
    public static final String SANDBOX_DIR = "/opt/assay/harness";
    public static final String PYTHON_HARNESS = SANDBOX_DIR + "/python/assay_harness.py";
    public static final String PYTHON_ANALYZER = SANDBOX_DIR + "/python/assay_analyze.py";
    public static final String JS_HARNESS = SANDBOX_DIR + "/js/harness.mjs";
    public static final String JS_ANALYZER = SANDBOX_DIR + "/js/analyze.mjs";
    public static final String JS_PROBE = SANDBOX_DIR + "/js/probe.cjs";
    public static final String JAVA_HARNESS_JAR = SANDBOX_DIR + "/java/assay-harness.jar";
    public static final String JUNIT_STANDALONE_JAR = SANDBOX_DIR + "/java/junit-platform-console-standalone.jar";
    /** The Java harness's main class. */
    public static final String JAVA_HARNESS_MAIN = "dev.assay.harness.JavaHarness";

    private static final String RESOURCE_ROOT = "dev/assay/harness/";
    private static final String CLASSES = "dev/assay/harness/";

    private HarnessLayout() {
    }

    /**
     * Writes the harness directory to the directory given as the only argument; the Kubernetes runner images are built
     * with {@code java -cp <this module's jar or classes> dev.assay.harness.HarnessLayout /opt/assay/harness}.
     */
    public static void main(String[] args) {
        if (args.length != 1 || args[0].isBlank()) {
            throw new IllegalArgumentException("usage: java -cp <assay-harness jar or classes directory> "
                    + HarnessLayout.class.getName() + " <target directory>");
        }
        materialize(Path.of(args[0]).toAbsolutePath());
    }

    /**
     * Writes the harness directory under {@code target} (created if missing) and returns it.
     *
     * @throws UncheckedIOException when this module's own files cannot be read or written: the executor cannot run
     *                              anything without them
     */
    public static Path materialize(Path target) {
        try {
            Files.createDirectories(target);
            Path source = codeSource();
            List<String> entries = new ArrayList<>();
            boolean jar = Files.isRegularFile(source);
            if (jar) {
                try (JarFile file = new JarFile(source.toFile())) {
                    for (Enumeration<JarEntry> e = file.entries(); e.hasMoreElements(); ) {
                        JarEntry entry = e.nextElement();
                        if (!entry.isDirectory()) {
                            entries.add(entry.getName());
                        }
                    }
                }
            } else {
                try (Stream<Path> walk = Files.walk(source)) {
                    walk.filter(Files::isRegularFile).forEach(p -> entries.add(source.relativize(p).toString().replace('\\', '/')));
                }
            }
            List<String> classes = new ArrayList<>();
            for (String name : entries) {
                if (!name.startsWith(RESOURCE_ROOT)) {
                    continue;
                }
                String relative = name.substring(RESOURCE_ROOT.length());
                if (name.endsWith(".class")) {
                    classes.add(name);
                } else if (relative.startsWith("python/") || relative.startsWith("js/") || relative.startsWith("java/")) {
                    try (InputStream in = open(name)) {
                        write(target.resolve(relative), in);
                    }
                }
            }
            Path harnessJar = target.resolve("java/assay-harness.jar");
            Files.createDirectories(harnessJar.getParent());
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(harnessJar))) {
                for (String name : classes) {
                    if (!name.startsWith(CLASSES)) {
                        continue;
                    }
                    out.putNextEntry(new JarEntry(name));
                    try (InputStream in = open(name)) {
                        in.transferTo(out);
                    }
                    out.closeEntry();
                }
            }
            readable(target);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lay out the sandbox harness in " + target, e);
        }
    }

    private static InputStream open(String name) throws IOException {
        InputStream in = HarnessLayout.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IOException("missing harness resource " + name);
        }
        return in;
    }

    private static void write(Path file, InputStream in) throws IOException {
        Files.createDirectories(file.getParent());
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try (OutputStream out = Files.newOutputStream(partial)) {
            in.transferTo(out);
        }
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void readable(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }

    /** This module's jar, or its classes directory when run from a build tree. */
    private static Path codeSource() throws IOException {
        try {
            return Path.of(HarnessLayout.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IOException("cannot locate the harness module's classes", e);
        }
    }
}
