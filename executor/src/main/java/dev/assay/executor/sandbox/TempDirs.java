package dev.assay.executor.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Deleting the per-run directories; symlinks are removed, never followed. */
public final class TempDirs {
    private TempDirs() {
    }

    /** A new directory under {@code parent} that the sandbox's unprivileged uid can read (0755). */
    public static Path createReadable(Path parent, String prefix) throws IOException {
        return Files.createTempDirectory(parent, prefix,
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")));
    }

    public static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** For cleanup paths that must not hide the primary outcome. */
    static void deleteQuietly(Path root, org.slf4j.Logger log) {
        try {
            deleteRecursively(root);
        } catch (IOException | UncheckedIOException e) {
            log.warn("could not delete {}: {}", root, e.toString());
        }
    }
}
