package ai.zkllm.jobs;

import ai.zkllm.jobs.validation.CanaryProber;
import ai.zkllm.jobs.validation.PriorFlags;
import ai.zkllm.operators.validation.EpochScoreFunction;
import ai.zkllm.operators.validation.MinerEpochScore;
import ai.zkllm.operators.validation.Observation;
import ai.zkllm.operators.validation.ReplayFunction;
import ai.zkllm.operators.validation.ReplayJoinFunction;
import ai.zkllm.operators.validation.ReplaySampler;
import ai.zkllm.operators.validation.ReplayTask;
import ai.zkllm.operators.validation.Replayer;
import ai.zkllm.operators.validation.StreamEvent;
import ai.zkllm.program.ProgramRegistry;
import ai.zkllm.program.ServiceLoaderProgramRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The validator's streaming job (docs/validation.md):
 * <pre>
 * KafkaSource(&lt;prefix&gt;.*) ∪ KafkaSource(responses) ∪ KafkaSource(receipts)      read_committed
 *   → keyBy(request id) ReplayJoinFunction: joins the sampled requests' three parts
 *   → async ReplayFunction (bounded worker pool): bit-exact replay → verdicts
 * KafkaSource(canaries.&lt;validator&gt;): graded canaries from the CanaryProber
 *   ∪ verdicts → keyBy(brain) EpochScoreFunction: per (epoch, miner) tallies, closed on the watermark
 *   → ScoresSink: Iceberg scores, one replace per (brain, epoch, validator)
 * </pre>
 * Sources and sink come from the caller ({@link ValidationConnectors}); production's are Kafka and Iceberg.
 * Event time is the Kafka record time, watermarks allow {@code --grace-ms} of disorder, and idle
 * sources do not hold an epoch open. Replay flags this validator wrote before are read back from
 * {@code scores} when the job is built ({@link PriorFlags}) and stay in force. The canaries themselves are sent by {@link CanaryProber},
 * which runs beside the job ({@code zkllm validate} starts both).
 */
public final class ValidationJob {

    private ValidationJob() {}

    public static void build(StreamExecutionEnvironment env, ValidationJobConfig cfg, ProgramRegistry programs,
                             ValidationConnectors io) throws java.io.IOException {
        // checks its flag: a refused fraction must not leave a warehouse behind, so before the catalog is opened
        ReplaySampler sampler = new ReplaySampler(cfg.replayFraction);
        Map<Long, EpochScoreFunction.PriorFlag> priorFlags =
                PriorFlags.read(cfg.catalog.network(), cfg.brain, cfg.validatorId);
        env.setParallelism(cfg.parallelism);
        env.enableCheckpointing(cfg.checkpointIntervalMs, CheckpointingMode.EXACTLY_ONCE);
        WatermarkStrategy<StreamEvent> eventTime = WatermarkStrategy
                .<StreamEvent>forBoundedOutOfOrderness(Duration.ofMillis(cfg.epochs.graceMs))
                .withIdleness(Duration.ofSeconds(30));
        DataStream<StreamEvent> prompts = env.fromSource(io.prompts(), eventTime,
                "prompts").uid("prompts-source");
        DataStream<StreamEvent> responses = env.fromSource(io.responses(), eventTime, "responses").uid("responses-source");
        DataStream<StreamEvent> receipts = env.fromSource(io.receipts(), eventTime, "receipts").uid("receipts-source");
        Replayer replayer = new Replayer(programs, cfg.blobs.open(), cfg.backend);
        DataStream<ReplayTask> joined = prompts.union(responses, receipts)
                .keyBy(e -> e.requestId)
                .process(new ReplayJoinFunction(sampler,
                        Duration.ofSeconds(cfg.replayRetentionSeconds)))
                .returns(TypeInformation.of(ReplayTask.class))
                .uid("replay-join").name("join sampled rounds");
        DataStream<Observation> verdicts = AsyncDataStream.unorderedWait(joined,
                        new ReplayFunction(replayer, cfg.replayWorkers), cfg.replayTimeoutMs, TimeUnit.MILLISECONDS,
                        cfg.replayMaxInFlight)
                .returns(TypeInformation.of(Observation.class))
                .uid("replay").name("replay (bit-exact)");
        DataStream<Observation> canaries = env.fromSource(io.canaries(),
                WatermarkStrategy.<Observation>forBoundedOutOfOrderness(Duration.ofMillis(cfg.epochs.graceMs))
                        .withIdleness(Duration.ofSeconds(30)), "canaries").uid("canaries-source");
        String brain = Integer.toString(cfg.brain);
        DataStream<MinerEpochScore> scores = canaries.union(verdicts)
                .filter(o -> brain.equals(o.brainId)).uid("this-brain").name("this brain")
                .keyBy(o -> o.brainId)
                .process(new EpochScoreFunction(new EpochScoreFunction.Settings(cfg.brain, cfg.validatorId,
                        cfg.epochs.originMs, cfg.epochs.lengthMs, cfg.epochs.graceMs, cfg.latencyTargetMs, priorFlags)))
                .returns(TypeInformation.of(MinerEpochScore.class))
                .setParallelism(1).uid("score").name("score epochs");
        scores.sinkTo(io.scores()).setParallelism(1)
                .uid("scores-sink").name("iceberg scores");
    }

    /** {@code flink run zkllm-jobs.jar ai.zkllm.jobs.ValidationJob --brain 3 --validator-id 1 ...}. */
    public static void main(String[] args) throws Exception {
        ValidationJobConfig cfg = new ValidationJobConfig();
        if (!JobFlags.parseOrExit(ValidationJob.class, cfg, args)) {
            return;
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        build(env, cfg, new ServiceLoaderProgramRegistry(), ValidationConnectors.of(cfg));
        env.execute("zkllm-validation-" + cfg.validatorId);
    }
}
