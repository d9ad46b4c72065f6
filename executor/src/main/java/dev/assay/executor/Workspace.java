package dev.assay.executor;

import dev.assay.executor.sandbox.TempDirs;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A fresh host directory holding one run's files (a {@link WorkspacePlan} decides which); it becomes the sandbox's
 * read-only input. Paths come from a model and a client, so each one is checked before anything is written:
 * relative, no {@code .} or {@code ..} segments, no backslashes or control characters, and the written file must
 * resolve inside the directory. Close deletes it.
 */
public final class Workspace implements AutoCloseable {
    private static final Pattern FORBIDDEN_CHARS = Pattern.compile("[\\x00-\\x1f\\x7f\\\\:]");
    private static final int MAX_PATH_LENGTH = 1024;
    private static final int MAX_FILES = 10_000;
    private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> FILE_MODE =
            java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--");
    private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> DIR_MODE =
            java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x");

    private final Path root;
    private final Map<String, String> files;

    private Workspace(Path root, Map<String, String> files) {
        this.root = root;
        this.files = files;
    }

    /**
     * Writes {@code files} (path to content) into a new directory under {@code scratch}.
     *
     * @throws WorkspaceException for an unsafe path, a file/folder clash or more than {@code maxBytes} of content
     */
    public static Workspace create(Path scratch, Map<String, String> files, long maxBytes) throws WorkspaceException, IOException {
        Map<String, String> merged = new LinkedHashMap<>();
        long bytes = 0;
        for (Map.Entry<String, String> file : files.entrySet()) {
            merged.put(checkPath(file.getKey()), file.getValue());
        }
        if (merged.size() > MAX_FILES) {
            throw new WorkspaceException("too many files: " + merged.size() + " (at most " + MAX_FILES + ")");
        }
        for (String content : merged.values()) {
            bytes += content.getBytes(StandardCharsets.UTF_8).length;
        }
        if (bytes > maxBytes) {
            throw new WorkspaceException("files total " + bytes + " bytes, more than the workspace limit of " + maxBytes);
        }
        Path root = TempDirs.createReadable(scratch, "assay-ws-");
        Workspace workspace = new Workspace(root, Map.copyOf(merged));
        try {
            for (Map.Entry<String, String> file : merged.entrySet()) {
                workspace.write(file.getKey(), file.getValue().getBytes(StandardCharsets.UTF_8));
            }
            return workspace;
        } catch (WorkspaceException | IOException | RuntimeException e) {
            workspace.close();
            throw e;
        }
    }

    /**
     * The normalised relative path, or an exception naming the problem.
     *
     * @throws WorkspaceException when the path could leave the workspace or is otherwise unusable
     */
    public static String checkPath(String path) throws WorkspaceException {
        if (path == null || path.isBlank()) {
            throw new WorkspaceException("empty file path");
        }
        String shown = path.length() > 200 ? path.substring(0, 200) + "..." : path;
        if (path.length() > MAX_PATH_LENGTH) {
            throw new WorkspaceException("file path too long: " + shown);
        }
        if (FORBIDDEN_CHARS.matcher(path).find()) {
            throw new WorkspaceException("file path has a backslash, colon or control character: " + shown.replaceAll("\\p{Cntrl}", "?"));
        }
        if (path.startsWith("/") || path.startsWith("~")) {
            throw new WorkspaceException("file path must be relative to the workspace: " + shown);
        }
        String[] segments = path.split("/", -1);
        for (String segment : segments) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new WorkspaceException("file path has an empty, '.' or '..' segment: " + shown);
            }
            if (segment.getBytes(StandardCharsets.UTF_8).length > 255) {
                throw new WorkspaceException("file name too long in " + shown);
            }
        }
        return path;
    }

    private void write(String relative, byte[] content) throws WorkspaceException, IOException {
        Path target = root.resolve(relative).normalize();
        if (!target.startsWith(root)) {
            throw new WorkspaceException("file path escapes the workspace: " + relative);
        }
        Path parent = target.getParent();
        try {
            Files.createDirectories(parent);
        } catch (FileAlreadyExistsException e) {
            throw new WorkspaceException("file path " + relative + " needs a folder where a file of the same name is");
        }
        // Nothing but this class writes here, yet check the real location in case a parent is not what it seems.
        if (!parent.toRealPath().startsWith(root.toRealPath())) {
            throw new WorkspaceException("file path resolves outside the workspace: " + relative);
        }
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new WorkspaceException("file path " + relative + " is also used as a folder");
        }
        try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            out.write(content);
        }
        makeReadable(target);
    }

    /** The sandbox runs under another uid; whatever the service's umask, it must be able to read the input. */
    private void makeReadable(Path file) throws IOException {
        Files.setPosixFilePermissions(file, FILE_MODE);
        for (Path dir = file.getParent(); dir != null && dir.startsWith(root) && !dir.equals(root); dir = dir.getParent()) {
            Files.setPosixFilePermissions(dir, DIR_MODE);
        }
    }

    public Path root() {
        return root;
    }

    /** Workspace-relative path to content, as written. */
    public Map<String, String> files() {
        return files;
    }

    @Override
    public void close() throws IOException {
        TempDirs.deleteRecursively(root);
    }
}
