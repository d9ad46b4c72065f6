package dev.assay.executor.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.assay.executor.sandbox.SandboxResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The harness records of one run read against the protocol's rules (harness/PROTOCOL.md "Records"): one BEGIN first,
 * EVENTs, exactly one REPORT last, nothing after it, the nonce nowhere else, and a clean exit. What breaks a rule is
 * a {@link #problems() problem}: the code under test wrote or cut the report channel, which is tampering.
 *
 * @param begun    a BEGIN record was written: the harness was running before any workspace code loaded
 * @param events   integrity events the harness wrote while the tests ran
 * @param report   the REPORT record's JSON, or null when there was none
 * @param problems how the records broke the protocol, one line each; empty when they did not
 */
public record RunRecords(boolean begun, List<JsonNode> events, JsonNode report, List<String> problems) {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** 128 + signal number: the process was killed by a signal, not ended by itself. */
    private static final int SIGNALLED = 128;

    public RunRecords {
        events = List.copyOf(events);
        problems = List.copyOf(problems);
    }

    /**
     * @param limitHit the run was killed or stopped by a sandbox limit (then a missing report is not tampering)
     */
    public static RunRecords read(SandboxResult result, String nonce, boolean limitHit) {
        List<String> problems = new ArrayList<>();
        List<JsonNode> events = new ArrayList<>();
        boolean begun = false;
        JsonNode report = null;
        int index = 0;
        for (String record : result.records()) {
            index++;
            int space = record.indexOf(' ');
            String kind = space < 0 ? record : record.substring(0, space);
            Optional<JsonNode> json = parse(space < 0 ? "" : record.substring(space + 1));
            if (json.isEmpty()) {
                problems.add("record " + index + " (" + abbreviate(kind) + ") is not one line of JSON");
                continue;
            }
            if (report != null) {
                problems.add("a " + abbreviate(kind) + " record came after the report");
                continue;
            }
            switch (kind) {
                case "BEGIN" -> {
                    if (begun || index != 1) {
                        problems.add(begun ? "two BEGIN records" : "BEGIN was not the first record");
                    }
                    begun = true;
                }
                case "EVENT" -> events.add(json.get());
                case "REPORT" -> report = json.get();
                default -> problems.add("unknown record kind " + abbreviate(kind));
            }
        }
        if (report != null && !begun) {
            problems.add("a report without the harness's BEGIN record");
        }
        if (result.outputAfterReport()) {
            problems.add("output followed the harness's report");
        }
        if (nonce != null && (result.stdout().contains(nonce) || result.stderr().contains(nonce))) {
            problems.add("the run's nonce appeared in the program output outside a record");
        }
        Integer exit = result.exitCode();
        if (report != null && exit != null && exit != 0 && !limitHit) {
            problems.add("the process exited with status " + exit + " after the harness's report (the harness exits with 0)");
        }
        if (report == null && begun && !limitHit && exit != null && exit < SIGNALLED) {
            problems.add("the process ended by itself with status " + exit + " before the harness wrote its report");
        }
        return new RunRecords(begun, events, report, problems);
    }

    private static Optional<JsonNode> parse(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            return Optional.empty();
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 20 ? s : s.substring(0, 20) + "...";
    }
}
