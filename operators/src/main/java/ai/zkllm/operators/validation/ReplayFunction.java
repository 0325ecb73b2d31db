package ai.zkllm.operators.validation;

import ai.zkllm.operators.WorkerPools;
import ai.zkllm.schemas.v1.EncryptedPrompt;
import ai.zkllm.schemas.v1.EncryptedResponse;
import ai.zkllm.schemas.v1.WorkReceipt;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays joined rounds on a bounded pool of worker threads (each with its own {@link Replayer}
 * and its key-set cache), so the FHE work does not block the task thread and the sources keep
 * reading; Flink's async operator bounds the replays in flight and checkpoints them. A replay that
 * exceeds the operator's timeout is {@link ReplayVerdict#UNVERIFIABLE}, never a flag.
 */
public class ReplayFunction extends RichAsyncFunction<ReplayTask, Observation> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ReplayFunction.class);

    private final Replayer template;
    private final int workers;

    private transient ExecutorService pool;
    private transient ThreadLocal<Replayer> replayers;

    public ReplayFunction(Replayer template, int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("replay workers must be >= 1, got " + workers);
        }
        this.template = template;
        this.workers = workers;
    }

    @Override
    public void open(OpenContext ctx) {
        pool = WorkerPools.fixed("zkllm-replay-worker", workers);
        replayers = ThreadLocal.withInitial(template::copy);
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    @Override
    public void asyncInvoke(ReplayTask task, ResultFuture<Observation> result) {
        pool.execute(() -> {
            try {
                result.complete(List.of(replay(replayers.get(), task)));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
    }

    @Override
    public void timeout(ReplayTask task, ResultFuture<Observation> result) {
        try {
            WorkReceipt r = WorkReceipt.parseFrom(task.receipt);
            result.complete(List.of(Observation.replay(new ReplayVerdict(task.requestId, r.getBrainId(), r.getMinerId(),
                    r.getCompletedUnixMs(), ReplayVerdict.UNVERIFIABLE, "request " + task.requestId + ": replay timed out"))));
        } catch (InvalidProtocolBufferException e) {
            result.complete(List.of());
        }
    }

    /** One replay, synchronously (also for tests). */
    public static Observation replay(Replayer replayer, ReplayTask task) throws InvalidProtocolBufferException {
        ReplayVerdict v = replayer.replay(EncryptedPrompt.parseFrom(task.prompt), EncryptedResponse.parseFrom(task.response),
                WorkReceipt.parseFrom(task.receipt));
        if (v.mismatch()) {
            LOG.warn("replay mismatch: miner {}: {}", v.minerId(), v.reason());
        }
        return Observation.replay(v);
    }
}
