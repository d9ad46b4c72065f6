package dev.assay.executor.harness;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assay.avro.TestStatus;
import dev.assay.avro.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A test or compile run's REPORT (harness/PROTOCOL.md "Test run report"): what ran, what the probes recorded, what
 * could not load, what integrity events the harness saw, and the resources used. Everything in it came from a process
 * the code under test shared, so it is evidence to weigh, never a verdict: failures are believed, passes are checked
 * against the trusted test set and the sealed expectations.
 *
 * @param tests           one entry per test case, in run order
 * @param probes          sealed probes' recorded values, in the order recorded
 * @param errors          problems outside any test case (a test file that did not import or compile)
 * @param integrity       integrity events the harness saw (also streamed as EVENT records)
 * @param resources       limits hit by failing tests, in the order seen
 * @param cpuMillis       user + system CPU time of the code under test; 0 when the report does not say
 * @param peakMemoryBytes peak resident memory of the code under test; 0 when the report does not say
 */
public record RunReport(List<Test> tests, List<ProbeValue> probes, List<String> errors, List<JsonNode> integrity,
        List<Violation> resources, long cpuMillis, long peakMemoryBytes) {
    private static final int MAX_MESSAGE = 2000;

    /** One test case as the runner saw it. */
    public record Test(String id, String function, String file, TestStatus status, String message, long durationMs) {
    }

    /**
     * @param test the runtime id of the test that made the call, or null when the runner cannot tell
     */
    public record ProbeValue(int probe, String test, JsonNode value) {
    }

    public RunReport {
        tests = List.copyOf(tests);
        probes = List.copyOf(probes);
        errors = List.copyOf(errors);
        integrity = List.copyOf(integrity);
        resources = List.copyOf(resources);
    }

    /**
     * @throws IllegalArgumentException with the reason when the JSON is not a report
     */
    public static RunReport parse(JsonNode root) {
        if (root == null || !root.isObject() || !root.path("tests").isArray()) {
            throw new IllegalArgumentException("test report has no tests array");
        }
        List<Test> tests = new ArrayList<>();
        List<Violation> resources = new ArrayList<>();
        for (JsonNode test : root.get("tests")) {
            if (!test.path("id").isTextual() || test.path("id").asText().isEmpty()) {
                throw new IllegalArgumentException("test report entry without an id: " + abbreviate(test.toString()));
            }
            String id = test.get("id").asText();
            tests.add(new Test(id, test.path("function").asText(id), test.path("file").asText(""),
                    status(test.path("status").asText()),
                    test.path("message").isTextual() ? abbreviate(test.get("message").asText()) : null,
                    Math.max(0, test.path("durationMs").asLong(0))));
            resource(test.path("resource").asText("")).ifPresent(resources::add);
        }
        List<ProbeValue> probes = new ArrayList<>();
        for (JsonNode probe : root.path("probes")) {
            if (!probe.path("probe").canConvertToInt() || !probe.path("value").isObject()) {
                throw new IllegalArgumentException("probe record without an id or a value: " + abbreviate(probe.toString()));
            }
            probes.add(new ProbeValue(probe.get("probe").asInt(),
                    probe.path("test").isTextual() ? probe.get("test").asText() : null, probe.get("value")));
        }
        List<String> errors = new ArrayList<>();
        for (JsonNode error : root.path("errors")) {
            errors.add(abbreviate(error.path("name").asText("?") + ": " + error.path("message").asText("")));
            resource(error.path("resource").asText("")).ifPresent(resources::add);
        }
        List<JsonNode> integrity = new ArrayList<>();
        root.path("integrity").forEach(integrity::add);
        JsonNode usage = root.path("usage");
        return new RunReport(tests, probes, errors, integrity, resources, measurement(usage.path("cpuMillis")),
                measurement(usage.path("peakMemoryBytes")));
    }

    public long count(TestStatus status) {
        return tests.stream().filter(t -> t.status() == status).count();
    }

    /**
     * A usage figure, or 0 ("not measured") when it is missing, not a whole number or negative: usage is evidence
     * about the run, not part of the verdict, so an odd value must not turn a report into an error.
     */
    private static long measurement(JsonNode value) {
        return value.canConvertToExactIntegral() && value.canConvertToLong() ? Math.max(0, value.asLong()) : 0;
    }

    private static TestStatus status(String value) {
        try {
            return TestStatus.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return TestStatus.UNKNOWN;
        }
    }

    private static Optional<Violation> resource(String value) {
        return switch (value) {
            case "MEMORY" -> Optional.of(Violation.MEMORY);
            case "PIDS" -> Optional.of(Violation.PIDS);
            case "DISK" -> Optional.of(Violation.DISK);
            case "NETWORK" -> Optional.of(Violation.NETWORK);
            default -> Optional.empty();
        };
    }

    static String abbreviate(String s) {
        return s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE) + "...";
    }
}
