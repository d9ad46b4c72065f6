package dev.assay.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.assay.console.RequestView;
import dev.assay.schemas.Topic;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every command shares: the resolved connection, the output streams, JSON printing and topic decoding. */
abstract class CliCommand implements Callable<Integer> {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    @Spec
    CommandSpec spec;

    AssayCli root() {
        return (AssayCli) spec.root().userObject();
    }

    AssayCli.CliContext ctx() {
        return root().context();
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    void printJson(Object value) throws java.io.IOException {
        out().println(JSON.writeValueAsString(value));
        out().flush();
    }

    static <V extends SpecificRecord> V decode(Topic<V> topic, ConsumerRecord<byte[], byte[]> record) {
        return topic.valueSerde().deserializer().deserialize(record.topic(), record.value());
    }

    /** Reads the approval, outcome and audit topics (to their current end) into one view per request. */
    Map<String, RequestView> readViews(String requestId, boolean withAudit) {
        var topics = ctx().topics();
        List<String> names = withAudit ? List.of(topics.approvals().name(), topics.outcomes().name(), topics.audit().name())
                : List.of(topics.approvals().name(), topics.outcomes().name());
        Map<String, RequestView> views = new HashMap<>();
        try (TopicReader reader = new TopicReader(ctx().kafkaProps(), names, requestId)) {
            reader.readToEnd(record -> {
                if (record.key() == null || record.value() == null) {
                    return;
                }
                String id = new String(record.key(), java.nio.charset.StandardCharsets.UTF_8);
                RequestView view = views.getOrDefault(id, RequestView.empty(id));
                if (record.topic().equals(topics.approvals().name())) {
                    view = view.with(decode(topics.approvals(), record));
                } else if (record.topic().equals(topics.outcomes().name())) {
                    view = view.with(decode(topics.outcomes(), record));
                } else {
                    view = view.with(decode(topics.audit(), record));
                }
                views.put(id, view);
            }, READ_TIMEOUT);
        }
        return views;
    }
}
