package dev.assay.assembler;

import dev.assay.avro.SourceFile;
import dev.assay.schemas.WorkspacePaths;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads the text files of a checked-out tree within {@link RepositoryLimits}: symbolic links are never followed
 * (a link to {@code /etc} or {@code ~/.ssh} would leak the host's files), VCS metadata, dependency and build
 * directories are skipped, binary and non-UTF-8 files too, as are files over the per-file limit. Reading stops at
 * the file-count or total-size limit; everything left out is listed.
 */
final class TreeReader {
    private static final Set<String> SKIPPED_DIRS = Set.of(".git", ".hg", ".svn", "node_modules", "target", "build", "dist",
            ".venv", "venv", "__pycache__", ".idea", ".gradle", ".mvn", ".tox", ".pytest_cache", ".mypy_cache", "coverage");

    private TreeReader() {
    }

    /** Files read and paths skipped, relative to the root, in path order. */
    record Snapshot(List<SourceFile> files, List<String> skipped) {
    }

    static Snapshot read(Path root, RepositoryLimits limits) throws RepositoryException {
        TreeMap<String, Path> candidates = new TreeMap<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return !dir.equals(root) && SKIPPED_DIRS.contains(dir.getFileName().toString())
                            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && !Files.isSymbolicLink(file)) {
                        candidates.put(root.relativize(file).toString().replace('\\', '/'), file);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new RepositoryException(RepositoryException.Reason.UNREADABLE, "repository tree could not be listed", e);
        }
        List<SourceFile> files = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        long total = 0;
        for (var entry : candidates.entrySet()) {
            String path = entry.getKey();
            Path file = entry.getValue();
            if (files.size() >= limits.maxFiles() || !WorkspacePaths.isSafe(path)) {
                skipped.add(path);
                continue;
            }
            try {
                long size = Files.size(file);
                if (size > limits.maxFileBytes() || total + size > limits.maxTotalBytes()) {
                    skipped.add(path);
                    continue;
                }
                String text = readText(file, limits.maxFileBytes());
                if (text == null) {
                    skipped.add(path);
                    continue;
                }
                total += size;
                files.add(SourceFile.newBuilder().setPath(path).setContent(text).build());
            } catch (IOException e) {
                skipped.add(path);
            }
        }
        return new Snapshot(List.copyOf(files), List.copyOf(skipped));
    }

    /** The file as UTF-8 text, or null when it is binary (has a NUL byte) or not valid UTF-8. */
    private static String readText(Path file, int maxBytes) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            bytes = in.readNBytes(maxBytes + 1);
        }
        if (bytes.length > maxBytes) {
            return null;
        }
        for (byte b : bytes) {
            if (b == 0) {
                return null;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
