package dev.assay.schemas;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks that a path names a file inside the workspace: relative, forward slashes, no {@code .}/{@code ..} or empty
 * segments, no control characters. Paths come from requests and end up as file names in the sandbox, so anything
 * that could climb out of the workspace or be read differently by another tool is refused rather than normalised.
 * Every stage that takes a path from a record (validation, parsing model output, writing a workspace) asks here.
 */
public final class WorkspacePaths {
    /** Longest path accepted; far above real project paths, well below file-system limits. */
    public static final int MAX_LENGTH = 512;
    private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*");

    private WorkspacePaths() {
    }

    /** Empty when the path is safe, else why it is not. */
    public static Optional<String> problem(String path) {
        if (path == null || path.isBlank()) {
            return Optional.of("is blank");
        }
        if (path.length() > MAX_LENGTH) {
            return Optional.of("is longer than " + MAX_LENGTH + " characters");
        }
        if (path.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return Optional.of("contains control characters");
        }
        if (path.indexOf('\\') >= 0) {
            return Optional.of("contains a backslash (use forward slashes)");
        }
        if (path.startsWith("/") || DRIVE.matcher(path).matches()) {
            return Optional.of("is absolute");
        }
        if (path.startsWith("~")) {
            return Optional.of("starts with ~");
        }
        if (path.endsWith("/")) {
            return Optional.of("names a directory");
        }
        for (String segment : path.split("/", -1)) {
            if (segment.equals("..")) {
                return Optional.of("contains '..'");
            }
            if (segment.isEmpty() || segment.equals(".")) {
                return Optional.of("contains an empty or '.' segment");
            }
            if (!segment.strip().equals(segment)) {
                return Optional.of("has a segment with leading or trailing whitespace");
            }
        }
        return Optional.empty();
    }

    public static boolean isSafe(String path) {
        return problem(path).isEmpty();
    }
}
