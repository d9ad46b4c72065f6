package dev.assay.registry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's log in a compacted single-partition Kafka topic, as Confluent keeps {@code _schemas}: one
 * partition gives one order; compaction keeps the latest record per key, which is all a replay needs.
 * Writes wait for {@code acks=all}. The consumer is assigned the partition directly (no group), so every
 * registry instance reads the whole topic.
 */
public final class KafkaSchemaStore implements SchemaStore {
    private static final Logger log = LoggerFactory.getLogger(KafkaSchemaStore.class);

    private final Map<String, Object> clientProperties;
    private final String topic;
    private final TopicPartition partition;
    private final Duration timeout;
    private KafkaConsumer<byte[], byte[]> consumer;
    private KafkaProducer<byte[], byte[]> producer;

    /**
     * @param bootstrapServers Kafka's bootstrap servers
     * @param clientProperties further Kafka client settings (security, client ids...), applied to admin, consumer and producer
     * @param topic            the store topic, e.g. {@code assay._schemas}
     * @param timeout          bound on each Kafka call: topic creation, reading to the end, one acknowledged write
     */
    public KafkaSchemaStore(String bootstrapServers, Map<String, Object> clientProperties, String topic, Duration timeout) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put("bootstrap.servers", bootstrapServers);
        this.clientProperties = Map.copyOf(props);
        this.topic = topic;
        this.partition = new TopicPartition(topic, 0);
        this.timeout = timeout;
    }

    @Override
    public synchronized void start() {
        if (consumer == null) {
            ensureTopic();
            consumer = new KafkaConsumer<>(consumerProperties(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            consumer.assign(List.of(partition));
            producer = new KafkaProducer<>(producerProperties(), new ByteArraySerializer(), new ByteArraySerializer());
        }
        consumer.seekToBeginning(List.of(partition));
    }

    @Override
    public synchronized List<StoreEntry> readToEnd() {
        requireStarted();
        Instant deadline = Instant.now().plus(timeout);
        long end = consumer.endOffsets(Set.of(partition), timeout).get(partition);
        List<StoreEntry> entries = new ArrayList<>();
        while (consumer.position(partition, timeout) < end) {
            if (Instant.now().isAfter(deadline)) {
                throw new RegistryException(500, RegistryException.STORE_ERROR,
                        "could not read store topic " + topic + " to offset " + end + " within " + timeout);
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                decode(record).ifPresent(entries::add);
            }
        }
        return entries;
    }

    @Override
    public synchronized void append(StoreEntry entry) {
        requireStarted();
        try {
            producer.send(new ProducerRecord<>(topic, 0, StoreCodec.key(entry), StoreCodec.value(entry)))
                    .get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(500, RegistryException.STORE_ERROR, "interrupted writing to store topic " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new RegistryException(500, RegistryException.STORE_ERROR,
                    "could not write to store topic " + topic + ": " + (e.getCause() == null ? e : e.getCause()), e);
        }
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(timeout);
            producer = null;
        }
        if (consumer != null) {
            consumer.close(CloseOptions.timeout(timeout));
            consumer = null;
        }
    }

    private Optional<StoreEntry> decode(ConsumerRecord<byte[], byte[]> record) {
        try {
            return StoreCodec.decode(record.key(), record.value());
        } catch (RuntimeException e) {
            // One unreadable record must not keep the registry from starting; what it held is lost either way.
            log.error("skipping unreadable record at offset {} of {}: {}", record.offset(), topic, e.getMessage());
            return Optional.empty();
        }
    }

    private void ensureTopic() {
        try (Admin admin = Admin.create(clientProperties)) {
            NewTopic newTopic = new NewTopic(topic, Optional.of(1), Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            try {
                admin.createTopics(List.of(newTopic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                log.info("created store topic {}", topic);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            if (description.partitions().size() != 1) {
                // Ids are only consistent when every write lands in one total order.
                throw new RegistryException(500, RegistryException.STORE_ERROR, "store topic " + topic + " has "
                        + description.partitions().size() + " partitions; it must have exactly 1");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(500, RegistryException.STORE_ERROR, "interrupted creating store topic " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new RegistryException(500, RegistryException.STORE_ERROR,
                    "could not create or describe store topic " + topic + ": " + (e.getCause() == null ? e : e.getCause()), e);
        }
    }

    private Map<String, Object> consumerProperties() {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return props;
    }

    private Map<String, Object> producerProperties() {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        // Give up within the same bound the caller waits, so a write that timed out is not applied later behind its back.
        int requestTimeout = (int) Math.min(30_000, Math.max(1_000, timeout.toMillis() / 2));
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeout);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(requestTimeout, timeout.toMillis()));
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
        return props;
    }

    private void requireStarted() {
        if (consumer == null) {
            throw new IllegalStateException("store " + topic + " is not started");
        }
    }
}
