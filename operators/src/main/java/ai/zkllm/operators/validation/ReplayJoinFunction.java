package ai.zkllm.operators.validation;

import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by request id: joins the prompt (prompts topics), the response and the receipt of one
 * round, in any order, for the requests the {@link ReplaySampler} picks, and emits them as a
 * {@link ReplayTask} for {@link ReplayFunction}. Unsampled requests hold no
 * state. Partial joins expire after {@code retention} (state TTL), e.g. a prompt that was
 * dead-lettered and never answered. A request is replayed at most once: duplicates of any part
 * after the verdict are ignored.
 */
public class ReplayJoinFunction extends KeyedProcessFunction<String, StreamEvent, ReplayTask> {
    private static final long serialVersionUID = 1L;

    private final ReplaySampler sampler;
    private final Duration retention;

    private transient ValueState<byte[]> prompt;
    private transient ValueState<byte[]> response;
    private transient ValueState<byte[]> receipt;
    private transient ValueState<Boolean> done;

    public ReplayJoinFunction(ReplaySampler sampler, Duration retention) {
        this.sampler = sampler;
        this.retention = retention;
    }

    @Override
    public void open(OpenContext ctx) {
        StateTtlConfig ttl = StateTtlConfig.newBuilder(retention).build();
        prompt = state("prompt", byte[].class, ttl);
        response = state("response", byte[].class, ttl);
        receipt = state("receipt", byte[].class, ttl);
        done = state("done", Boolean.class, ttl);
    }

    private <T> ValueState<T> state(String name, Class<T> type, StateTtlConfig ttl) {
        ValueStateDescriptor<T> d = new ValueStateDescriptor<>(name, type);
        d.enableTimeToLive(ttl);
        return getRuntimeContext().getState(d);
    }

    @Override
    public void processElement(StreamEvent e, Context ctx, Collector<ReplayTask> out) throws Exception {
        if (!sampler.sampled(e.requestId) || Boolean.TRUE.equals(done.value())) {
            return;
        }
        switch (e.kind) {
            case StreamEvent.PROMPT -> prompt.update(e.value);
            case StreamEvent.RESPONSE -> response.update(e.value);
            case StreamEvent.RECEIPT -> receipt.update(e.value);
            default -> throw new IllegalArgumentException("unknown event kind " + e.kind);
        }
        byte[] p = prompt.value();
        byte[] r = response.value();
        byte[] w = receipt.value();
        if (p == null || r == null || w == null) {
            return;
        }
        prompt.clear();
        response.clear();
        receipt.clear();
        done.update(true);
        out.collect(ReplayTask.of(e.requestId, p, r, w));
    }
}
