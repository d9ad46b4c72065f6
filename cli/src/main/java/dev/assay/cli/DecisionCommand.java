package dev.assay.cli;

import dev.assay.avro.ApprovalDecision;
import dev.assay.console.RequestView;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code assay approve|reject <id>}: a person's {@link ApprovalDecision} on the decisions topic. The request must be
 * pending (checked first, {@code --force} skips the check); the verifier dead-letters decisions it cannot apply anyway.
 */
abstract class DecisionCommand extends CliCommand {

    @Parameters(paramLabel = "REQUEST-ID")
    String requestId;

    @Option(names = "--reviewer", description = "Who decides (default: $USER). Recorded as the outcome's decidedBy.")
    String reviewer;

    @Option(names = "--force", description = "Send even if the request does not look pending (e.g. its approval is not visible yet).")
    boolean force;

    abstract boolean approved();

    abstract String reason();

    @Override
    public Integer call() throws Exception {
        String who = reviewer != null ? reviewer : root().env("USER");
        if (who == null || who.isBlank()) {
            throw new IllegalArgumentException("say who decides: --reviewer NAME (or set $USER)");
        }
        if (who.strip().toLowerCase(Locale.ROOT).startsWith("gate:")) {
            throw new IllegalArgumentException("'gate:' reviewers are the verifier's own; a person decides under their own name");
        }
        if (!force) {
            RequestView view = readViews(requestId, false).get(requestId);
            if (view == null || !view.pending()) {
                err().println("assay: " + requestId + " is not waiting for a decision"
                        + (view == null ? " (no approval request for it)" : view.outcome() != null
                        ? " (outcome " + view.outcome().status() + " already)" : " (auto-approved at the gate)"));
                err().flush();
                return ExitCodes.NOT_FOUND;
            }
        }
        ApprovalDecision decision = ApprovalDecision.newBuilder().setRequestId(requestId).setApproved(approved())
                .setReviewer(who.strip()).setReason(reason() == null ? "" : reason().strip()).setDecidedAt(Instant.now()).build();
        Map<String, Object> props = new LinkedHashMap<>(ctx().kafkaProps());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        var topic = ctx().topics().approvalDecisions();
        RecordMetadata meta;
        try (var producer = new KafkaProducer<>(props, new StringSerializer(), topic.valueSerde().serializer())) {
            meta = producer.send(new ProducerRecord<>(topic.name(), requestId, decision)).get();
        }
        if (ctx().json()) {
            Map<String, Object> row = new LinkedHashMap<>(Avro.toMap(decision));
            row.put("topic", meta.topic());
            row.put("partition", meta.partition());
            row.put("offset", meta.offset());
            printJson(row);
        } else {
            out().println((approved() ? "approved " : "rejected ") + requestId + " as " + decision.getReviewer()
                    + "; the verifier records the outcome (assay watch " + requestId + ")");
            out().flush();
        }
        return ExitCodes.OK;
    }

    @picocli.CommandLine.Command(name = "approve", mixinStandardHelpOptions = true,
            description = {"Approve a request waiting for review.", "Exit code 5 if it is not waiting for a decision."})
    static final class Approve extends DecisionCommand {
        @Option(names = "--reason", description = "Why (optional).")
        String reason;

        @Override
        boolean approved() {
            return true;
        }

        @Override
        String reason() {
            return reason;
        }
    }

    @picocli.CommandLine.Command(name = "reject", mixinStandardHelpOptions = true,
            description = {"Reject a request waiting for review.", "Exit code 5 if it is not waiting for a decision."})
    static final class Reject extends DecisionCommand {
        @Option(names = "--reason", required = true, description = "Why (required).")
        String reason;

        @Override
        boolean approved() {
            return false;
        }

        @Override
        String reason() {
            if (reason.isBlank()) {
                throw new IllegalArgumentException("--reason must say why");
            }
            return reason;
        }
    }
}
