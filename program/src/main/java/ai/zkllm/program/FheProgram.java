package ai.zkllm.program;

import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.Evaluator;
import ai.zkllm.fhe.ckks.Parameters;
import java.util.ArrayList;
import java.util.List;

/**
 * A squeezed model compiled to an FHE program: the contract between the client that drives a
 * token and the miner that computes it. The model is public (loaded by its content hash), so one
 * object serves both sides; only the client ever holds a secret key, and it does the encryption
 * and decryption around these calls.
 *
 * <p>One token is {@link #rounds()} rounds, driven on the client by a {@link TokenDecoder}: round 0
 * takes the encryption of {@link TokenDecoder#start}; between rounds the client decrypts, applies
 * {@link TokenDecoder#refresh} and encrypts the result afresh at the next round's
 * {@link #inputLevel} (client-aided refresh); after the last round {@link TokenDecoder#logits}
 * gives the next-token logits. Each round is stateless on the miner side, so a validator can replay
 * it from the round's input ciphertexts alone.
 */
public interface FheProgram {

    /** Content hash of the artifact this program was compiled from. */
    String modelHash();

    /** The 128-bit parameter set every ciphertext of this program uses. */
    Parameters parameters();

    /** Rotation steps whose Galois keys the client must generate (conjugation is not used). */
    int[] rotationSteps();

    /** Rounds (client round trips) per token. */
    int rounds();

    /** Longest context, in tokens, that one evaluation accepts. */
    int maxContext();

    /** Size of the token vocabulary, that is, of the logits vector. */
    int vocabularySize();

    /**
     * Whether round {@code round} takes {@code count} input ciphertexts. The round executor refuses
     * any other count before it fetches or decodes anything.
     */
    boolean acceptsInputCount(int round, int count);

    /** The level at which the client encrypts round {@code round}'s inputs (fresh, at the scale 2^logScale). */
    default int inputLevel(int round) {
        return parameters().maxLevel();
    }

    /** Client: a decoder for one conversation (it keeps what later tokens can reuse). */
    TokenDecoder newDecoder();

    /**
     * Miner: round {@code round} on the client's ciphertexts. Deterministic: the same inputs and
     * evaluation keys give the same output bytes on every backend.
     */
    List<Ciphertext> evaluate(int round, List<Ciphertext> inputs, Evaluator evaluator);

    /**
     * Miner: round {@code round} of several prompts at once (a batch; each with the evaluator of its
     * session's keys, all on one context). Element i equals evaluate(round, inputs[i], evaluators[i])
     * bit for bit; a program may share work across the batch (the squeezed program encodes each
     * weight diagonal once for all of it). By default, one prompt after the other.
     */
    default List<List<Ciphertext>> evaluateBatch(int round, List<List<Ciphertext>> inputs, List<Evaluator> evaluators) {
        List<List<Ciphertext>> out = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            out.add(evaluate(round, inputs.get(i), evaluators.get(i)));
        }
        return out;
    }

    /**
     * Client: the token ids of {@code text} in this program's vocabulary (byte-level UTF-8 for the
     * squeezed reference model). Programs without a text vocabulary refuse.
     */
    default int[] encodeText(String text) {
        throw new UnsupportedOperationException("program " + modelHash() + " has no text vocabulary");
    }

    /**
     * Client: the text of {@code tokens}; the decodings of consecutive pieces concatenate to the
     * decoding of the whole (so a stream prints token by token).
     */
    default String decodeTokens(int[] tokens) {
        throw new UnsupportedOperationException("program " + modelHash() + " has no text vocabulary");
    }
}
