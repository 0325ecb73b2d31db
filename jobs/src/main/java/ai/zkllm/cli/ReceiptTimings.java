package ai.zkllm.cli;

import ai.zkllm.schemas.v1.WorkReceipt;
import com.google.protobuf.InvalidProtocolBufferException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The miner's share of a run's round trips, read back from the receipts topic: the FHE work of each
 * receipt (its timings' total less the time the prompt queued in the operator). Receipts are
 * committed with the job's checkpoints, so reading waits until {@code expected} have arrived or the
 * timeout passes, and says how many it found.
 */
record ReceiptTimings(int receipts, double minerSeconds) {

    static ReceiptTimings read(String bootstrapServers, String topic, int expected, Duration timeout) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            int receipts = 0;
            long workUs = 0;
            while (receipts < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    WorkReceipt receipt = WorkReceipt.parseFrom(record.value());
                    workUs += receipt.getTimings().getTotalUs() - receipt.getTimings().getQueuedUs();
                    receipts++;
                }
            }
            return new ReceiptTimings(receipts, workUs / 1e6);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("the job wrote a receipt that does not parse: " + e.getMessage(), e);
        }
    }
}
