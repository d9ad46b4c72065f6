package dev.assay.reliability;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Counts what a fault run must prove: every submitted request ends with exactly one outcome. Lost = submitted
 * without an outcome; duplicated = more than one outcome record for the same request; stray = an outcome for a
 * request this run never submitted. Thread-safe: a consumer thread records outcomes while the test submits.
 */
public final class OutcomeLedger {
    private final Set<String> submitted = ConcurrentHashMap.newKeySet();
    private final Map<String, List<String>> outcomes = new ConcurrentHashMap<>();

    /** What the run adds up to. */
    public record Tally(int submitted, int outcomes, int lost, int duplicated, int stray) {
        /** The line the suite prints: {@code faults: submitted=30 outcomes=30 lost=0 duplicated=0}. */
        public String line(String label) {
            return String.format("faults[%s]: submitted=%d outcomes=%d lost=%d duplicated=%d", label, submitted, outcomes,
                    lost, duplicated) + (stray > 0 ? " stray=" + stray : "");
        }

        public boolean exactlyOnce() {
            return lost == 0 && duplicated == 0 && stray == 0 && outcomes == submitted;
        }
    }

    public void submitted(String requestId) {
        submitted.add(requestId);
    }

    /** One outcome record as read from the outcomes topic, with its status. */
    public void outcome(String requestId, String status) {
        outcomes.computeIfAbsent(requestId, k -> new CopyOnWriteArrayList<>()).add(status);
    }

    /** Tally over the requests whose ids start with {@code prefix} ("" for all). */
    public Tally tally(String prefix) {
        int sub = 0;
        int out = 0;
        int lost = 0;
        int dup = 0;
        for (String id : submitted) {
            if (!id.startsWith(prefix)) {
                continue;
            }
            sub++;
            int n = outcomes.getOrDefault(id, List.of()).size();
            out += n;
            if (n == 0) {
                lost++;
            } else if (n > 1) {
                dup++;
            }
        }
        int stray = 0;
        for (String id : outcomes.keySet()) {
            if (id.startsWith(prefix) && !submitted.contains(id)) {
                stray += outcomes.get(id).size();
            }
        }
        return new Tally(sub, out, lost, dup, stray);
    }

    /** Requests of the prefix with at least one outcome. */
    public int completed(String prefix) {
        return (int) submitted.stream().filter(id -> id.startsWith(prefix) && outcomes.containsKey(id)).count();
    }

    /** The statuses of every outcome of the request, in arrival order. */
    public List<String> statuses(String requestId) {
        return List.copyOf(outcomes.getOrDefault(requestId, List.of()));
    }

    /** Submitted ids of the prefix still without an outcome, for failure messages. */
    public Set<String> missing(String prefix) {
        Set<String> out = new LinkedHashSet<>();
        submitted.stream().filter(id -> id.startsWith(prefix) && !outcomes.containsKey(id)).sorted().forEach(out::add);
        return out;
    }
}
