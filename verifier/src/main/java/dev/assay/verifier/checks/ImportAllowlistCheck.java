package dev.assay.verifier.checks;

import dev.assay.avro.Finding;
import dev.assay.avro.Language;
import dev.assay.avro.Severity;
import dev.assay.avro.SourceFile;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reports imports outside the {@link ImportAllowlist}: a dependency nobody asked for is a supply-chain and
 * capability question for a reviewer (MEDIUM), not a failure by itself. Relative imports and the project's own
 * modules (derived from the paths known to the request and the Java packages declared in the files) are allowed.
 */
public final class ImportAllowlistCheck implements Check {
    private static final Pattern PY_IMPORT = Pattern.compile("^\\s*import\\s+(.+)$");
    private static final Pattern PY_FROM = Pattern.compile("^\\s*from\\s+(\\S+)\\s+import\\b");
    private static final Pattern JAVA_IMPORT = Pattern.compile("^\\s*import\\s+(?:static\\s+)?([\\w.]+?)(?:\\.\\*)?\\s*;");
    private static final Pattern JAVA_PACKAGE = Pattern.compile("(?m)^\\s*package\\s+([\\w.]+)\\s*;");
    private static final Pattern JS_MODULE = Pattern.compile(
            "(?:require\\s*\\(\\s*|\\bfrom\\s+|^\\s*import\\s+|\\bimport\\s*\\(\\s*)['\"]([^'\"]+)['\"]");

    private final ImportAllowlist allowlist;

    public ImportAllowlistCheck(ImportAllowlist allowlist) {
        this.allowlist = allowlist;
    }

    @Override
    public String id() {
        return "imports";
    }

    @Override
    public List<Finding> inspect(CheckSubject subject) {
        Set<String> localPython = localPythonModules(subject.knownPaths());
        Set<String> javaPackages = new HashSet<>();
        subject.files().forEach(f -> {
            Matcher m = JAVA_PACKAGE.matcher(f.getContent());
            while (m.find()) {
                javaPackages.add(m.group(1));
            }
        });
        List<Finding> findings = new ArrayList<>();
        for (SourceFile file : subject.files()) {
            Language language = subject.languageOf(file);
            String[] lines = file.getContent().split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                for (String module : modules(language, lines[i])) {
                    if (!allowed(language, module, localPython, javaPackages)) {
                        findings.add(Findings.of("imports." + language.name().toLowerCase(java.util.Locale.ROOT),
                                Severity.MEDIUM, "imports '" + module + "', which is not on the allowlist",
                                file.getPath(), i + 1));
                    }
                }
            }
        }
        return findings;
    }

    private boolean allowed(Language language, String module, Set<String> localPython, Set<String> javaPackages) {
        return switch (language) {
            case PYTHON -> module.startsWith(".") || localPython.contains(module.split("\\.")[0])
                    || allowlist.permits(language, module.split("\\.")[0]) || allowlist.permits(language, module);
            case JAVA -> allowlist.permits(language, module) || javaPackages.stream()
                    .anyMatch(p -> module.startsWith(p + ".") || module.equals(p));
            case JAVASCRIPT -> module.startsWith("./") || module.startsWith("../") || allowlist.permits(language, module);
            default -> true;
        };
    }

    static List<String> modules(Language language, String line) {
        List<String> out = new ArrayList<>();
        switch (language) {
            case PYTHON -> {
                Matcher from = PY_FROM.matcher(line);
                Matcher imp = PY_IMPORT.matcher(line);
                if (from.find()) {
                    out.add(from.group(1));
                } else if (imp.find()) {
                    for (String part : imp.group(1).split(",")) {
                        String name = part.strip().split("\\s+")[0];
                        if (!name.isEmpty() && !name.startsWith("#")) {
                            out.add(name);
                        }
                    }
                }
            }
            case JAVA -> {
                Matcher m = JAVA_IMPORT.matcher(line);
                if (m.find()) {
                    out.add(m.group(1));
                }
            }
            case JAVASCRIPT -> {
                Matcher m = JS_MODULE.matcher(line);
                while (m.find()) {
                    out.add(m.group(1));
                }
            }
            default -> {
            }
        }
        return out;
    }

    /** {@code src/calc/util.py} makes {@code src}, {@code calc} and {@code util} importable project modules. */
    private static Set<String> localPythonModules(Set<String> paths) {
        Set<String> out = new HashSet<>();
        for (String path : paths) {
            if (!path.endsWith(".py")) {
                continue;
            }
            for (String segment : path.substring(0, path.length() - 3).split("/")) {
                if (!segment.isEmpty() && !segment.equals("__init__")) {
                    out.add(segment);
                }
            }
        }
        return out;
    }
}
