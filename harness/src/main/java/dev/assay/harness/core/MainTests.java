package dev.assay.harness.core;

import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Set;

/**
 * Main-method tests (harness/PROTOCOL.md "Which tests are trusted"): a top-level class named {@code Main},
 * {@code *Test}, {@code *Tests} or {@code Test*} with {@code public static void main(String[])} and no JUnit test
 * method. Passing means returning; an {@link AssertionError} fails; anything else is an error. A generated class
 * named {@code Main} is a program's entry point, not a test: only the request's test files may hold a {@code Main}
 * test.
 */
final class MainTests {
    private static final Set<String> TEST_ANNOTATIONS = Set.of("Test", "ParameterizedTest", "RepeatedTest", "TestFactory", "TestTemplate");

    private MainTests() {
    }

    /** Whether {@code type} (compiled from {@code file}) is a main-method test. */
    static boolean isMainTest(Class<?> type, String file, Set<String> requestTests) {
        if (type.getEnclosingClass() != null) {
            return false;
        }
        String simple = type.getSimpleName();
        boolean named = simple.endsWith("Test") || simple.endsWith("Tests") || simple.startsWith("Test");
        boolean main = simple.equals("Main") && requestTests.contains(file);
        if (!named && !main) {
            return false;
        }
        try {
            Method m = type.getDeclaredMethod("main", String[].class);
            int mod = m.getModifiers();
            if (!Modifier.isPublic(mod) || !Modifier.isStatic(mod) || m.getReturnType() != void.class) {
                return false;
            }
            return !hasTestMethod(type);
        } catch (NoSuchMethodException | LinkageError e) {
            return false;
        }
    }

    private static boolean hasTestMethod(Class<?> type) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                for (Annotation a : m.getDeclaredAnnotations()) {
                    if (TEST_ANNOTATIONS.contains(a.annotationType().getSimpleName())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Runs {@code type}'s main method as the test {@code pkg.Class#main}. */
    static void run(RunState state, Class<?> type) {
        String id = type.getName() + "#main";
        String file = state.fileOf(type.getName());
        long start = System.nanoTime();
        state.start(new RunState.Current(id, id, id, file, start));
        String status = "PASSED";
        String message = null;
        String resource = null;
        try {
            Method main = type.getDeclaredMethod("main", String[].class);
            main.setAccessible(true);
            main.invoke(null, (Object) new String[0]);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            status = Failures.status(cause);
            message = Failures.describe(cause);
            resource = Failures.resource(cause);
        } catch (Throwable e) {
            status = "ERROR";
            message = Failures.describe(e);
            resource = Failures.resource(e);
        }
        state.report.test(id, new Report.Test(id, id, file, status, message, (System.nanoTime() - start) / 1_000_000, resource));
        state.finish(id);
    }
}
