package ai.zkllm.operators.inference;

import ai.zkllm.schemas.v1.DeadLetterReason;
import java.time.Duration;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by request id: the first record of an id passes, any later one within the retention goes to
 * the dead letters as a duplicate and is never computed (or paid) twice. The seen-flag is Flink
 * keyed state with a TTL, so it is checkpointed with the Kafka offsets: after a restore, records
 * replayed from the source are not mistaken for duplicates, and nothing is answered twice.
 */
public class RequestDeduplicator extends KeyedProcessFunction<String, PromptEnvelope, PromptEnvelope> {
    private static final long serialVersionUID = 1L;
    private final Duration retention;
    private transient ValueState<Boolean> seen;

    public RequestDeduplicator(Duration retention) {
        this.retention = retention;
    }

    @Override
    public void open(org.apache.flink.api.common.functions.OpenContext openContext) {
        ValueStateDescriptor<Boolean> d = new ValueStateDescriptor<>("seen", Types.BOOLEAN);
        d.enableTimeToLive(StateTtlConfig.newBuilder(retention)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .build());
        seen = getRuntimeContext().getState(d);
    }

    @Override
    public void processElement(PromptEnvelope e, Context ctx, Collector<PromptEnvelope> out) throws Exception {
        if (Boolean.TRUE.equals(seen.value())) {
            ctx.output(DeadLetters.TAG, DeadLetters.of(e, DeadLetterReason.DEAD_LETTER_REASON_DUPLICATE_REQUEST,
                    "request id already processed"));
            return;
        }
        seen.update(true);
        out.collect(e);
    }
}
