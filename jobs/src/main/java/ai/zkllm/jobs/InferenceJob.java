package ai.zkllm.jobs;

import ai.zkllm.jobs.kafka.OutRecordSerializer;
import ai.zkllm.jobs.kafka.PromptRecordDeserializer;
import ai.zkllm.operators.inference.DeadLetters;
import ai.zkllm.operators.inference.InferenceFunction;
import ai.zkllm.operators.inference.InferenceOutcome;
import ai.zkllm.operators.inference.InferenceSettings;
import ai.zkllm.operators.inference.OutRecord;
import ai.zkllm.operators.inference.OutcomeRouter;
import ai.zkllm.operators.inference.PromptEnvelope;
import ai.zkllm.operators.inference.PromptValidator;
import ai.zkllm.operators.inference.RequestDeduplicator;
import ai.zkllm.program.ProgramRegistry;
import ai.zkllm.program.ServiceLoaderProgramRegistry;
import ai.zkllm.program.blob.BlobStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import picocli.CommandLine;

/**
 * The miner's streaming job:
 * <pre>
 * KafkaSource(prompts, read_committed) → PromptValidator ─(bad)→ dead letters
 *   → keyBy(request id) RequestDeduplicator ─(replay)→ dead letters
 *   → keyBy(session id) async InferenceFunction (bounded FHE worker pool) → OutcomeRouter
 *   → KafkaSink(responses), KafkaSink(receipts), KafkaSink(dead letters)   all EXACTLY_ONCE
 * </pre>
 * Checkpoints commit the sinks' Kafka transactions, so a client reading read_committed sees each
 * answer once, after the checkpoint that covers it.
 */
public final class InferenceJob {

    private InferenceJob() {
    }

    /**
     * Adds the job to {@code env} with the given program registry. Ciphertexts and keys are decoded
     * by the engine codec (ai.zkllm.fhe.io.FheCodec) of each program's parameter set, built once per
     * task manager (see {@code FheEngines}), not shipped with the job graph.
     */
    public static void build(StreamExecutionEnvironment env, InferenceJobConfig cfg, ProgramRegistry programs) {
        build(env, cfg, programs, null);
    }

    /**
     * As {@link #build(StreamExecutionEnvironment, InferenceJobConfig, ProgramRegistry)},
     * with an optional {@code interceptor} applied to deduplicated prompts before inference (tests
     * use it to inject a failure).
     */
    public static void build(StreamExecutionEnvironment env, InferenceJobConfig cfg, ProgramRegistry programs,
                             MapFunction<PromptEnvelope, PromptEnvelope> interceptor) {
        env.setParallelism(cfg.parallelism);
        // Few, large records: waiting for network buffers to fill only adds latency to every hop.
        env.setBufferTimeout(cfg.bufferTimeoutMs);
        env.enableCheckpointing(cfg.checkpointIntervalMs, CheckpointingMode.EXACTLY_ONCE);
        env.getCheckpointConfig().setMinPauseBetweenCheckpoints(0);

        KafkaSource<PromptEnvelope> source = KafkaSource.<PromptEnvelope>builder()
                .setBootstrapServers(cfg.kafka.bootstrapServers)
                .setTopics(cfg.prompts.name)
                .setGroupId(cfg.groupId)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new PromptRecordDeserializer())
                .setProperty("isolation.level", "read_committed")
                .setProperty("max.partition.fetch.bytes", Long.toString(Math.max(cfg.maxMessageBytes * 2, 1 << 20)))
                .setProperty("fetch.max.bytes", Long.toString(Math.max(cfg.maxMessageBytes * 4, 50 << 20)))
                .build();

        BlobStore blobs = cfg.blobs.open();
        InferenceSettings settings = new InferenceSettings(cfg.minerId, cfg.workers, cfg.backend, cfg.keyCacheBytes,
                cfg.keyCacheEntries, cfg.keyCacheTtlSeconds * 1000);

        DataStream<PromptEnvelope> raw = env
                .fromSource(source, WatermarkStrategy.noWatermarks(), "prompts")
                .uid("prompts-source");
        SingleOutputStreamOperator<PromptEnvelope> validated = raw
                .process(new PromptValidator(programs, cfg.maxMessageBytes))
                .uid("validate").name("validate");
        SingleOutputStreamOperator<PromptEnvelope> unique = validated
                .keyBy(e -> e.requestId)
                .process(new RequestDeduplicator(Duration.ofSeconds(cfg.dedupRetentionSeconds)))
                .uid("dedup").name("dedup by request id");
        DataStream<PromptEnvelope> toInfer = unique;
        if (interceptor != null) {
            toInfer = unique.map(interceptor).uid("interceptor").name("interceptor");
        }
        SingleOutputStreamOperator<InferenceOutcome> outcomes = AsyncDataStream.orderedWait(
                        toInfer.keyBy(e -> e.sessionId),
                        new InferenceFunction(programs, blobs, settings),
                        cfg.evaluationTimeoutMs, TimeUnit.MILLISECONDS, cfg.maxInFlight)
                .returns(TypeInformation.of(InferenceOutcome.class))
                .uid("inference").name("FHE inference");
        SingleOutputStreamOperator<OutRecord> responses = outcomes
                .process(new OutcomeRouter())
                .uid("route").name("route outcomes");

        responses.sinkTo(sink(cfg, cfg.kafka.responsesTopic, "responses")).uid("responses-sink").name("responses");
        responses.getSideOutput(OutcomeRouter.RECEIPTS)
                .sinkTo(sink(cfg, cfg.kafka.receiptsTopic, "receipts")).uid("receipts-sink").name("receipts");
        validated.getSideOutput(DeadLetters.TAG)
                .union(unique.getSideOutput(DeadLetters.TAG), responses.getSideOutput(DeadLetters.TAG))
                .sinkTo(sink(cfg, cfg.kafka.deadLetterTopic, "dead-letters")).uid("dead-letter-sink").name("dead letters");
    }

    private static KafkaSink<OutRecord> sink(InferenceJobConfig cfg, String topic, String name) {
        return KafkaSink.<OutRecord>builder()
                .setBootstrapServers(cfg.kafka.bootstrapServers)
                .setRecordSerializer(new OutRecordSerializer(topic))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(cfg.transactionalIdPrefix + "-" + name)
                .setProperty("transaction.timeout.ms", "600000")
                .setProperty("max.request.size", Long.toString(Math.max(cfg.maxMessageBytes * 2, 1 << 20)))
                .setProperty("linger.ms", "0")
                .build();
    }

    /** {@code flink run zkllm-jobs.jar --bootstrap-servers ... [flags]}: programs from the class path. */
    public static void main(String[] args) throws Exception {
        InferenceJobConfig cfg = new InferenceJobConfig();
        new CommandLine(cfg).parseArgs(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        build(env, cfg, new ServiceLoaderProgramRegistry());
        env.execute("zkllm-inference");
    }
}
