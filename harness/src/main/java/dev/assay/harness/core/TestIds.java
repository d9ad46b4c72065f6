package dev.assay.harness.core;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.platform.engine.UniqueId;

/**
 * Report ids of JUnit tests (harness/PROTOCOL.md "Test ids"): {@code pkg.Class#method}, {@code pkg.Outer$Inner#method}
 * for {@code @Nested} classes, {@code pkg.Class#method[3]} for each invocation of a parameterized, repeated or dynamic
 * test. Built from the engine's unique id, whose segments the engine derives from the classes and methods it runs; a
 * test's self-reported source or display name (which workspace code can set to anything) is never used as its class.
 */
final class TestIds {
    private static final Pattern VINTAGE_TEST = Pattern.compile("^(.*)\\((.+)\\)$");
    private static final Pattern VINTAGE_INVOCATION = Pattern.compile("^(.*)\\[(\\d+)]$");

    /** An id, its unit, and the class it belongs to (for the source file). */
    record Id(String id, String function, String className) {
    }

    private TestIds() {
    }

    static Id of(UniqueId uniqueId) {
        List<UniqueId.Segment> segments = uniqueId.getSegments();
        String engine = segments.isEmpty() ? "" : segments.get(0).getValue();
        if (engine.equals("junit-vintage")) {
            return vintage(uniqueId, segments);
        }
        String className = null;
        String method = null;
        List<String> invocations = new ArrayList<>();
        for (UniqueId.Segment s : segments) {
            String type = s.getType();
            String value = s.getValue();
            switch (type) {
                case "class", "class-template" -> className = value;
                case "nested-class", "nested-class-template" -> className = (className == null ? "" : className + "$") + value;
                case "method", "test-template", "test-factory" -> method = value.contains("(") ? value.substring(0, value.indexOf('(')) : value;
                case "test-template-invocation", "dynamic-test", "dynamic-container", "class-template-invocation" ->
                        invocations.add(value.startsWith("#") ? value.substring(1) : value);
                default -> {
                    // engine and unknown segments add nothing
                }
            }
        }
        if (className == null) {
            return new Id(uniqueId.toString(), uniqueId.toString(), null);
        }
        String function = className + "#" + (method == null ? "?" : method);
        String id = invocations.isEmpty() ? function : function + "[" + String.join(".", invocations) + "]";
        return new Id(id, function, className);
    }

    /**
     * Vintage: {@code [runner:pkg.FooTest]/[test:adds(pkg.FooTest)]}, parameterized
     * {@code [runner:pkg.P]/[test:[0]]/[test:adds[0](pkg.P)]}. The class is the runner's (the class JUnit 4 was asked
     * to run); a description naming another class (a suite, a custom runner) keeps its whole text as the method, so it
     * can never take another class's id.
     */
    private static Id vintage(UniqueId uniqueId, List<UniqueId.Segment> segments) {
        String runner = null;
        String last = null;
        for (UniqueId.Segment s : segments) {
            if (s.getType().equals("runner") && runner == null) {
                runner = s.getValue();
            } else if (s.getType().equals("test")) {
                last = s.getValue();
            }
        }
        if (runner == null) {
            return new Id(uniqueId.toString(), uniqueId.toString(), null);
        }
        if (last == null) {
            return new Id(runner + "#?", runner + "#?", runner);
        }
        String method = last;
        Matcher m = VINTAGE_TEST.matcher(last);
        if (m.matches() && m.group(2).equals(runner)) {
            method = m.group(1);
        }
        Matcher inv = VINTAGE_INVOCATION.matcher(method);
        String function = runner + "#" + (inv.matches() ? inv.group(1) : method);
        String id = inv.matches() ? function + "[" + inv.group(2) + "]" : function;
        return new Id(id, function, runner);
    }

    /** The id without its {@code [...]} invocation suffix. */
    static String function(String id) {
        int bracket = id.indexOf('[', Math.max(0, id.indexOf('#')));
        return bracket < 0 ? id : id.substring(0, bracket);
    }
}
