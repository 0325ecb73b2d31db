package ai.zkllm.operators.inference;

import ai.zkllm.fhe.ring.RingBackends;
import ai.zkllm.operators.WorkerPools;
import ai.zkllm.program.EvaluationKeyCache;
import ai.zkllm.program.FheProgram;
import ai.zkllm.program.ProgramRegistry;
import ai.zkllm.program.ProgramWarmUp;
import ai.zkllm.program.RoundBatcher;
import ai.zkllm.program.RoundExecutor;
import ai.zkllm.program.RoundOutcome;
import ai.zkllm.program.blob.BlobStore;
import ai.zkllm.schemas.v1.CiphertextPayload;
import ai.zkllm.schemas.v1.DeadLetterReason;
import ai.zkllm.schemas.v1.EncryptedPrompt;
import ai.zkllm.schemas.v1.EncryptedResponse;
import ai.zkllm.schemas.v1.FheCiphertext;
import ai.zkllm.schemas.v1.Timings;
import ai.zkllm.schemas.v1.WorkReceipt;
import java.util.List;
import java.util.concurrent.ExecutorService;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The miner's work: one validated prompt (one round of one token) in, its response and receipt
 * (or a dead letter) out. Runs on a bounded pool of FHE worker threads; Flink's async operator
 * bounds the prompts in flight (its capacity), which is what backpressures the Kafka source, and
 * checkpoints them, so a restore re-runs exactly the unanswered ones.
 *
 * <p>With a batch size above 1 the workers run rounds through a {@link RoundBatcher}: the prompts
 * that wait while a batch runs form the next one, and those of one program and round share work (the
 * squeezed program encodes each weight diagonal once for the batch); the bytes are those of one by one.
 *
 * <p>Per prompt: honour the deadline, then run the round with the {@link RoundExecutor} (the same
 * code a validator replays with: keys, input checks, evaluation, canonical digests), and answer with
 * the outputs inline and a receipt carrying the digest of every input and output; a refused round
 * becomes a dead letter with the executor's reason and detail.
 */
public class InferenceFunction extends RichAsyncFunction<PromptEnvelope, InferenceOutcome> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(InferenceFunction.class);

    private final ProgramRegistry programs;
    private final BlobStore blobs;
    private final InferenceSettings settings;

    private transient ExecutorService pool;
    private transient RoundExecutor executor;
    /** With a batch size above 1: the waiting prompts run as batches. */
    private transient RoundBatcher batcher;
    private transient InferenceMetrics metrics;

    public InferenceFunction(ProgramRegistry programs, BlobStore blobs, InferenceSettings settings) {
        this.programs = programs;
        this.blobs = blobs;
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        pool = WorkerPools.fixed("zkllm-fhe-worker", Math.max(settings.workers(), settings.batchSize()));
        EvaluationKeyCache keyCache = new EvaluationKeyCache(settings.keyCacheBytes(), settings.keyCacheEntries(),
                settings.keyCacheTtlMs(), System::currentTimeMillis);
        executor = new RoundExecutor(programs, blobs, RingBackends.named(settings.backend()), keyCache);
        metrics = new InferenceMetrics(getRuntimeContext().getMetricGroup(), keyCache);
        batcher = settings.batchSize() > 1 ? new RoundBatcher(executor, settings.batchSize(), metrics::batched) : null;
        // here, not on the pool: the task reports RUNNING only after open, so a client that waits for it
        // (the demo, `zkllm up`) sends its first round to a warm miner
        programs.installed().stream().filter(p -> settings.warmUp().selects(p.modelHash())).forEach(this::warmUp);
    }

    private void warmUp(FheProgram program) {
        try {
            double seconds = ProgramWarmUp.warmUp(program, executor.backend());
            if (seconds > 0) {
                LOG.info("program {} warmed up in {} s", program.modelHash(), String.format("%.2f", seconds));
            }
        } catch (RuntimeException e) {
            // not fatal: the program's prompts still get an answer or a dead letter that says why
            LOG.warn("warm-up of program {} failed: {}", program.modelHash(), e.toString());
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    @Override
    public void asyncInvoke(PromptEnvelope e, ResultFuture<InferenceOutcome> result) {
        metrics.enqueued();
        pool.execute(() -> {
            InferenceOutcome outcome;
            try {
                outcome = process(e);
            } catch (Throwable t) {
                LOG.warn("prompt {} failed", e.requestId, t);
                outcome = reject(e, DeadLetterReason.DEAD_LETTER_REASON_EVALUATION_FAILED, t.toString());
            } finally {
                metrics.dequeued();
            }
            result.complete(List.of(outcome));
        });
    }

    @Override
    public void timeout(PromptEnvelope e, ResultFuture<InferenceOutcome> result) {
        result.complete(List.of(reject(e, DeadLetterReason.DEAD_LETTER_REASON_DEADLINE_EXCEEDED,
                "the operator's evaluation timeout elapsed")));
    }

    /** Exposed for tests. */
    public InferenceMetrics metrics() {
        return metrics;
    }

    private InferenceOutcome process(PromptEnvelope e) throws Exception {
        long start = System.nanoTime();
        long queuedUs = Math.max(0, (System.currentTimeMillis() - e.arrivalUnixMs) * 1000);
        EncryptedPrompt p = EncryptedPrompt.parseFrom(e.value);
        if (p.getDeadlineUnixMs() != 0 && System.currentTimeMillis() > p.getDeadlineUnixMs()) {
            return reject(e, DeadLetterReason.DEAD_LETTER_REASON_DEADLINE_EXCEEDED, "deadline passed while queued");
        }
        RoundOutcome outcome = batcher != null ? batcher.execute(p) : executor.execute(p);
        if (outcome instanceof RoundOutcome.Refused refused) {
            return reject(e, refused.reason(), refused.detail());
        }
        RoundOutcome.Answered answered = (RoundOutcome.Answered) outcome;
        EncryptedResponse.Builder response = EncryptedResponse.newBuilder()
                .setRequestId(p.getRequestId())
                .setSessionId(p.getSessionId())
                .setBrainId(p.getBrainId())
                .setModelHash(p.getModelHash())
                .setRound(p.getRound())
                .setTokenIndex(p.getTokenIndex())
                .setMinerId(settings.minerId());
        for (FheCiphertext output : answered.outputs()) {
            response.addOutputs(CiphertextPayload.newBuilder().setInline(output.toByteString()));
        }
        long now = System.currentTimeMillis();
        response.setCompletedUnixMs(now);

        RoundOutcome.Timings timings = answered.timings();
        WorkReceipt receipt = WorkReceipt.newBuilder()
                .setRequestId(p.getRequestId())
                .setSessionId(p.getSessionId())
                .setBrainId(p.getBrainId())
                .setMinerId(settings.minerId())
                .setModelHash(p.getModelHash())
                .setParameterHash(answered.program().parameters().id())
                .setRound(p.getRound())
                .addAllInputSha256(answered.inputDigests())
                .addAllOutputSha256(answered.outputDigests())
                .setEvaluationKeysSha256(p.getEvaluationKeys().getSha256())
                .setBackend(executor.backend().name())
                .setTimings(Timings.newBuilder()
                        .setQueuedUs(queuedUs)
                        .setLoadKeysUs(timings.loadKeysUs())
                        .setDecodeUs(timings.decodeUs())
                        .setEvaluateUs(timings.evaluateUs())
                        .setEncodeUs(timings.encodeUs())
                        .setTotalUs((System.nanoTime() - start) / 1000 + queuedUs))
                .setCompletedUnixMs(now)
                .build();
        metrics.answered(now - e.arrivalUnixMs, (System.nanoTime() - start) / 1_000_000,
                answered.inputDigests().size() + answered.outputs().size());
        return InferenceOutcome.answered(new OutRecord(p.getSessionId(), response.build().toByteArray()),
                new OutRecord(p.getRequestId(), receipt.toByteArray()));
    }

    private InferenceOutcome reject(PromptEnvelope e, DeadLetterReason reason, String detail) {
        if (metrics != null) {
            metrics.deadLettered();
        }
        return InferenceOutcome.rejected(DeadLetters.of(e, reason, detail));
    }
}
