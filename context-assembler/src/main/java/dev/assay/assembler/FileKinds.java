package dev.assay.assembler;

import java.util.Locale;
import java.util.regex.Pattern;

/** Recognises test files by name or folder, and names the parts of a path the selector matches on. */
final class FileKinds {
    private static final Pattern TEST_NAME = Pattern.compile(
            "(^test_.+\\.py$)|(.+_test\\.py$)|(.+Tests?\\.java$)|(^Test[A-Z0-9_].*\\.java$)|(.+IT\\.java$)"
                    + "|(.+\\.(test|spec)\\.[cm]?[jt]sx?$)|(^conftest\\.py$)");
    private static final Pattern TEST_DIR = Pattern.compile("(^|/)(__tests__|tests?|specs?)/");

    private FileKinds() {
    }

    static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    static boolean isTest(String path) {
        return TEST_NAME.matcher(fileName(path)).matches() || TEST_DIR.matcher(path).find();
    }

    /** The file name's extension, lower case, without the dot; empty when there is none. */
    static String extension(String path) {
        String name = fileName(path);
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
