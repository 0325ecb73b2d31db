package ai.zkllm.jobs.demo;

import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.Encoder;
import ai.zkllm.fhe.ckks.Evaluator;
import ai.zkllm.fhe.ckks.Parameters;
import ai.zkllm.fhe.ckks.Plaintext;
import ai.zkllm.program.FheProgram;
import ai.zkllm.program.TokenDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * A tiny but real two-round FHE program over a 128-bit parameter set (N = 2^14, depth 2): test
 * only, for the stream tests that need fast rounds (registered by the test class path's
 * {@code META-INF/services}). It is not a language model.
 *
 * <p>Over a vocabulary of {@link DemoVocabulary#SIZE} tokens, with x the context encoding
 * (one-hot of the last token plus a bag of all tokens):
 * round 0 (miner) y = a⊙x + c⊙rot(x, 1) + b — a plaintext-weighted linear map with one rotation;
 * refresh (client) decrypts y and encrypts it afresh; round 1 (miner) z = y⊙y;
 * logits = z. {@link #plainLogits} computes the same in doubles, the reference the tests hold the
 * encrypted answers to.
 */
public final class LinearSquareProgram implements FheProgram {
    private static final int V = DemoVocabulary.SIZE;
    private static final int CONTEXT = 64;
    private static final Parameters PARAMS = Parameters.builder().logN(14).logScale(30).depth(2).dnum(3).build();
    private static final double[] A = new double[V];
    private static final double[] C = new double[V];
    private static final double[] B = new double[V];
    private static final String HASH;

    static {
        Random r = new Random(20260101L);
        for (int i = 0; i < V; i++) {
            A[i] = 2 * r.nextDouble() - 1;
            C[i] = 2 * r.nextDouble() - 1;
            B[i] = r.nextDouble() - 0.5;
        }
        C[V - 1] = 0;
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("zkllm-demo-linear-square-v1".getBytes(StandardCharsets.US_ASCII));
            ByteBuffer buf = ByteBuffer.allocate(3 * 8 * V);
            for (int i = 0; i < V; i++) {
                buf.putDouble(A[i]).putDouble(C[i]).putDouble(B[i]);
            }
            sha.update(buf.array());
            sha.update(PARAMS.id().getBytes(StandardCharsets.US_ASCII));
            HASH = HexFormat.of().formatHex(sha.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Weights(Plaintext a, Plaintext c, Plaintext b) {
    }

    @Override
    public String modelHash() {
        return HASH;
    }

    @Override
    public Parameters parameters() {
        return PARAMS;
    }

    @Override
    public int[] rotationSteps() {
        return new int[] {1};
    }

    @Override
    public int rounds() {
        return 2;
    }

    @Override
    public int maxContext() {
        return CONTEXT;
    }

    @Override
    public int vocabularySize() {
        return V;
    }

    @Override
    public TokenDecoder newDecoder() {
        return TokenDecoder.stateless(LinearSquareProgram::encodeContext, LinearSquareProgram::refresh,
                decrypted -> Arrays.copyOf(decrypted.get(0), V));
    }

    /** Round 0's input: one-hot of the last token plus a bag of all tokens. */
    public static List<double[]> encodeContext(int[] tokens) {
        if (tokens.length == 0 || tokens.length > CONTEXT) {
            throw new IllegalArgumentException("context must have 1.." + CONTEXT + " tokens");
        }
        double[] x = new double[PARAMS.slots()];
        for (int t : tokens) {
            if (t < 0 || t >= V) {
                throw new IllegalArgumentException("token " + t + " outside the vocabulary");
            }
            x[t] += 0.5 / tokens.length;
        }
        x[tokens[tokens.length - 1]] += 1;
        return List.of(x);
    }

    @Override
    public boolean acceptsInputCount(int round, int count) {
        return count == 1;
    }

    @Override
    public List<Ciphertext> evaluate(int round, List<Ciphertext> inputs, Evaluator ev) {
        if (inputs.size() != 1) {
            throw new IllegalArgumentException("one input ciphertext per round, got " + inputs.size());
        }
        Ciphertext x = inputs.get(0);
        switch (round) {
            case 0 -> {
                Weights w = weights(ev);
                Ciphertext ax = ev.multiply(x, w.a);
                Ciphertext cx = ev.multiply(ev.rotate(x, 1), w.c);
                Ciphertext y = ev.rescale(ev.add(ax, cx));
                return List.of(ev.add(y, w.b));
            }
            case 1 -> {
                return List.of(ev.rescale(ev.multiplyRelin(x, x)));
            }
            default -> throw new IllegalArgumentException("round " + round + " of a 2-round program");
        }
    }

    private static List<double[]> refresh(int round, List<double[]> decrypted) {
        if (round != 0) {
            throw new IllegalArgumentException("only round 0 is followed by a refresh");
        }
        double[] y = new double[PARAMS.slots()];
        System.arraycopy(decrypted.get(0), 0, y, 0, V);
        return List.of(y);
    }

    /** The plaintext model: the logits the encrypted rounds approximate. */
    public double[] plainLogits(int[] tokens) {
        double[] x = encodeContext(tokens).get(0);
        double[] z = new double[V];
        for (int i = 0; i < V; i++) {
            double y = A[i] * x[i] + C[i] * x[i + 1] + B[i];
            z[i] = y * y;
        }
        return z;
    }

    /** The plaintext weights, encoded by the evaluator's encoder (a few slots: cheap per call). */
    private static Weights weights(Evaluator ev) {
        Encoder encoder = ev.encoder();
        int top = PARAMS.maxLevel();
        // a and c at scale q_top, so the rescale after them brings the scale back to exactly Δ.
        double qTop = PARAMS.qPrimes().get(top);
        return new Weights(
                encoder.encode(Arrays.copyOf(A, PARAMS.slots()), top, qTop),
                encoder.encode(Arrays.copyOf(C, PARAMS.slots()), top, qTop),
                encoder.encode(Arrays.copyOf(B, PARAMS.slots()), top - 1, PARAMS.scale()));
    }

    /** Words of {@link DemoVocabulary}. */
    @Override
    public int[] encodeText(String text) {
        return DemoVocabulary.encode(text);
    }

    /** Each word preceded by a space, so pieces concatenate (" the cat"). */
    @Override
    public String decodeTokens(int[] tokens) {
        StringBuilder b = new StringBuilder();
        for (int t : tokens) {
            b.append(' ').append(DemoVocabulary.decode(t));
        }
        return b.toString();
    }
}
