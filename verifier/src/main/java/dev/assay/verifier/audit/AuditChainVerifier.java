package dev.assay.verifier.audit;

import dev.assay.avro.AuditEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Checks audit chains as read from the audit topic (events of one request are in one partition, so in order):
 * every hash must recompute, the first event of a request must start the chain, and every other event must link to
 * the one before it. Dropping the last events of a chain leaves a valid shorter chain; pass the expected heads (the
 * hashes the verifier last wrote) to catch that too.
 */
public final class AuditChainVerifier {

    /** What is wrong with one event. */
    public enum ProblemKind {
        /** The content does not match its hash: the event was changed. */
        MODIFIED,
        /** The event links to a predecessor that is not in the chain: an event was dropped. */
        MISSING_PREDECESSOR,
        /** The event links to an event that comes later in the chain: events were reordered. */
        REORDERED,
        /** The event links to an event other than the one before it, or restarts the chain mid-way. */
        BROKEN_LINK,
        /** The chain ends before the expected head: events at its end were dropped. */
        TRUNCATED,
        /** The event carries no hash at all. */
        UNSEALED
    }

    /** One problem: which request, the index of the event within that request's chain, and what. */
    public record Problem(String requestId, int index, ProblemKind kind, String message) {
    }

    /** The outcome of a verification; valid when there are no problems. */
    public record Report(int requests, int events, List<Problem> problems) {
        public Report {
            problems = List.copyOf(problems);
        }

        public boolean valid() {
            return problems.isEmpty();
        }
    }

    /** Verifies every request's chain in {@code events} (any mix of requests, each in its topic order). */
    public Report verify(List<AuditEvent> events) {
        return verify(events, Map.of());
    }

    /** As {@link #verify(List)}, also requiring each request in {@code expectedHeads} to end at that hash. */
    public Report verify(List<AuditEvent> events, Map<String, String> expectedHeads) {
        Map<String, List<AuditEvent>> byRequest = new LinkedHashMap<>();
        events.forEach(e -> byRequest.computeIfAbsent(e.getRequestId(), k -> new ArrayList<>()).add(e));
        expectedHeads.keySet().forEach(id -> byRequest.computeIfAbsent(id, k -> new ArrayList<>()));
        List<Problem> problems = new ArrayList<>();
        byRequest.forEach((id, chain) -> problems.addAll(verifyChain(id, chain, expectedHeads.get(id))));
        return new Report(byRequest.size(), events.size(), problems);
    }

    private static List<Problem> verifyChain(String id, List<AuditEvent> chain, String expectedHead) {
        List<Problem> problems = new ArrayList<>();
        Map<String, Integer> indexByHash = new HashMap<>();
        for (int i = 0; i < chain.size(); i++) {
            if (chain.get(i).getHash() != null) {
                indexByHash.putIfAbsent(chain.get(i).getHash(), i);
            }
        }
        String previous = null;
        for (int i = 0; i < chain.size(); i++) {
            AuditEvent e = chain.get(i);
            if (e.getHash() == null) {
                problems.add(new Problem(id, i, ProblemKind.UNSEALED, e.getType() + " from " + e.getService() + " has no hash"));
                previous = null;
                continue;
            }
            if (!AuditChain.hash(e).equals(e.getHash())) {
                problems.add(new Problem(id, i, ProblemKind.MODIFIED,
                        e.getType() + " from " + e.getService() + " does not match its hash"));
            }
            if (!Objects.equals(e.getPreviousHash(), previous)) {
                problems.add(linkProblem(id, i, e, indexByHash));
            }
            previous = e.getHash();
        }
        if (expectedHead != null && !expectedHead.equals(previous)) {
            problems.add(new Problem(id, chain.size(), ProblemKind.TRUNCATED,
                    "chain ends at " + previous + ", expected head " + expectedHead));
        }
        return problems;
    }

    private static Problem linkProblem(String id, int i, AuditEvent e, Map<String, Integer> indexByHash) {
        if (e.getPreviousHash() == null) {
            return new Problem(id, i, ProblemKind.BROKEN_LINK, e.getType() + " restarts the chain at position " + i);
        }
        Integer target = indexByHash.get(e.getPreviousHash());
        if (target == null) {
            return new Problem(id, i, ProblemKind.MISSING_PREDECESSOR,
                    e.getType() + " follows an event that is not in the chain");
        }
        if (target >= i) {
            return new Problem(id, i, ProblemKind.REORDERED, e.getType() + " follows the event at position " + target
                    + ", which comes after it");
        }
        return new Problem(id, i, ProblemKind.BROKEN_LINK, e.getType() + " follows the event at position " + target
                + ", not the one before it");
    }
}
