package dev.assay.harness.core;

import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.Map;

/**
 * Loads the workspace's classes from the bytes read right after compiling, not from the class files: code that runs
 * during one test cannot rewrite a test class that has not been loaded yet. Parent first, so JUnit, the harness and
 * the JDK always come from the JVM's own class path; classes in the harness's and the test frameworks' packages are
 * never defined from the workspace.
 */
final class WorkspaceLoader extends ClassLoader {
    static {
        registerAsParallelCapable();
    }

    private static final String[] RESERVED = {"dev.assay.", "org.junit.", "org.opentest4j.", "org.apiguardian.", "java.", "javax.", "jdk.", "sun."};

    private final Map<String, byte[]> classFiles;
    private final ProtectionDomain domain;

    WorkspaceLoader(Map<String, byte[]> classFiles, Path classesDir, ClassLoader parent) {
        super(parent);
        this.classFiles = Map.copyOf(classFiles);
        URL location;
        try {
            location = classesDir.toUri().toURL();
        } catch (MalformedURLException e) {
            location = null;
        }
        this.domain = new ProtectionDomain(new CodeSource(location, (Certificate[]) null), null, this, null);
        // Plain `assert` statements in tests are checks, as under Maven Surefire.
        setDefaultAssertionStatus(true);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] bytes = classFiles.get(name);
        if (bytes == null || reserved(name)) {
            throw new ClassNotFoundException(name);
        }
        return defineClass(name, bytes, 0, bytes.length, domain);
    }

    /** Whether the class was compiled from the workspace (and so is loaded by this loader). */
    boolean defines(String name) {
        return classFiles.containsKey(name) && !reserved(name);
    }

    static boolean reserved(String name) {
        for (String prefix : RESERVED) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
