package dev.assay.harness.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one run saw (harness/PROTOCOL.md "Test run report"): test results, probe values, load errors and integrity
 * entries, collected from the test thread, probe calls on any thread and the shutdown hook, so every method is
 * synchronized.
 */
final class Report {
    static final int MAX_MESSAGE = 2000;
    static final int MAX_ERROR_MESSAGE = 8000;
    static final int MAX_PROBES = 10_000;

    /** One result; {@code key} is the runner's unique id, so a test is reported once. */
    record Test(String id, String function, String file, String status, String message, long durationMs, String resource) {
    }

    private final Map<String, Test> tests = new LinkedHashMap<>();
    private final List<String> probes = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private final List<String> integrity = new ArrayList<>();
    private int droppedProbes;

    synchronized void test(String key, Test test) {
        tests.put(key, test);
    }

    synchronized Test test(String key) {
        return tests.get(key);
    }

    synchronized boolean has(String key) {
        return tests.containsKey(key);
    }

    synchronized void probe(int id, String test, String canon) {
        if (probes.size() >= MAX_PROBES) {
            droppedProbes++;
            return;
        }
        probes.add("{\"probe\":" + id + ",\"test\":" + Json.quote(test) + ",\"value\":" + canon + "}");
    }

    synchronized void error(String name, String message, String resource) {
        errors.add("{\"name\":" + Json.quote(name) + ",\"message\":" + Json.quote(cut(message, MAX_ERROR_MESSAGE))
                + ",\"resource\":" + Json.quote(resource) + "}");
    }

    /** Adds an integrity entry and returns its JSON (the caller also writes it as an EVENT record). */
    synchronized String integrity(String rule, String message, String path, Integer line) {
        String entry = "{\"rule\":" + Json.quote(rule) + ",\"message\":" + Json.quote(cut(message, MAX_MESSAGE))
                + ",\"path\":" + Json.quote(path) + ",\"line\":" + (line == null ? "null" : line.toString()) + "}";
        integrity.add(entry);
        return entry;
    }

    synchronized String json(String usage) {
        StringBuilder out = new StringBuilder(256 + 200 * tests.size());
        out.append("{\"tests\":[");
        boolean first = true;
        for (Test t : tests.values()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            out.append("{\"id\":").append(Json.quote(t.id()))
                    .append(",\"function\":").append(Json.quote(t.function()))
                    .append(",\"file\":").append(Json.quote(t.file()))
                    .append(",\"status\":").append(Json.quote(t.status()))
                    .append(",\"message\":").append(Json.quote(cut(t.message(), MAX_MESSAGE)))
                    .append(",\"durationMs\":").append(Math.max(0, t.durationMs()))
                    .append(",\"resource\":").append(Json.quote(t.resource())).append('}');
        }
        out.append("],\"probes\":[").append(String.join(",", probes)).append("],\"errors\":[");
        List<String> allErrors = new ArrayList<>(errors);
        if (droppedProbes > 0) {
            allErrors.add("{\"name\":\"probes\",\"message\":" + Json.quote(droppedProbes + " probe records past "
                    + MAX_PROBES + " were dropped") + ",\"resource\":null}");
        }
        out.append(String.join(",", allErrors)).append("],\"integrity\":[").append(String.join(",", integrity))
                .append("],\"usage\":").append(usage == null ? "null" : usage).append('}');
        return out.toString();
    }

    static String cut(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        int end = max;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }
}
