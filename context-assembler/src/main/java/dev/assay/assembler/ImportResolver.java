package dev.assay.assembler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Resolves an import as a parser read it to the files of the snapshot it means. Python: {@code a.b.c} is
 * {@code a/b/c.py} or {@code a/b/c/__init__.py} under any source root, leading dots relative to the importing
 * package. JavaScript: a relative specifier ({@code ./x}, {@code ../x}) with or without extension, or a directory's
 * {@code index.js}; package names are not files of the snapshot. Java: {@code a.b.C} is {@code a/b/C.java} under any
 * source root (for a nested type, its enclosing type's file), {@code a.b.*} every file of that package.
 */
final class ImportResolver {
    private static final String[] JS_SUFFIXES = {"", ".js", ".mjs", ".cjs", ".jsx", "/index.js", "/index.mjs", "/index.cjs"};

    private final Map<String, List<Integer>> byPath = new HashMap<>();
    /** Files by name, to find a module path under an unknown source root without scanning every file. */
    private final Map<String, List<Integer>> byName = new HashMap<>();
    private final List<String> paths;

    ImportResolver(List<String> paths) {
        this.paths = paths;
        for (int i = 0; i < paths.size(); i++) {
            byPath.computeIfAbsent(paths.get(i), k -> new ArrayList<>()).add(i);
            byName.computeIfAbsent(FileKinds.fileName(paths.get(i)), k -> new ArrayList<>()).add(i);
        }
    }

    List<Integer> resolve(String importer, String spec) {
        String name = importer.toLowerCase(Locale.ROOT);
        if (name.endsWith(".py")) {
            return python(importer, spec);
        }
        if (name.endsWith(".java")) {
            return java(spec);
        }
        return javascript(importer, spec);
    }

    private List<Integer> python(String importer, String spec) {
        int dots = 0;
        while (dots < spec.length() && spec.charAt(dots) == '.') {
            dots++;
        }
        String module = spec.substring(dots).replace('.', '/');
        if (dots > 0) {
            String dir = directory(importer);
            for (int up = 1; up < dots && !dir.isEmpty(); up++) {
                dir = directory(dir);
            }
            String base = dir.isEmpty() ? module : module.isEmpty() ? dir : dir + "/" + module;
            return exact(base + ".py", base + "/__init__.py");
        }
        return underAnyRoot(module + ".py", module + "/__init__.py");
    }

    private List<Integer> javascript(String importer, String spec) {
        if (!spec.startsWith("./") && !spec.startsWith("../")) {
            return List.of();
        }
        String base = normalize(directory(importer), spec);
        if (base == null) {
            return List.of();
        }
        for (String suffix : JS_SUFFIXES) {
            List<Integer> hit = byPath.get(base + suffix);
            if (hit != null) {
                return hit;
            }
        }
        return List.of();
    }

    private List<Integer> java(String spec) {
        if (spec.endsWith(".*")) {
            String dir = "/" + spec.substring(0, spec.length() - 2).replace('.', '/');
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < paths.size(); i++) {
                if (paths.get(i).endsWith(".java") && directory("/" + paths.get(i)).endsWith(dir)) {
                    out.add(i);
                }
            }
            return out;
        }
        // a.b.Outer.Inner: try the longest prefix that is a file.
        String name = spec;
        while (name.contains(".")) {
            List<Integer> hit = underAnyRoot(name.replace('.', '/') + ".java");
            if (!hit.isEmpty()) {
                return hit;
            }
            name = name.substring(0, name.lastIndexOf('.'));
        }
        return List.of();
    }

    private List<Integer> exact(String... candidates) {
        for (String c : candidates) {
            List<Integer> hit = byPath.get(c);
            if (hit != null) {
                return hit;
            }
        }
        return List.of();
    }

    /** Files whose path is one of the candidates or ends with {@code /candidate}. */
    private List<Integer> underAnyRoot(String... candidates) {
        for (String c : candidates) {
            List<Integer> sameName = byName.getOrDefault(FileKinds.fileName(c), List.of());
            List<Integer> out = sameName.stream().filter(i -> paths.get(i).equals(c) || paths.get(i).endsWith("/" + c)).toList();
            if (!out.isEmpty()) {
                return out;
            }
        }
        return List.of();
    }

    private static String directory(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    /** {@code dir} joined with a relative specifier, {@code .} and {@code ..} applied; null if it leaves the root. */
    private static String normalize(String dir, String relative) {
        List<String> parts = new ArrayList<>(dir.isEmpty() ? List.of() : List.of(dir.split("/")));
        for (String part : relative.split("/")) {
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    return null;
                }
                parts.removeLast();
            } else if (!part.equals(".") && !part.isEmpty()) {
                parts.add(part);
            }
        }
        return String.join("/", parts);
    }
}
