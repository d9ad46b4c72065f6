package dev.assay.harness.core;

import com.sun.source.util.JavacTask;
import com.sun.source.util.TaskEvent;
import com.sun.source.util.TaskListener;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles every {@code .java} file of the workspace (dot folders skipped) in-process with javac, against the JVM's
 * class path (the harness jar with {@code dev.assay.harness.Probe}, and the JUnit standalone jar with the JUnit 5 and
 * JUnit 4 APIs), annotation processing off. Records which source file each class came from.
 */
final class Compilation {
    /**
     * The outcome.
     *
     * @param sources     workspace-relative paths of the sources, sorted
     * @param ok          javac succeeded
     * @param problems    error diagnostics by source path ("" for those without a file), each "path:line: message"
     * @param classFiles  binary class name → class file bytes, read right after compiling
     * @param classSource binary class name → workspace-relative source path
     */
    record Result(List<String> sources, boolean ok, Map<String, List<String>> problems, Map<String, byte[]> classFiles,
            Map<String, String> classSource) {
    }

    private Compilation() {
    }

    static Result compile(Path root, Path classes) throws IOException {
        List<Path> files = sources(root);
        List<String> names = files.stream().map(p -> relative(root, p)).toList();
        Map<String, List<String>> problems = new LinkedHashMap<>();
        Map<String, String> classSource = new HashMap<>();
        if (files.isEmpty()) {
            return new Result(names, true, problems, Map.of(), classSource);
        }
        clean(classes);
        Files.createDirectories(classes);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IOException("this JVM has no Java compiler (a JRE instead of a JDK?)");
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        boolean ok;
        try (StandardJavaFileManager fileManager = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            List<String> options = new ArrayList<>(List.of("-d", classes.toString(), "-encoding", "UTF-8", "-proc:none",
                    "-nowarn", "-Xlint:none", "-g", "-Xmaxerrs", "200"));
            String classPath = System.getProperty("java.class.path");
            if (classPath != null && !classPath.isBlank()) {
                options.addAll(List.of("-cp", classPath));
            }
            JavacTask task = (JavacTask) javac.getTask(new StringWriter(), fileManager, diagnostics, options, null,
                    fileManager.getJavaFileObjectsFromPaths(files));
            Elements elements = task.getElements();
            task.addTaskListener(new TaskListener() {
                @Override
                public void finished(TaskEvent e) {
                    if (e.getKind() == TaskEvent.Kind.GENERATE && e.getTypeElement() != null && e.getSourceFile() != null) {
                        TypeElement type = e.getTypeElement();
                        classSource.put(elements.getBinaryName(type).toString(),
                                relative(root, Path.of(e.getSourceFile().toUri())));
                    }
                }
            });
            ok = task.call();
        }
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() != Diagnostic.Kind.ERROR) {
                continue;
            }
            String file = d.getSource() == null ? "" : relative(root, Path.of(d.getSource().toUri()));
            String line = (file.isEmpty() ? "javac" : file) + (d.getLineNumber() > 0 ? ":" + d.getLineNumber() : "") + ": "
                    + d.getMessage(Locale.ROOT);
            problems.computeIfAbsent(file, k -> new ArrayList<>()).add(line);
        }
        Map<String, byte[]> classFiles = new LinkedHashMap<>();
        if (ok) {
            try (Stream<Path> walk = Files.walk(classes)) {
                for (Path p : walk.filter(f -> f.toString().endsWith(".class") && Files.isRegularFile(f)).sorted().toList()) {
                    String rel = classes.relativize(p).toString().replace('\\', '/');
                    classFiles.put(rel.substring(0, rel.length() - ".class".length()).replace('/', '.'), Files.readAllBytes(p));
                }
            }
        }
        return new Result(names, ok, problems, classFiles, classSource);
    }

    /** Every regular .java file under root, skipping folders (and files) whose name starts with a dot. */
    static List<Path> sources(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> p.getFileName() != null && p.getFileName().toString().endsWith(".java"))
                    .filter(Files::isRegularFile)
                    .filter(p -> {
                        Path rel = root.relativize(p);
                        for (Path part : rel) {
                            if (part.toString().startsWith(".")) {
                                return false;
                            }
                        }
                        return true;
                    })
                    .sorted(Comparator.comparing(p -> relative(root, p)))
                    .toList();
        }
    }

    static String relative(Path root, Path file) {
        Path abs = file.toAbsolutePath().normalize();
        return (abs.startsWith(root) ? root.relativize(abs) : abs).toString().replace('\\', '/');
    }

    private static void clean(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
