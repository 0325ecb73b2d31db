package ai.zkllm.jobs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a whole topic from the beginning with a read_committed consumer (what a client sees). */
final class TopicReader {
    private TopicReader() {
    }

    /** Polls until {@code done} holds for the records read so far, or the timeout passes. */
    static List<ConsumerRecord<String, byte[]>> readUntil(String bootstrap, String topic, Duration timeout,
                                                          Predicate<List<ConsumerRecord<String, byte[]>>> done) {
        try (KafkaConsumer<String, byte[]> c = fromBeginning(bootstrap, topic)) {
            List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
            long until = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < until && !done.test(out)) {
                c.poll(Duration.ofMillis(100)).forEach(out::add);
            }
            return out;
        }
    }

    /** A read_committed consumer assigned to every partition of {@code topic}, at the beginning. */
    static KafkaConsumer<String, byte[]> fromBeginning(String bootstrap, String topic) {
        KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(16 << 20)),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = c.partitionsFor(topic).stream()
                .map(i -> new TopicPartition(topic, i.partition())).collect(Collectors.toList());
        c.assign(parts);
        c.seekToBeginning(parts);
        return c;
    }
}
