package dev.assay.executor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.assay.avro.TestCaseResult;
import dev.assay.avro.TestStatus;
import dev.assay.avro.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The test report a harness prints inside the sandbox, in one JSON shape for every language:
 * {@code {"tests":[{"name","status","message","durationMs","resource"}],"errors":[{"name","message"}],
 * "usage":{"cpuMillis","peakMemoryBytes"}}}.
 * {@code resource} names the sandbox limit a failing test ran into (MEMORY, PIDS, DISK, NETWORK), if any;
 * {@code usage} is what the harness measured of its own process and the test processes it waited for.
 *
 * @param tests           one result per test case, in run order
 * @param errors          problems outside any test case (a test file that did not import or compile)
 * @param resources       limits hit by failing tests, in the order seen
 * @param cpuMillis       user + system CPU time of the code under test; 0 when the report does not say
 * @param peakMemoryBytes peak resident memory of the code under test; 0 when the report does not say
 */
public record HarnessReport(List<TestCaseResult> tests, List<String> errors, List<Violation> resources, long cpuMillis,
        long peakMemoryBytes) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_MESSAGE = 2000;

    public HarnessReport {
        tests = List.copyOf(tests);
        errors = List.copyOf(errors);
        resources = List.copyOf(resources);
        if (cpuMillis < 0 || peakMemoryBytes < 0) {
            throw new IllegalArgumentException("negative resource use: " + cpuMillis + " ms CPU, " + peakMemoryBytes + " bytes");
        }
    }

    /**
     * Parses a report; anything that is not the expected shape is an error, since the code under test shares the
     * process with the harness and may have printed over it.
     *
     * @throws IllegalArgumentException with the reason when the text is not a report
     */
    public static HarnessReport parse(String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException("test report is not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject() || !root.path("tests").isArray()) {
            throw new IllegalArgumentException("test report has no tests array");
        }
        List<TestCaseResult> tests = new ArrayList<>();
        List<Violation> resources = new ArrayList<>();
        for (JsonNode test : root.get("tests")) {
            if (!test.path("name").isTextual()) {
                throw new IllegalArgumentException("test report entry without a name: " + abbreviate(test.toString()));
            }
            tests.add(TestCaseResult.newBuilder()
                    .setName(test.get("name").asText())
                    .setStatus(status(test.path("status").asText()))
                    .setMessage(test.path("message").isTextual() ? abbreviate(test.get("message").asText()) : null)
                    .setDurationMs(Math.max(0, test.path("durationMs").asLong(0)))
                    .build());
            resource(test.path("resource").asText("")).ifPresent(resources::add);
        }
        List<String> errors = new ArrayList<>();
        for (JsonNode error : root.path("errors")) {
            errors.add(abbreviate(error.path("name").asText("?") + ": " + error.path("message").asText("")));
            resource(error.path("resource").asText("")).ifPresent(resources::add);
        }
        JsonNode usage = root.path("usage");
        return new HarnessReport(tests, errors, resources, measurement(usage.path("cpuMillis")),
                measurement(usage.path("peakMemoryBytes")));
    }

    /** True when at least one test passed and none failed or errored (skips are allowed alongside passes). */
    public boolean allPassed() {
        return tests.stream().anyMatch(t -> t.getStatus() == TestStatus.PASSED)
                && tests.stream().allMatch(t -> t.getStatus() == TestStatus.PASSED || t.getStatus() == TestStatus.SKIPPED);
    }

    public long count(TestStatus status) {
        return tests.stream().filter(t -> t.getStatus() == status).count();
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
