package ai.zkllm.jobs;

import ai.zkllm.jobs.kafka.PromptRecordDeserializer;
import ai.zkllm.operators.inference.PromptEnvelope;
import java.io.IOException;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Fault injection, test only: the production prompts deserializer with {@code fault} applied to
 * every prompt as it is read. A failure thrown here fails the source task, so the job restarts from
 * its last checkpoint as it would on any crash; the job itself has no hook for it.
 */
final class InjectedPrompts implements KafkaRecordDeserializationSchema<PromptEnvelope> {
    private static final long serialVersionUID = 1L;
    private final PromptRecordDeserializer records = new PromptRecordDeserializer();
    private final MapFunction<PromptEnvelope, PromptEnvelope> fault;

    private InjectedPrompts(MapFunction<PromptEnvelope, PromptEnvelope> fault) {
        this.fault = fault;
    }

    /** The production Kafka connectors of {@code cfg}, with {@code fault} on the prompts. */
    static InferenceConnectors connectors(InferenceJobConfig cfg, MapFunction<PromptEnvelope, PromptEnvelope> fault) {
        return InferenceConnectors.kafka(cfg).withPrompts(InferenceConnectors.prompts(cfg, new InjectedPrompts(fault)));
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<PromptEnvelope> out) throws IOException {
        records.deserialize(r, new Collector<>() {
            @Override
            public void collect(PromptEnvelope e) {
                try {
                    out.collect(fault.map(e));
                } catch (RuntimeException ex) {
                    throw ex;
                } catch (Exception ex) {
                    throw new IllegalStateException(ex);
                }
            }

            @Override
            public void close() {
            }
        });
    }

    @Override
    public TypeInformation<PromptEnvelope> getProducedType() {
        return records.getProducedType();
    }
}
