package dev.assay.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.assay.avro.ApprovalRequest;
import dev.assay.avro.AuditEvent;
import dev.assay.avro.Outcome;
import dev.assay.avro.OutcomeStatus;
import dev.assay.schemas.DeadLetterHeaders;
import java.io.Console;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code assay watch <id>}: follows a request from its first event to its outcome. */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {"Follow a request through the stages until its outcome.",
                "Exit code 0 when APPROVED, 3 when FAILED, REJECTED or INVALID, 4 on timeout."})
final class WatchCommand extends CliCommand {
    private static final ObjectMapper LINES = new ObjectMapper();

    @Parameters(paramLabel = "REQUEST-ID")
    String requestId;

    @Option(names = "--timeout", defaultValue = "PT10M", description = "How long to wait for the outcome (ISO-8601, default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        var topics = ctx().topics();
        boolean terminal = !ctx().json() && onTerminal();
        int width = parseWidth(System.getenv("COLUMNS"));
        ProgressDisplay display = new ProgressDisplay(out(), terminal, width, Clock.systemDefaultZone(), requestId);
        AtomicReference<Outcome> outcome = new AtomicReference<>();
        List<String> names = List.of(topics.audit().name(), topics.approvals().name(), topics.outcomes().name(), topics.deadLetter());
        boolean done;
        try (TopicReader reader = new TopicReader(ctx().kafkaProps(), names, requestId)) {
            done = reader.follow(record -> {
                if (record.value() == null) {
                    return false;
                }
                String topic = record.topic();
                if (topic.equals(topics.audit().name())) {
                    AuditEvent e = decode(topics.audit(), record);
                    emit(display, "audit", e, () -> display.audit(e));
                } else if (topic.equals(topics.approvals().name())) {
                    ApprovalRequest a = decode(topics.approvals(), record);
                    emit(display, "approval", a, () -> display.approval(a));
                } else if (topic.equals(topics.outcomes().name())) {
                    // Shown after the follow ends, so the audit events committed with it come first.
                    outcome.compareAndSet(null, decode(topics.outcomes(), record));
                    return true;
                } else {
                    String source = header(record, DeadLetterHeaders.ORIGINAL_TOPIC);
                    String reason = header(record, DeadLetterHeaders.REASON);
                    String message = header(record, DeadLetterHeaders.EXCEPTION_MESSAGE);
                    emit(display, "dead-letter", Map.of("sourceTopic", source, "reason", reason, "message", message),
                            () -> display.deadLetter(source, reason, message));
                }
                return false;
            }, display::tick, timeout);
        }
        if (!done) {
            if (ctx().json()) {
                jsonLine(Map.of("event", "timeout", "requestId", requestId, "timeout", timeout.toString()));
            } else {
                display.timedOut(timeout);
            }
            return ExitCodes.TIMEOUT;
        }
        Outcome o = outcome.get();
        emit(display, "outcome", o, () -> display.outcome(o));
        return o.getStatus() == OutcomeStatus.APPROVED ? ExitCodes.OK : ExitCodes.NEGATIVE;
    }

    /** JSON output is one object per line (NDJSON), so a script can act on each event as it comes. */
    private void emit(ProgressDisplay display, String kind, Object value, Runnable text) {
        if (!ctx().json()) {
            text.run();
            return;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("event", kind);
        line.put("requestId", requestId);
        line.put("record", value instanceof org.apache.avro.specific.SpecificRecord r ? Avro.toMap(r) : value);
        jsonLine(line);
    }

    private void jsonLine(Object value) {
        try {
            out().println(LINES.writeValueAsString(value));
            out().flush();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    /**
     * True when stdout is an interactive terminal. From JDK 22 {@code System.console()} is non-null even when output is
     * redirected, so {@code Console.isTerminal()} decides where it exists (the code targets Java 21, hence reflection).
     */
    static boolean onTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot ask the console whether it is a terminal", e);
        }
    }

    static int parseWidth(String columns) {
        try {
            return columns == null ? 120 : Integer.parseInt(columns.strip());
        } catch (NumberFormatException e) {
            return 120;
        }
    }
}
