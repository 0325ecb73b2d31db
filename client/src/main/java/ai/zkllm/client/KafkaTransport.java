package ai.zkllm.client;

import ai.zkllm.program.RejectedPromptException;
import ai.zkllm.program.RoundTransport;
import ai.zkllm.schemas.v1.DeadLetter;
import ai.zkllm.schemas.v1.EncryptedPrompt;
import ai.zkllm.schemas.v1.EncryptedResponse;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Rounds through Kafka: the prompt is produced to the brain's prompts topic keyed by session
 * (idempotent, acks=all), and the response awaited on the responses topic, or its dead letter on the
 * dead-letter topic. Reading starts at the end of the topics as they are when this transport opens.
 *
 * <p>Miners deliver responses and dead letters at least once (a restarted job writes again what it
 * wrote since its last checkpoint), and this transport deduplicates by request id: a round awaits
 * the one request id it sent, so a repeat of a round already answered, or of another client's, is
 * skipped. The topics are read read_uncommitted, so no round waits for a transaction of any writer.
 */
final class KafkaTransport implements RoundTransport, AutoCloseable {
    /** How long opening waits for the brokers' metadata: a reachable cluster answers in milliseconds. */
    static final Duration METADATA_TIMEOUT = Duration.ofSeconds(15);

    private final ZkllmClient.Config config;
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private long bytesUp;
    private long bytesDown;

    KafkaTransport(ZkllmClient.Config config) {
        this.config = config;
        // A bad user property (e.g. security.protocol=BOGUS) is the user's mistake: say which.
        try {
            this.producer = new KafkaProducer<>(withUserProperties(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                    ProducerConfig.LINGER_MS_CONFIG, "0",
                    ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(64 << 20)), config),
                    new StringSerializer(), new ByteArraySerializer());
            this.consumer = new KafkaConsumer<>(withUserProperties(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                    ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(64 << 20),
                    ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "20"), config),
                    new StringDeserializer(), new ByteArrayDeserializer());
        } catch (ConfigException e) {
            throw new IllegalArgumentException("Kafka client property: " + e.getMessage(), e);
        }
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : config.deadLetterTopic() == null ? List.of(config.responsesTopic())
                    : List.of(config.responsesTopic(), config.deadLetterTopic())) {
                partitionsOf(topic).forEach(partitions::add);
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // resolve now: responses from here on are ours to read
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The topic's partitions; a broker that does not answer, or lacks the topic, fails the client now rather than every round. */
    private List<TopicPartition> partitionsOf(String topic) {
        List<PartitionInfo> info;
        try {
            info = consumer.partitionsFor(topic, METADATA_TIMEOUT);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new BrokerUnavailableException("no Kafka broker answered at " + config.bootstrapServers()
                    + " within " + METADATA_TIMEOUT.toSeconds() + " s (reading topic " + topic
                    + "); check the address and that the broker is running", e);
        }
        if (info.isEmpty()) {
            throw new BrokerUnavailableException("the Kafka cluster at " + config.bootstrapServers() + " has no topic "
                    + topic + "; create it or name the right one", null);
        }
        return info.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
    }

    @Override
    public EncryptedResponse roundTrip(EncryptedPrompt prompt) throws IOException, TimeoutException {
        byte[] value = prompt.toByteArray();
        send(prompt.getSessionId(), value);
        bytesUp += value.length;
        EncryptedResponse response = await(prompt.getRequestId());
        bytesDown += response.getSerializedSize();
        return response;
    }

    /** Prompt bytes produced so far. */
    long bytesUp() {
        return bytesUp;
    }

    /** Response bytes received so far. */
    long bytesDown() {
        return bytesDown;
    }

    /** Sends a raw record to the prompts topic. */
    void send(String key, byte[] value) throws IOException {
        try {
            producer.send(new ProducerRecord<>(config.promptsTopic(), key, value)).get();
        } catch (ExecutionException e) {
            throw new IOException("could not produce to " + config.promptsTopic(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** The response or dead letter of {@code requestId}; every other record, repeats included, is skipped. */
    private EncryptedResponse await(String requestId) throws RejectedPromptException, TimeoutException {
        long until = System.nanoTime() + config.roundTimeout().toNanos();
        while (System.nanoTime() < until) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                try {
                    if (r.topic().equals(config.deadLetterTopic())) {
                        DeadLetter d = DeadLetter.parseFrom(r.value());
                        if (d.getRequestId().equals(requestId)) {
                            throw new RejectedPromptException(d.getReason(), d.getDetail());
                        }
                    } else {
                        EncryptedResponse response = EncryptedResponse.parseFrom(r.value());
                        if (response.getRequestId().equals(requestId)) {
                            return response;
                        }
                    }
                } catch (InvalidProtocolBufferException e) {
                    // not a message of ours: another client's garbage cannot stop this one
                }
            }
        }
        throw new TimeoutException("no response to " + requestId + " within " + config.roundTimeout());
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        consumer.close(Duration.ofSeconds(5));
    }

    /** The client's own settings, then the user's Kafka properties over them (security, sizes). */
    private static Map<String, Object> withUserProperties(Map<String, Object> own, ZkllmClient.Config config) {
        Map<String, Object> all = new HashMap<>(own);
        all.putAll(config.kafkaProperties());
        return all;
    }
}
