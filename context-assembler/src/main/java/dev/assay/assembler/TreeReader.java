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
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Reads the text files of a tree within {@link RepositoryLimits}, from a checked-out directory or from a commit in a
 * git object store (no checkout: nothing after that commit is visible). Symbolic links are never followed (a link to
 * {@code /etc} or {@code ~/.ssh} would leak the host's files), VCS metadata, dependency and build directories are
 * skipped, binary and non-UTF-8 files too, as are files over the per-file limit. Reading stops at the file-count or
 * total-size limit; everything left out is listed.
 */
public final class TreeReader {
    private static final Set<String> SKIPPED_DIRS = Set.of(".git", ".hg", ".svn", "node_modules", "target", "build", "dist",
            ".venv", "venv", "__pycache__", ".idea", ".gradle", ".mvn", ".tox", ".pytest_cache", ".mypy_cache", "coverage");

    private TreeReader() {
    }

    /** Files read and paths skipped, relative to the root, in path order. */
    public record Snapshot(List<SourceFile> files, List<String> skipped) {
    }

    /** One file of a tree: its size is known before its bytes are read. */
    private interface Entry {
        long size() throws IOException;

        /** At most {@code maxBytes + 1} bytes, so an over-long file shows as such. */
        byte[] read(int maxBytes) throws IOException;
    }

    static Snapshot read(Path root, RepositoryLimits limits) throws RepositoryException {
        TreeMap<String, Entry> candidates = new TreeMap<>();
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
                        candidates.put(root.relativize(file).toString().replace('\\', '/'), new Entry() {
                            @Override
                            public long size() throws IOException {
                                return Files.size(file);
                            }

                            @Override
                            public byte[] read(int maxBytes) throws IOException {
                                try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                                    return in.readNBytes(maxBytes + 1);
                                }
                            }
                        });
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new RepositoryException(RepositoryException.Reason.UNREADABLE, "repository tree could not be listed", e);
        }
        return select(candidates, limits);
    }

    /**
     * The tree of {@code commit} in {@code repository}'s object store, read without a checkout; symbolic links and
     * submodules are skipped as in a directory.
     */
    public static Snapshot read(Repository repository, ObjectId commit, RepositoryLimits limits) throws RepositoryException {
        TreeMap<String, Entry> candidates = new TreeMap<>();
        ObjectReader reader = repository.newObjectReader();
        try (RevWalk revWalk = new RevWalk(reader); TreeWalk walk = new TreeWalk(repository, reader)) {
            walk.addTree(revWalk.parseCommit(commit).getTree());
            walk.setRecursive(false);
            while (walk.next()) {
                if (walk.isSubtree()) {
                    if (!SKIPPED_DIRS.contains(walk.getNameString())) {
                        walk.enterSubtree();
                    }
                    continue;
                }
                FileMode mode = walk.getFileMode(0);
                if (mode == FileMode.REGULAR_FILE || mode == FileMode.EXECUTABLE_FILE) {
                    ObjectId blob = walk.getObjectId(0);
                    candidates.put(walk.getPathString(), new Entry() {
                        @Override
                        public long size() throws IOException {
                            return reader.getObjectSize(blob, Constants.OBJ_BLOB);
                        }

                        @Override
                        public byte[] read(int maxBytes) throws IOException {
                            return reader.open(blob, Constants.OBJ_BLOB).getCachedBytes(maxBytes + 1);
                        }
                    });
                }
            }
            return select(candidates, limits);
        } catch (IOException e) {
            throw new RepositoryException(RepositoryException.Reason.UNREADABLE, "commit tree could not be read", e);
        } finally {
            reader.close();
        }
    }

    private static Snapshot select(TreeMap<String, Entry> candidates, RepositoryLimits limits) {
        List<SourceFile> files = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        long total = 0;
        for (var entry : candidates.entrySet()) {
            String path = entry.getKey();
            Entry file = entry.getValue();
            if (files.size() >= limits.maxFiles() || !WorkspacePaths.isSafe(path)) {
                skipped.add(path);
                continue;
            }
            try {
                long size = file.size();
                if (size > limits.maxFileBytes() || total + size > limits.maxTotalBytes()) {
                    skipped.add(path);
                    continue;
                }
                String text = text(file.read(limits.maxFileBytes()), limits.maxFileBytes());
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

    /** The bytes as UTF-8 text, or null when over the limit, binary (has a NUL byte) or not valid UTF-8. */
    private static String text(byte[] bytes, int maxBytes) {
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
