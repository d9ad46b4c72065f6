package dev.assay.generator;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.assay.avro.AssembledContext;
import dev.assay.avro.Generation;
import dev.assay.avro.GenerationStatus;
import dev.assay.embedded.EmbeddedKafkaBroker;
import dev.assay.runtime.AssayConfig;
import dev.assay.runtime.AssayService;
import dev.assay.runtime.CommonSettings;
import dev.assay.runtime.ServiceContext;
import dev.assay.schemas.Topics;
import dev.assay.schemas.registry.InMemorySchemaRegistryClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Load: one generator instance with {@code generator.max.in.flight=256} against a slow OpenAI-protocol server
 * (every answer takes 2 s) overlaps its model calls: the server sees at least 200 calls in flight at once, every
 * context gives exactly one generation, and the consumer keeps its group membership (no rebalance) while a batch
 * of slow calls is processed.
 */
class GeneratorLoadIT {
    private static final int CONTEXTS = 230;
    private static final Duration ANSWER_DELAY = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    /** OpenAI chat-completions endpoint that answers after {@link #ANSWER_DELAY} and records the peak of concurrent calls. */
    static final class SlowModelServer implements AutoCloseable {
        private final HttpServer server;
        private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        private final AtomicInteger inFlight = new AtomicInteger();
        private final AtomicInteger peak = new AtomicInteger();
        private final AtomicInteger calls = new AtomicInteger();
        private final byte[] answer = OpenAiModelTest.completion("```python path=slug.py\ndef slugify(t):\n    return t\n```\n", null)
                .getBytes(StandardCharsets.UTF_8);

        SlowModelServer() throws IOException {
            // A backlog above the expected concurrency so no connection waits on accept.
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
            server.setExecutor(executor);
            server.createContext("/", this::handle);
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        private void handle(HttpExchange exchange) throws IOException {
            exchange.getRequestBody().readAllBytes();
            calls.incrementAndGet();
            peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                Thread.sleep(ANSWER_DELAY);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inFlight.decrementAndGet();
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        }

        @Override
        public void close() {
            server.stop(0);
            executor.close();
        }
    }

    @Test
    void twoHundredCallsOverlapAndEveryContextGivesOneGenerationWithoutARebalance() throws Exception {
        Topics topics = Topics.create("load.", new InMemorySchemaRegistryClient(), true);
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir.resolve("kafka")).start();
             SlowModelServer model = new SlowModelServer();
             Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(topics.names().stream().map(n -> new NewTopic(n, 1, (short) 1)).toList()).all().get();
            // Every context is on the topic before the service starts, so its first poll can take them all.
            try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", broker.bootstrapServers()),
                    Serdes.String().serializer(), topics.contexts().valueSerde().serializer())) {
                for (int i = 0; i < CONTEXTS; i++) {
                    producer.send(new ProducerRecord<>(topics.contexts().name(), requestId(i), context(requestId(i))));
                }
            }
            AssayConfig config = AssayConfig.of(Map.ofEntries(
                    Map.entry("kafka.bootstrap.servers", broker.bootstrapServers()),
                    // Far above one batch of 2 s calls: a slow batch must not cost the group membership.
                    Map.entry("kafka.max.poll.interval.ms", "120000"),
                    Map.entry("registry.url", "http://registry.invalid"), Map.entry("topic.prefix", "load."),
                    Map.entry("instance.id", "generator-load"),
                    Map.entry("generator.provider", "openai"), Map.entry("generator.model", "gpt-test"),
                    Map.entry("generator.api.key", "sk-test"), Map.entry("generator.base.url", model.url() + "/v1"),
                    Map.entry("generator.timeout.seconds", "30"), Map.entry("generator.max.in.flight", "256")));
            AssayService service = GeneratorApp.create(new ServiceContext(config, CommonSettings.from(Generator.SERVICE, config),
                    topics, new SimpleMeterRegistry()));
            service.start();
            List<Generation> generations;
            MemberDescription before;
            MemberDescription after;
            try {
                before = awaitMember(admin);
                generations = GenerationsTopic.read(broker, topics, CONTEXTS, Duration.ofSeconds(45));
                after = awaitMember(admin);
            } finally {
                service.stop();
            }

            assertThat(model.peak.get()).as("model calls in flight at once").isGreaterThanOrEqualTo(200);
            assertThat(model.calls.get()).isEqualTo(CONTEXTS);
            assertThat(generations).hasSize(CONTEXTS).allSatisfy(g -> assertThat(g.getStatus()).isEqualTo(GenerationStatus.OK));
            assertThat(generations).extracting(Generation::getRequestId).doesNotHaveDuplicates();
            // A member that missed max.poll.interval.ms or its session leaves the group and rejoins under a new member id.
            assertThat(after.consumerId()).as("group member id").isEqualTo(before.consumerId());
            assertThat(after.memberEpoch()).isEqualTo(before.memberEpoch());
        }
    }

    private static String requestId(int i) {
        return "load-%03d".formatted(i);
    }

    private static AssembledContext context(String requestId) {
        AssembledContext base = Fixtures.context();
        return AssembledContext.newBuilder(base).setRequestId(requestId)
                .setRequest(dev.assay.avro.AssayRequest.newBuilder(base.getRequest()).setRequestId(requestId).build()).build();
    }

    /** The generator group's single member, once it has its partitions. */
    private static MemberDescription awaitMember(Admin admin) {
        List<MemberDescription> member = new ArrayList<>();
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("assay-" + Generator.SERVICE))
                    .all().get().get("assay-" + Generator.SERVICE);
            Optional<MemberDescription> assigned = group.members().stream()
                    .filter(m -> !m.assignment().topicPartitions().isEmpty()).findFirst();
            assigned.ifPresent(m -> {
                member.clear();
                member.add(m);
            });
            return group.members().size() == 1 && assigned.isPresent();
        });
        return member.getFirst();
    }
}
