package dev.assay.console;

import dev.assay.avro.AuditEvent;
import dev.assay.verifier.audit.AuditChainVerifier;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks one request's audit events as read from the audit topic with the verifier's {@link AuditChainVerifier}, and says
 * plainly how much of the history the chain covers. Only the verifier seals events; unless it is configured to chain
 * the other services' events too ({@code verifier.audit.raw.topic}), their events arrive unsealed and are outside the
 * chain — reported as such, never counted as verified.
 */
public final class AuditCheck {

    /** How far the request's history can be trusted. */
    public enum Status {
        /** Every event is sealed and the chain is intact. */
        VERIFIED,
        /** The sealed events form an intact chain; some events carry no hash and are not covered by it. */
        PARTIAL,
        /** No event carries a hash: there is nothing to verify. */
        UNCHAINED,
        /** The chain is broken: an event was changed, dropped or reordered. */
        BROKEN,
        /** No audit events for the request. */
        EMPTY
    }

    /**
     * @param status           the verdict
     * @param events           events read
     * @param sealed           events carrying a hash
     * @param unsealedServices services whose events carry no hash
     * @param problems         what is wrong with the chain (empty unless BROKEN)
     */
    public record Result(Status status, int events, int sealed, Set<String> unsealedServices,
            List<AuditChainVerifier.Problem> problems) {

        public Result {
            unsealedServices = Set.copyOf(unsealedServices);
            problems = List.copyOf(problems);
        }

        /** One line for people. */
        public String summary() {
            return switch (status) {
                case VERIFIED -> "chain verified: all " + events + " events sealed and linked";
                case PARTIAL -> "chain verified over " + sealed + " of " + events + " events; " + (events - sealed)
                        + " unchained event(s) from " + String.join(", ", new TreeSet<>(unsealedServices))
                        + " are not covered by it";
                case UNCHAINED -> "unchained: none of the " + events + " events carries a hash, so nothing can be verified";
                case BROKEN -> "chain BROKEN: " + problems.size() + " problem(s): " + problems.stream()
                        .map(p -> "#" + p.index() + " " + p.kind() + " (" + p.message() + ")").toList();
                case EMPTY -> "no audit events";
            };
        }
    }

    private AuditCheck() {
    }

    /** Verifies the events of one request, in topic order. */
    public static Result check(List<AuditEvent> events) {
        if (events.isEmpty()) {
            return new Result(Status.EMPTY, 0, 0, Set.of(), List.of());
        }
        List<AuditEvent> sealed = events.stream().filter(e -> e.getHash() != null).toList();
        Set<String> unsealedServices = new TreeSet<>();
        events.stream().filter(e -> e.getHash() == null).forEach(e -> unsealedServices.add(e.getService()));
        if (sealed.isEmpty()) {
            return new Result(Status.UNCHAINED, events.size(), 0, unsealedServices, List.of());
        }
        // Unsealed events are outside the chain by construction, so the chain is the sealed events in order; a sealed
        // event stripped of its hash leaves its successor pointing at a missing predecessor, which the verifier reports.
        AuditChainVerifier.Report report = new AuditChainVerifier().verify(sealed);
        if (!report.valid()) {
            return new Result(Status.BROKEN, events.size(), sealed.size(), unsealedServices, report.problems());
        }
        Status status = sealed.size() == events.size() ? Status.VERIFIED : Status.PARTIAL;
        return new Result(status, events.size(), sealed.size(), unsealedServices, List.of());
    }
}
