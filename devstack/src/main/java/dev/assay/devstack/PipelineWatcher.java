package dev.assay.devstack;

import dev.assay.avro.ApprovalRequest;
import dev.assay.avro.AuditEvent;
import dev.assay.avro.GateDecision;
import dev.assay.avro.Outcome;
import dev.assay.runtime.TopicFollower;
import dev.assay.schemas.DeadLetterHeaders;
import dev.assay.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Follows a run from the outside, as any client would: reads the audit, outcome and dead-letter topics
 * (read_committed) and reports each event as it arrives.
 */
public final class PipelineWatcher implements AutoCloseable {

    /** Something seen on the bus, in arrival order. */
    public sealed interface Event permits AuditSeen, OutcomeSeen, ApprovalSeen, DeadLetterSeen {
    }

    public record ApprovalSeen(ApprovalRequest approval) implements Event {
    }

    public record AuditSeen(AuditEvent event) implements Event {
    }

    public record OutcomeSeen(Outcome outcome) implements Event {
    }

    public record DeadLetterSeen(String sourceTopic, String service, String reason, String message) implements Event {
    }

    private final Topics topics;
    private final Map<String, List<Outcome>> outcomes = new ConcurrentHashMap<>();
    private final Map<String, ApprovalRequest> approvals = new ConcurrentHashMap<>();
    private final List<AuditEvent> audit = new CopyOnWriteArrayList<>();
    private final List<DeadLetterSeen> deadLetters = new CopyOnWriteArrayList<>();
    private final TopicFollower follower;

    public PipelineWatcher(Map<String, Object> kafkaProps, Topics topics, Consumer<Event> listener) {
        this.topics = topics;
        this.follower = TopicFollower.start("pipeline-watcher", kafkaProps,
                List.of(topics.audit().name(), topics.outcomes().name(), topics.approvals().name(), topics.deadLetter()),
                true, Duration.ofMillis(200), record -> listener.accept(decode(record)));
    }

    private Event decode(ConsumerRecord<byte[], byte[]> record) {
        if (record.topic().equals(topics.audit().name())) {
            AuditEvent event = topics.audit().valueSerde().deserializer().deserialize(record.topic(), record.value());
            audit.add(event);
            return new AuditSeen(event);
        }
        if (record.topic().equals(topics.outcomes().name())) {
            Outcome outcome = topics.outcomes().valueSerde().deserializer().deserialize(record.topic(), record.value());
            outcomes.computeIfAbsent(outcome.getRequestId(), k -> new CopyOnWriteArrayList<>()).add(outcome);
            return new OutcomeSeen(outcome);
        }
        if (record.topic().equals(topics.approvals().name())) {
            ApprovalRequest approval = topics.approvals().valueSerde().deserializer().deserialize(record.topic(), record.value());
            approvals.put(approval.getRequestId(), approval);
            return new ApprovalSeen(approval);
        }
        DeadLetterSeen seen = new DeadLetterSeen(TopicFollower.header(record, DeadLetterHeaders.ORIGINAL_TOPIC),
                TopicFollower.header(record, DeadLetterHeaders.SERVICE), TopicFollower.header(record, DeadLetterHeaders.REASON),
                TopicFollower.header(record, DeadLetterHeaders.EXCEPTION_MESSAGE));
        deadLetters.add(seen);
        return seen;
    }

    /** Waits until every request has at least one outcome; false on timeout. */
    public boolean awaitOutcomes(Collection<String> requestIds, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!outcomes.keySet().containsAll(requestIds)) {
            if (Instant.now().isAfter(deadline)) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }

    /**
     * Waits until every request has an outcome or waits at the gate for a person (held for review, no outcome yet);
     * false on timeout.
     */
    public boolean awaitSettled(Collection<String> requestIds, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!requestIds.stream().allMatch(id -> outcomes.containsKey(id) || heldForReview(id).isPresent())) {
            if (Instant.now().isAfter(deadline)) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }

    /** The gate's approval request when the request waits for a person's decision and has no outcome yet. */
    public java.util.Optional<ApprovalRequest> heldForReview(String requestId) {
        ApprovalRequest approval = approvals.get(requestId);
        return approval == null || approval.getDecision() == GateDecision.AUTO_APPROVE || outcomes.containsKey(requestId)
                ? java.util.Optional.empty() : java.util.Optional.of(approval);
    }

    /** Every outcome seen for the request (exactly one when the pipeline is right). */
    public List<Outcome> outcomes(String requestId) {
        return List.copyOf(outcomes.getOrDefault(requestId, List.of()));
    }

    public List<AuditEvent> audit(String requestId) {
        List<AuditEvent> out = new ArrayList<>();
        audit.forEach(e -> {
            if (e.getRequestId().equals(requestId)) {
                out.add(e);
            }
        });
        return out;
    }

    public List<DeadLetterSeen> deadLetters() {
        return List.copyOf(deadLetters);
    }

    @Override
    public void close() {
        follower.close();
    }
}
