package ai.zkllm.operators.inference;

import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Splits outcomes: responses on the main output, receipts and dead letters on side outputs. */
public class OutcomeRouter extends ProcessFunction<InferenceOutcome, OutRecord> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<OutRecord> RECEIPTS = new OutputTag<>("receipts") {
    };

    @Override
    public void processElement(InferenceOutcome o, Context ctx, Collector<OutRecord> out) {
        if (o.deadLetter != null) {
            ctx.output(DeadLetters.TAG, o.deadLetter);
            return;
        }
        out.collect(o.response);
        ctx.output(RECEIPTS, o.receipt);
    }
}
