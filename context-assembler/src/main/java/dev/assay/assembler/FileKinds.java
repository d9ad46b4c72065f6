package dev.assay.assembler;

import java.util.Locale;
import java.util.regex.Pattern;

/** Recognises test files and type-definition files by name and, for types, by what they declare. */
final class FileKinds {
    private static final Pattern TEST_NAME = Pattern.compile(
            "(^test_.+\\.py$)|(.+_test\\.py$)|(.+Tests?\\.java$)|(^Test[A-Z0-9_].*\\.java$)|(.+IT\\.java$)"
                    + "|(.+\\.(test|spec)\\.[cm]?[jt]sx?$)|(^conftest\\.py$)");
    private static final Pattern TEST_DIR = Pattern.compile("(^|/)(__tests__)/");
    private static final Pattern PY_PROTOCOL = Pattern.compile(
            "(?m)^\\s*class\\s+\\w+\\s*\\([^)]*\\b(Protocol|TypedDict|NamedTuple|ABC|Enum)\\b");
    private static final Pattern JAVA_TYPE = Pattern.compile(
            "(?m)^\\s*(public\\s+)?(sealed\\s+|non-sealed\\s+)?(interface|@interface|record|enum)\\s+\\w+");
    private static final Pattern JAVA_CLASS = Pattern.compile("(?m)^\\s*(public\\s+)?((abstract|final|static)\\s+)*class\\s+\\w+");
    private static final Pattern TS_TYPES = Pattern.compile("(?m)^\\s*(export\\s+)?(declare\\s+)?(interface|type)\\s+\\w+");

    private FileKinds() {
    }

    static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    static boolean isTest(String path) {
        return TEST_NAME.matcher(fileName(path)).matches() || TEST_DIR.matcher(path).find();
    }

    /** Files whose purpose is declaring types: stubs, declaration files, interfaces, protocols. */
    static boolean isTypeDefinition(String path, String content) {
        String name = fileName(path).toLowerCase(Locale.ROOT);
        if (name.endsWith(".pyi") || name.endsWith(".d.ts")) {
            return true;
        }
        if (name.endsWith(".py")) {
            return PY_PROTOCOL.matcher(content).find();
        }
        if (name.endsWith(".java")) {
            // A Java file declaring an interface/record/enum and no class is a type file.
            return JAVA_TYPE.matcher(content).find() && !JAVA_CLASS.matcher(content).find();
        }
        if (name.endsWith(".ts") || name.endsWith(".tsx")) {
            return TS_TYPES.matcher(content).find() && !content.contains("function ");
        }
        return false;
    }

    /**
     * The name of the unit a test file is about: {@code test_parser.py}, {@code parser_test.py},
     * {@code ParserTest.java}, {@code parser.test.js} all give {@code parser}; lower case.
     */
    static String testSubject(String path) {
        String name = fileName(path);
        String stem = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
        stem = stem.replaceFirst("^(test_|Test)", "").replaceFirst("(_test|Tests?|IT)$", "");
        return stem.toLowerCase(Locale.ROOT);
    }

    /** The stem of a source file, lower case: {@code src/Parser.java} gives {@code parser}. */
    static String stem(String path) {
        String name = fileName(path);
        return (name.contains(".") ? name.substring(0, name.indexOf('.')) : name).toLowerCase(Locale.ROOT);
    }
}
