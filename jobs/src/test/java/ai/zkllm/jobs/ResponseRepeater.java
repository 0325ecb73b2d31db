package ai.zkllm.jobs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Fault injection, test only: delivers every response of one session twice, as a miner restarted
 * after writing it would. The copy (the same key and bytes) is produced when the session's next
 * prompt appears, so it lands in the partition while the client awaits that next round.
 */
final class ResponseRepeater implements AutoCloseable {
    /** Marks a copy, which is not copied again; clients ignore headers. */
    private static final String COPY = "zkllm-test-copy";
    private final ExecutorService thread = Executors.newSingleThreadExecutor();
    private final AtomicInteger copies = new AtomicInteger();
    private final Future<?> running;
    private volatile boolean closing;

    /** Starts watching the prompts and responses topics of {@code cfg} from their ends. */
    ResponseRepeater(InferenceJobConfig cfg, String session) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.kafka.bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(16 << 20)),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(cfg.prompts.name, cfg.kafka.responsesTopic)) {
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.kafka.bootstrapServers,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(16 << 20)),
                new StringSerializer(), new ByteArraySerializer());
        running = thread.submit(() -> {
            try (consumer; producer) {
                List<ConsumerRecord<String, byte[]>> answered = new ArrayList<>();
                while (!closing) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(10))) {
                        if (!session.equals(r.key()) || r.headers().lastHeader(COPY) != null) {
                            continue;
                        }
                        if (r.topic().equals(cfg.kafka.responsesTopic)) {
                            answered.add(r);
                        } else {
                            for (ConsumerRecord<String, byte[]> a : answered) {
                                ProducerRecord<String, byte[]> copy = new ProducerRecord<>(a.topic(), a.key(), a.value());
                                copy.headers().add(COPY, new byte[0]);
                                producer.send(copy).get();
                                copies.incrementAndGet();
                            }
                            answered.clear();
                        }
                    }
                }
            }
            return null;
        });
    }

    /** Responses delivered a second time so far. */
    int copies() {
        return copies.get();
    }

    @Override
    public void close() throws Exception {
        closing = true;
        try {
            running.get(10, TimeUnit.SECONDS);
        } finally {
            thread.shutdownNow();
        }
    }
}
