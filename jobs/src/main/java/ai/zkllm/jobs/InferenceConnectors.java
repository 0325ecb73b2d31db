package ai.zkllm.jobs;

import ai.zkllm.jobs.kafka.OutRecordSerializer;
import ai.zkllm.jobs.kafka.PromptRecordDeserializer;
import ai.zkllm.operators.inference.OutRecord;
import ai.zkllm.operators.inference.PromptEnvelope;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * What the InferenceJob reads and writes. The job is a function of these, so a caller chooses
 * them: production the Kafka topics the flags name ({@link #kafka}), tests whatever they inject.
 */
public record InferenceConnectors(Source<PromptEnvelope, ?, ?> prompts, Sink<OutRecord> responses,
                                  Sink<OutRecord> receipts, Sink<OutRecord> deadLetters) {

    /** The prompts topic (read_committed) and the three output topics (transactional, exactly once). */
    public static InferenceConnectors kafka(InferenceJobConfig cfg) {
        return new InferenceConnectors(prompts(cfg, new PromptRecordDeserializer()),
                sink(cfg, cfg.kafka.responsesTopic, "responses"),
                sink(cfg, cfg.kafka.receiptsTopic, "receipts"),
                sink(cfg, cfg.kafka.deadLetterTopic, "dead-letters"));
    }

    /** The prompts topic as {@link #kafka} reads it, each record through {@code deserializer}. */
    public static KafkaSource<PromptEnvelope> prompts(InferenceJobConfig cfg,
                                                      KafkaRecordDeserializationSchema<PromptEnvelope> deserializer) {
        KafkaSourceBuilder<PromptEnvelope> builder = KafkaSource.<PromptEnvelope>builder()
                .setBootstrapServers(cfg.kafka.bootstrapServers)
                .setTopics(cfg.prompts.name)
                .setGroupId(cfg.groupId)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(deserializer)
                .setProperty("isolation.level", "read_committed")
                .setProperty("max.partition.fetch.bytes", Long.toString(Math.max(cfg.maxMessageBytes * 2, 1 << 20)))
                .setProperty("fetch.max.bytes", Long.toString(Math.max(cfg.maxMessageBytes * 4, 50 << 20)));
        cfg.kafka.properties.forEach(builder::setProperty);
        return builder.build();
    }

    /** These connectors with another prompts source. */
    public InferenceConnectors withPrompts(Source<PromptEnvelope, ?, ?> source) {
        return new InferenceConnectors(source, responses, receipts, deadLetters);
    }

    private static KafkaSink<OutRecord> sink(InferenceJobConfig cfg, String topic, String name) {
        KafkaSinkBuilder<OutRecord> builder = KafkaSink.<OutRecord>builder()
                .setBootstrapServers(cfg.kafka.bootstrapServers)
                .setRecordSerializer(new OutRecordSerializer(topic))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(cfg.transactionalIdPrefix + "-" + name)
                .setProperty("transaction.timeout.ms", "600000")
                .setProperty("max.request.size", Long.toString(Math.max(cfg.maxMessageBytes * 2, 1 << 20)))
                .setProperty("linger.ms", "0");
        cfg.kafka.properties.forEach(builder::setProperty);
        return builder.build();
    }
}
