package ai.zkllm.jobs.kafka;

import ai.zkllm.operators.inference.PromptEnvelope;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Wraps each prompts-topic record with its coordinates; never fails, parsing comes later. */
public class PromptRecordDeserializer implements KafkaRecordDeserializationSchema<PromptEnvelope> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<PromptEnvelope> out) {
        out.collect(PromptEnvelope.of(r.topic(), r.partition(), r.offset(), r.timestamp(), r.value()));
    }

    @Override
    public TypeInformation<PromptEnvelope> getProducedType() {
        return TypeInformation.of(PromptEnvelope.class);
    }
}
