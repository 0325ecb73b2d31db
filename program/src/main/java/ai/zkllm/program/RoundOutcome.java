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

    /** The prompt does not meet the program's contract or its material is missing. */
    record Refused(DeadLetterReason reason, String detail) implements RoundOutcome {
    }

    /** Microseconds spent getting the keys, decoding and checking the inputs, evaluating and encoding. */
    record Timings(long loadKeysUs, long decodeUs, long evaluateUs, long encodeUs) {
    }
}
