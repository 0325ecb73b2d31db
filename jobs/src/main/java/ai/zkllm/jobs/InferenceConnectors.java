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

    /**
     * The prompts topic (read_committed) and the three output topics. Responses and dead letters are
     * the user's answer to a round, so they go out at once, at least once: a restart may write a round's
     * answer again, and clients keep the first per request id. Receipts, which validators and payouts
     * count, stay transactional (exactly once, committed on checkpoints).
     */
    public static InferenceConnectors kafka(InferenceJobConfig cfg) {
        return new InferenceConnectors(prompts(cfg, new PromptRecordDeserializer()),
                sink(cfg, cfg.kafka.responsesTopic, DeliveryGuarantee.AT_LEAST_ONCE, "responses"),
                sink(cfg, cfg.kafka.receiptsTopic, DeliveryGuarantee.EXACTLY_ONCE, "receipts"),
                sink(cfg, cfg.kafka.deadLetterTopic, DeliveryGuarantee.AT_LEAST_ONCE, "dead-letters"));
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

    /**
     * A sink to {@code topic}. Every record is sent as it is written (linger.ms 0); at least once, it is
     * then readable as soon as the broker has it, and a checkpoint only waits for the broker's acks
     * (the writer flushes before its snapshot), so nothing is lost. Exactly once, it is readable
     * (read_committed) only when the checkpoint after it commits the transaction.
     */
    private static KafkaSink<OutRecord> sink(InferenceJobConfig cfg, String topic, DeliveryGuarantee guarantee,
                                             String name) {
        KafkaSinkBuilder<OutRecord> builder = KafkaSink.<OutRecord>builder()
                .setBootstrapServers(cfg.kafka.bootstrapServers)
                .setRecordSerializer(new OutRecordSerializer(topic))
                .setDeliveryGuarantee(guarantee)
                .setProperty("max.request.size", Long.toString(Math.max(cfg.maxMessageBytes * 2, 1 << 20)))
                .setProperty("linger.ms", "0");
        if (guarantee == DeliveryGuarantee.EXACTLY_ONCE) {
            builder.setTransactionalIdPrefix(cfg.transactionalIdPrefix + "-" + name)
                    .setProperty("transaction.timeout.ms", "600000");
        }
        cfg.kafka.properties.forEach(builder::setProperty);
        return builder.build();
    }
}
