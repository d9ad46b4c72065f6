package dev.assay.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * A frozen copy of this JVM's class path for child JVMs that run for minutes: an {@code mvn install} elsewhere can
 * replace a jar in the local repository under a running service (a ZipException on its next resource read), so every
 * jar is copied once, and directories are used as they are. Surefire/failsafe's manifest-only booter jar is expanded
 * to the entries of its {@code Class-Path}.
 */
public final class ClassPathSnapshot {
    private ClassPathSnapshot() {
    }

    /** Copies the jars of {@code java.class.path} into {@code dir} and returns the class path of the copies. */
    public static String of(Path dir) {
        try {
            Files.createDirectories(dir);
            List<String> entries = new ArrayList<>();
            int n = 0;
            for (Path entry : expand(System.getProperty("java.class.path"))) {
                if (Files.isRegularFile(entry) && entry.toString().endsWith(".jar")) {
                    Path copy = dir.resolve((n++) + "-" + entry.getFileName());
                    Files.copy(entry, copy, StandardCopyOption.REPLACE_EXISTING);
                    entries.add(copy.toString());
                } else if (Files.exists(entry)) {
                    entries.add(entry.toString());
                }
            }
            return String.join(java.io.File.pathSeparator, entries);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot snapshot the class path into " + dir, e);
        }
    }

    static List<Path> expand(String classPath) throws IOException {
        List<Path> out = new ArrayList<>();
        for (String element : classPath.split(java.io.File.pathSeparator)) {
            if (element.isBlank()) {
                continue;
            }
            Path path = Path.of(element).toAbsolutePath();
            String manifestClassPath = manifestClassPath(path);
            if (manifestClassPath == null) {
                out.add(path);
                continue;
            }
            // A manifest-only jar: its Class-Path holds URIs relative to the jar's folder (or absolute).
            URI base = path.getParent().toUri();
            for (String uri : manifestClassPath.trim().split("\\s+")) {
                out.add(Path.of(base.resolve(uri)));
            }
        }
        return out;
    }

    private static String manifestClassPath(Path path) throws IOException {
        if (!Files.isRegularFile(path) || !path.toString().endsWith(".jar")) {
            return null;
        }
        try (JarFile jar = new JarFile(path.toFile())) {
            Manifest manifest = jar.getManifest();
            boolean booter = jar.stream().noneMatch(e -> e.getName().endsWith(".class"));
            return manifest == null || !booter ? null : manifest.getMainAttributes().getValue("Class-Path");
        }
    }
}
