package dev.assay.cli;

import dev.assay.avro.AuditEvent;
import dev.assay.console.AuditCheck;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code assay audit verify <id>}: checks a request's audit hash chain as it is on the audit topic. */
@Command(name = "audit", mixinStandardHelpOptions = true, subcommands = AuditCommand.Verify.class,
        description = "Inspect the audit topic.")
final class AuditCommand {

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Verify a request's audit chain (SHA-256 hash chain written by the verifier).",
                    "Exit 0: chain holds (events outside it are listed); 3: broken; 5: no events; 6: unchained."})
    static final class Verify extends CliCommand {
        @Parameters(paramLabel = "REQUEST-ID")
        String requestId;

        @Option(names = "--strict", description = "Also fail (exit 6) when some events are outside the chain.")
        boolean strict;

        @Override
        public Integer call() throws Exception {
            var topic = ctx().topics().audit();
            List<AuditEvent> events = new ArrayList<>();
            try (TopicReader reader = new TopicReader(ctx().kafkaProps(), List.of(topic.name()), requestId)) {
                reader.readToEnd(record -> {
                    if (record.value() != null) {
                        events.add(decode(topic, record));
                    }
                }, READ_TIMEOUT);
            }
            AuditCheck.Result result = AuditCheck.check(events);
            if (ctx().json()) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("requestId", requestId);
                out.put("status", result.status().name());
                out.put("events", result.events());
                out.put("sealed", result.sealed());
                out.put("unsealedServices", result.unsealedServices());
                out.put("problems", result.problems());
                out.put("summary", result.summary());
                out.put("chain", events.stream().map(Avro::toMap).toList());
                printJson(out);
            } else {
                for (int i = 0; i < events.size(); i++) {
                    AuditEvent e = events.get(i);
                    out().printf("%3d  %-18s %-18s #%d  %s  %s%n", i, e.getType(), e.getService(), e.getAttempt(),
                            e.getHash() == null ? "unchained   " : e.getHash().substring(0, 12), e.getDetail());
                }
                out().println(requestId + ": " + result.summary());
                out().flush();
            }
            return switch (result.status()) {
                case VERIFIED -> ExitCodes.OK;
                case PARTIAL -> strict ? ExitCodes.UNVERIFIABLE : ExitCodes.OK;
                case UNCHAINED -> ExitCodes.UNVERIFIABLE;
                case BROKEN -> ExitCodes.NEGATIVE;
                case EMPTY -> ExitCodes.NOT_FOUND;
            };
        }
    }
}
