package ai.zkllm.jobs;

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
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The miner's streaming job:
 * <pre>
 * prompts (KafkaSource, read_committed) → PromptValidator ─(bad)→ dead letters
 *   → keyBy(session id) RequestDeduplicator ─(replay)→ dead letters
 *   → async InferenceFunction (bounded FHE worker pool, same subtask) → OutcomeRouter
 *   → responses, dead letters (KafkaSinks, AT_LEAST_ONCE) | receipts (KafkaSink, EXACTLY_ONCE)
 * </pre>
 * Sources and sinks come from the caller ({@link InferenceConnectors}); production's are Kafka.
 * A client reads its answer as soon as it is written, and after a restart perhaps again (it keeps
 * the first per request id); checkpoints commit the receipts' Kafka transactions, so validators
 * reading read_committed count each round once.
 */
public final class InferenceJob {

    private InferenceJob() {
    }

    /**
     * Adds the job to {@code env}: prompts from {@code io.prompts()}, answers to its sinks. Ciphertexts
     * and keys are decoded by the engine codec (ai.zkllm.fhe.io.FheCodec) of each program's parameter
     * set, built once per task manager (see {@code FheEngines}), not shipped with the job graph.
     */
    public static void build(StreamExecutionEnvironment env, InferenceJobConfig cfg, ProgramRegistry programs,
                             InferenceConnectors io) {
        env.setParallelism(cfg.parallelism);
        // Few, large records: waiting for network buffers to fill only adds latency to every hop.
        env.setBufferTimeout(cfg.bufferTimeoutMs);
        env.enableCheckpointing(cfg.checkpointIntervalMs, CheckpointingMode.EXACTLY_ONCE);
        env.getCheckpointConfig().setMinPauseBetweenCheckpoints(0);

        BlobStore blobs = cfg.blobs.open();
        InferenceSettings settings = new InferenceSettings(cfg.minerId, cfg.workers, cfg.backend, cfg.keyCacheBytes,
                cfg.keyCacheEntries, cfg.keyCacheTtlSeconds * 1000, cfg.warmUp, cfg.batchSize);

        DataStream<PromptEnvelope> raw = env
                .fromSource(io.prompts(), WatermarkStrategy.noWatermarks(), "prompts")
                .uid("prompts-source");
        SingleOutputStreamOperator<PromptEnvelope> validated = raw
                .process(new PromptValidator(programs, cfg.maxMessageBytes))
                .uid("validate").name("validate");
        // Dedup and inference share one exchange by session: the dedup's output stays on its subtask.
        SingleOutputStreamOperator<PromptEnvelope> unique = validated
                .keyBy(e -> e.sessionId)
                .process(new RequestDeduplicator(Duration.ofSeconds(cfg.dedupRetentionSeconds)))
                .uid("dedup-by-session").name("dedup request ids per session");
        SingleOutputStreamOperator<InferenceOutcome> outcomes = AsyncDataStream.orderedWait(unique,
                        new InferenceFunction(programs, blobs, settings),
                        cfg.evaluationTimeoutMs, TimeUnit.MILLISECONDS, cfg.maxInFlight)
                .returns(TypeInformation.of(InferenceOutcome.class))
                .uid("inference").name("FHE inference");
        SingleOutputStreamOperator<OutRecord> responses = outcomes
                .process(new OutcomeRouter())
                .uid("route").name("route outcomes");

        responses.sinkTo(io.responses()).uid("responses-sink").name("responses");
        responses.getSideOutput(OutcomeRouter.RECEIPTS).sinkTo(io.receipts()).uid("receipts-sink").name("receipts");
        validated.getSideOutput(DeadLetters.TAG)
                .union(unique.getSideOutput(DeadLetters.TAG), responses.getSideOutput(DeadLetters.TAG))
                .sinkTo(io.deadLetters()).uid("dead-letter-sink").name("dead letters");
    }

    /** {@code flink run zkllm-jobs.jar --bootstrap-servers ... [flags]}: programs from the class path. */
    public static void main(String[] args) throws Exception {
        InferenceJobConfig cfg = new InferenceJobConfig();
        if (!JobFlags.parseOrExit(InferenceJob.class, cfg, args)) {
            return;
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        build(env, cfg, new ServiceLoaderProgramRegistry(), InferenceConnectors.kafka(cfg));
        env.execute("zkllm-inference");
    }
}
