package ai.zkllm.program;

import ai.zkllm.schemas.v1.DeadLetterReason;
import ai.zkllm.schemas.v1.FheCiphertext;
import java.util.List;

/** What the {@link RoundExecutor} made of one prompt: the round's outputs, or why it refused. */
public sealed interface RoundOutcome {

    /**
     * The round ran. Digests are the lower-case hex canonical digests that receipts carry and
     * validators compare; each output's {@code sha256} field is its canonical digest.
     */
    record Answered(FheProgram program, List<String> inputDigests, List<FheCiphertext> outputs,
                    List<String> outputDigests, Timings timings) implements RoundOutcome {
    }

    /**
     * The round was not run. {@code breaksContract}: the prompt itself is at fault, which anyone can
     * check from public material (so a miner that answered it answered wrongly); otherwise something
     * it references could not be had (a program this node lacks, a blob that is gone).
     */
    record Refused(DeadLetterReason reason, String detail, boolean breaksContract) implements RoundOutcome {

        static Refused breach(DeadLetterReason reason, String detail) {
            return new Refused(reason, detail, true);
        }

        static Refused unavailable(DeadLetterReason reason, String detail) {
            return new Refused(reason, detail, false);
        }
    }

    /** Microseconds spent getting the keys, decoding and checking the inputs, evaluating and encoding. */
    record Timings(long loadKeysUs, long decodeUs, long evaluateUs, long encodeUs) {
    }
}
