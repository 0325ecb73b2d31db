package ai.zkllm.program;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The client's side of one conversation with an {@link FheProgram}: the plaintext vectors it
 * encrypts each round, and what it keeps between tokens so that a token sends only what is new
 * (for the squeezed model, the keys and values of the positions already processed). It lives with
 * the secret key, in the client's process; the miner keeps no state. Not thread-safe.
 */
public interface TokenDecoder {

    /**
     * Round 0's slot vectors for the next-token logits after {@code context} (at most the program's
     * context). Whatever was kept for a prefix of {@code context} is reused; anything else (another
     * conversation, a slid window, a token abandoned mid-way) is recomputed.
     */
    List<double[]> start(int[] context);

    /** The decrypted outputs of round {@code round} become the slot vectors of the next round. */
    List<double[]> refresh(int round, List<double[]> decrypted);

    /** Next-token logits from the decrypted outputs of the last round; the token's state is kept. */
    double[] logits(List<double[]> decrypted);

    /** A decoder that keeps nothing between tokens: every token encodes its whole context. */
    static TokenDecoder stateless(Function<int[], List<double[]>> start,
                                  BiFunction<Integer, List<double[]>, List<double[]>> refresh,
                                  Function<List<double[]>, double[]> logits) {
        return new TokenDecoder() {
            @Override public List<double[]> start(int[] context) { return start.apply(context); }
            @Override public List<double[]> refresh(int round, List<double[]> d) { return refresh.apply(round, d); }
            @Override public double[] logits(List<double[]> d) { return logits.apply(d); }
        };
    }
}
