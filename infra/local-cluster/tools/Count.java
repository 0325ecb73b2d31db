import ai.zkllm.schemas.v1.DeadLetter;
import ai.zkllm.schemas.v1.EncryptedPrompt;
import ai.zkllm.schemas.v1.EncryptedResponse;
import ai.zkllm.schemas.v1.WorkReceipt;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Counts prompts, responses, receipts and dead letters by request id on read_committed reads and
 * prints one line per topic plus a verdict: every prompt answered (responses are delivered at least
 * once, so a restart may repeat one; the client keeps the first) with exactly one receipt, none
 * dead-lettered. Also the times of the first response after MS (argument 2, epoch ms).
 * java -cp zkllm-jobs-flink.jar Count.java BOOTSTRAP [KILL_EPOCH_MS [PROMPTS_TOPIC]]   (default zkllm.prompts)
 */
public class Count {
    public static void main(String[] a) throws Exception {
        String bootstrap = a[0];
        long kill = a.length > 1 ? Long.parseLong(a[1]) : -1;
        String promptsTopic = a.length > 2 ? a[2] : "zkllm.prompts";
        Map<String, Integer> prompts = count(bootstrap, promptsTopic, b -> EncryptedPrompt.parseFrom(b).getRequestId(), -1, null);
        long[] firstAfter = {Long.MAX_VALUE};
        Map<String, Integer> responses = count(bootstrap, "zkllm.responses", b -> EncryptedResponse.parseFrom(b).getRequestId(), kill, firstAfter);
        Map<String, Integer> receipts = count(bootstrap, "zkllm.receipts", b -> WorkReceipt.parseFrom(b).getRequestId(), -1, null);
        Map<String, Integer> dead = count(bootstrap, "zkllm.dead-letters", b -> DeadLetter.parseFrom(b).getRequestId(), -1, null);
        int lost = 0, dupResponses = 0, dupReceipts = 0, noReceipt = 0;
        for (String id : prompts.keySet()) {
            int r = responses.getOrDefault(id, 0), w = receipts.getOrDefault(id, 0);
            if (r == 0) lost++;
            if (r > 1) dupResponses++;
            if (w > 1) dupReceipts++;
            if (w == 0) noReceipt++;
        }
        System.out.printf("prompts=%d responses=%d (distinct %d) receipts=%d (distinct %d) dead-letters=%d%n",
                sum(prompts), sum(responses), responses.size(), sum(receipts), receipts.size(), sum(dead));
        System.out.printf("lost=%d duplicated-responses=%d duplicated-receipts=%d missing-receipts=%d%n",
                lost, dupResponses, dupReceipts, noReceipt);
        if (kill > 0 && firstAfter[0] != Long.MAX_VALUE) {
            System.out.printf("first-response-after-kill-ms=%d%n", firstAfter[0] - kill);
        }
        boolean ok = !prompts.isEmpty() && lost == 0 && dupReceipts == 0 && noReceipt == 0
                && dead.isEmpty() && responses.size() == prompts.size();
        System.out.println(ok ? "delivery=OK" : "delivery=BROKEN");
        System.exit(ok ? 0 : 1);
    }

    interface Id { String of(byte[] b) throws Exception; }

    static int sum(Map<String, Integer> m) { return m.values().stream().mapToInt(Integer::intValue).sum(); }

    static Map<String, Integer> count(String bootstrap, String topic, Id id, long after, long[] firstAfter) throws Exception {
        Map<String, Object> props = Map.of("bootstrap.servers", bootstrap, "isolation.level", "read_committed",
                "max.partition.fetch.bytes", 67108864, "fetch.max.bytes", 134217728);
        Map<String, Integer> counts = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.currentTimeMillis() + 60_000;
            while (parts.stream().anyMatch(p -> c.position(p) < end.get(p)) && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    counts.merge(id.of(r.value()), 1, Integer::sum);
                    if (firstAfter != null && after > 0 && r.timestamp() >= after) {
                        firstAfter[0] = Math.min(firstAfter[0], r.timestamp());
                    }
                }
            }
        }
        return counts;
    }
}
