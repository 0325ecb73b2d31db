package ai.zkllm.jobs.validation;

import ai.zkllm.jobs.ValidationJob;
import ai.zkllm.jobs.ValidationJobConfig;
import ai.zkllm.operators.validation.Observation;
import ai.zkllm.operators.validation.StreamEvent;
import ai.zkllm.schemas.v1.CanaryResult;
import ai.zkllm.schemas.v1.EncryptedPrompt;
import ai.zkllm.schemas.v1.EncryptedResponse;
import ai.zkllm.schemas.v1.WorkReceipt;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.regex.Pattern;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The ValidationJob's Kafka sources (read_committed, from the group's committed offsets or the
 * earliest): prompts of every miner ({@code <prefix>.*}), responses and receipts as
 * {@link StreamEvent}s keyed by request id, and this validator's canary results as
 * {@link Observation}s. Unparseable records are skipped: the miners' own dead letters cover them.
 */
public final class ValidationSources {

    private ValidationSources() {}

    public static KafkaSource<StreamEvent> events(ValidationJobConfig cfg, int kind) {
        KafkaSourceBuilder<StreamEvent> b = base(cfg, StreamEvent.class, new EventDeserializer(kind));
        switch (kind) {
            case StreamEvent.PROMPT -> b.setTopicPattern(Pattern.compile(Pattern.quote(cfg.promptsTopicPrefix + ".") + ".+"));
            case StreamEvent.RESPONSE -> b.setTopics(cfg.kafka.responsesTopic);
            default -> b.setTopics(cfg.kafka.receiptsTopic);
        }
        return b.build();
    }

    public static KafkaSource<Observation> canaries(ValidationJobConfig cfg) {
        return base(cfg, Observation.class, new CanaryDeserializer()).setTopics(cfg.canaryTopic()).build();
    }

    private static <T> KafkaSourceBuilder<T> base(ValidationJobConfig cfg, Class<T> type,
                                                  KafkaRecordDeserializationSchema<T> deserializer) {
        KafkaSourceBuilder<T> b = KafkaSource.<T>builder()
                .setBootstrapServers(cfg.kafka.bootstrapServers)
                .setGroupId(cfg.groupId())
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(deserializer)
                .setProperty("isolation.level", "read_committed")
                .setProperty("max.partition.fetch.bytes", Integer.toString(32 << 20))
                .setProperty("fetch.max.bytes", Integer.toString(64 << 20))
                .setProperty("partition.discovery.interval.ms", "10000");
        cfg.kafka.properties.forEach(b::setProperty);
        if (cfg.bounded) {
            b.setBounded(OffsetsInitializer.latest());
        }
        return b;
    }

    static final class EventDeserializer implements KafkaRecordDeserializationSchema<StreamEvent> {
        private static final long serialVersionUID = 1L;
        private final int kind;

        EventDeserializer(int kind) {
            this.kind = kind;
        }

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<StreamEvent> out) {
            try {
                String id = switch (kind) {
                    case StreamEvent.PROMPT -> EncryptedPrompt.parseFrom(r.value()).getRequestId();
                    case StreamEvent.RESPONSE -> EncryptedResponse.parseFrom(r.value()).getRequestId();
                    default -> WorkReceipt.parseFrom(r.value()).getRequestId();
                };
                if (!id.isEmpty()) {
                    out.collect(StreamEvent.of(kind, id, r.value()));
                }
            } catch (InvalidProtocolBufferException | NullPointerException e) {
                // not ours to judge: the miner dead-letters what it cannot parse
            }
        }

        @Override
        public TypeInformation<StreamEvent> getProducedType() {
            return TypeInformation.of(StreamEvent.class);
        }
    }

    static final class CanaryDeserializer implements KafkaRecordDeserializationSchema<Observation> {
        private static final long serialVersionUID = 1L;

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<Observation> out) {
            try {
                CanaryResult c = CanaryResult.parseFrom(r.value());
                out.collect(Observation.canary(c.getBrainId(), c.getMinerId(), c.getSessionId(), c.getSentUnixMs(),
                        c.getAnswered(), c.getAccurate(), c.getMeanRoundLatencyMs(), c.getDetail()));
            } catch (InvalidProtocolBufferException | NullPointerException e) {
                // skip
            }
        }

        @Override
        public TypeInformation<Observation> getProducedType() {
            return TypeInformation.of(Observation.class);
        }
    }
}
