package ai.zkllm.operators.inference;

import ai.zkllm.schemas.v1.DeadLetterReason;
import java.time.Duration;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by session id: the first record of a request id in its session passes, any later one within
 * the retention goes to the dead letters as a duplicate and is never computed (or paid) twice. Keyed
 * by session, not by request id, so that it shares the inference stage's hash exchange: one shuffle
 * per prompt instead of two. The seen ids are Flink keyed map state with a TTL per id, so they are
 * checkpointed with the Kafka offsets: after a restore, records replayed from the source are not
 * mistaken for duplicates, and nothing is answered twice.
 */
public class RequestDeduplicator extends KeyedProcessFunction<String, PromptEnvelope, PromptEnvelope> {
    private static final long serialVersionUID = 1L;
    private final Duration retention;
    private transient MapState<String, Boolean> seen;

    public RequestDeduplicator(Duration retention) {
        this.retention = retention;
    }

    @Override
    public void open(org.apache.flink.api.common.functions.OpenContext openContext) {
        MapStateDescriptor<String, Boolean> d = new MapStateDescriptor<>("seen-request-ids", Types.STRING, Types.BOOLEAN);
        d.enableTimeToLive(StateTtlConfig.newBuilder(retention)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .build());
        seen = getRuntimeContext().getMapState(d);
    }

    @Override
    public void processElement(PromptEnvelope e, Context ctx, Collector<PromptEnvelope> out) throws Exception {
        if (seen.contains(e.requestId)) {
            ctx.output(DeadLetters.TAG, DeadLetters.of(e, DeadLetterReason.DEAD_LETTER_REASON_DUPLICATE_REQUEST,
                    "request id already processed"));
            return;
        }
        seen.put(e.requestId, true);
        out.collect(e);
    }
}
