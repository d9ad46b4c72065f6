package dev.assay.harness.core;

import java.util.Map;
import java.util.Set;

/** What the test thread, probe calls and the shutdown hook share during one run. */
final class RunState {
    /** The test running now. */
    record Current(String key, String id, String function, String file, long startNanos) {
    }

    final Channel channel;
    final Report report = new Report();
    final Set<String> requestTests;
    private volatile Map<String, String> classSource = Map.of();
    private volatile Current current;
    private volatile boolean workspaceCodeRunning;

    RunState(Channel channel, Set<String> requestTests) {
        this.channel = channel;
        this.requestTests = Set.copyOf(requestTests);
    }

    Current current() {
        return current;
    }

    void start(Current test) {
        current = test;
    }

    /** Clears the running test if it is still {@code key}. */
    void finish(String key) {
        Current c = current;
        if (c != null && c.key().equals(key)) {
            current = null;
        }
    }

    void classSource(Map<String, String> map) {
        classSource = Map.copyOf(map);
    }

    /** The workspace file a class was compiled from (its top-level class's, for nested ones), or null. */
    String fileOf(String className) {
        if (className == null) {
            return null;
        }
        Map<String, String> map = classSource;
        String file = map.get(className);
        if (file == null && className.contains("$")) {
            file = map.get(className.substring(0, className.indexOf('$')));
        }
        return file;
    }

    boolean workspaceCodeRunning() {
        return workspaceCodeRunning;
    }

    void workspaceCodeRunning(boolean running) {
        workspaceCodeRunning = running;
    }

    /** Adds an integrity entry to the report and writes it as an EVENT record at once. */
    void integrity(String rule, String message, String path, Integer line) {
        String entry = report.integrity(rule, message, path, line);
        channel.record("EVENT", entry);
    }
}
