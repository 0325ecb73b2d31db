package ai.zkllm.jobs.kafka;

import ai.zkllm.operators.inference.OutRecord;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** An {@link OutRecord} to one topic, keyed by its UTF-8 key. */
public class OutRecordSerializer implements KafkaRecordSerializationSchema<OutRecord> {
    private static final long serialVersionUID = 1L;
    private final String topic;

    public OutRecordSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(OutRecord r, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, null, timestamp, r.key.getBytes(StandardCharsets.UTF_8), r.value);
    }
}
