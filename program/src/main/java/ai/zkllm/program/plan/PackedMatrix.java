package ai.zkllm.program.plan;

import ai.zkllm.fhe.circuits.DiagonalTransform;
import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.Evaluator;
import ai.zkllm.fhe.ckks.Plaintext;
import ai.zkllm.program.squeezed.QuantizedMatrix;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * y = x·W + b for every position of a packed ciphertext ({@link Layout}), one level. With rows of
 * x replicated with period n_in = period(in) and n_out = period(out), the k-th diagonal
 * d_k[c·P + t] = W[(c + k) mod n_in][c mod n_out] gives y = Σ_k d_k ⊙ rot(x, k·P), replicated with
 * period n_out. An expanding matrix (n_out ≥ n_in) needs k &lt; n_in. A narrowing one needs only
 * k &lt; n_out: each partial sum then covers one n_out-wide slice of the input, and log2(n_in/n_out)
 * rotations fold the slices together. Either way there are
 * min(n_in, n_out) plaintext products, with baby-step/giant-step rotations.
 *
 * <p>A matrix that ends a round multiplies W and b by {@code outputFactor} (a power of two below 1):
 * the response travels at level 0, where q_0 (31 bits) over the scale (2^30) leaves values a
 * headroom of ±1; the client multiplies back. Noise entered at the full scale, so this costs only
 * the last rescale's rounding at the smaller values.
 */
final class PackedMatrix {
    private final Layout layout;
    private final DiagonalTransform diagonals;
    private final int[] foldColumns;
    private final double[] bias;
    /** The bias's encodings by (level, scale) when encodings are cached (one context), else null. */
    private final Map<BiasEncoding, Plaintext> encodedBiases;

    PackedMatrix(QuantizedMatrix m, double outputFactor, Layout layout, boolean cacheEncodings) {
        this(m.dequantized(), m.bias(), m.in(), m.out(), outputFactor, layout, cacheEncodings);
    }

    /** W [in, out] row-major and b [out]. */
    PackedMatrix(double[] w, double[] b, int in, int out, double outputFactor, Layout layout, boolean cacheEncodings) {
        this.layout = layout;
        this.encodedBiases = cacheEncodings ? new ConcurrentHashMap<>() : null;
        int nIn = Layout.period(in);
        int nOut = Layout.period(out);
        int count = Math.min(nIn, nOut);
        int p = layout.positionsPerCiphertext();
        Map<Integer, double[]> diags = new LinkedHashMap<>();
        for (int k = 0; k < count; k++) {
            double[] diag = new double[layout.slots()];
            for (int c = 0; c < layout.width(); c++) {
                int i = (c + k) % nIn;
                int o = c % nOut;
                if (i < in && o < out) {
                    double v = w[i * out + o] * outputFactor;
                    for (int t = 0; t < p; t++) {
                        diag[c * p + t] = v;
                    }
                }
            }
            diags.put(layout.rotation(k), diag);
        }
        this.diagonals = new DiagonalTransform(layout.slots(), diags,
                layout.rotation(DiagonalTransform.defaultStride(count)), cacheEncodings);
        int folds = Integer.numberOfTrailingZeros(nIn / count);
        this.foldColumns = new int[folds];
        for (int f = 0; f < folds; f++) {
            foldColumns[f] = nOut << f;
        }
        double[] scaled = new double[out];
        for (int o = 0; o < out; o++) {
            scaled[o] = b[o] * outputFactor;
        }
        this.bias = layout.everyPosition(scaled);
    }

    Ciphertext apply(Evaluator ev, Ciphertext x) {
        return apply(List.of(ev), List.of(x), List.of(this)).get(0).get(0);
    }

    /**
     * Matrices on a batch of inputs (one per session or ciphertext, each with its evaluator; the
     * head's vocabulary slices share one input): result[s][m] is matrices[m] applied to xs[s]. The
     * baby-step rotations of each input are made once for all the matrices, and each diagonal is
     * encoded once for the whole batch ({@link DiagonalTransform#sumEach}).
     */
    static List<List<Ciphertext>> apply(List<Evaluator> evs, List<Ciphertext> xs, List<PackedMatrix> matrices) {
        TreeSet<Integer> steps = new TreeSet<>();
        for (PackedMatrix m : matrices) {
            for (int step : m.diagonals.babySteps()) {
                steps.add(step);
            }
        }
        int[] babySteps = steps.stream().mapToInt(Integer::intValue).toArray();
        List<List<Map<Integer, Ciphertext>>> rotated = new ArrayList<>(xs.size());
        List<List<Ciphertext>> out = new ArrayList<>(xs.size());
        for (Map<Integer, Ciphertext> each : DiagonalTransform.babyRotationsEach(evs, xs, babySteps)) {
            rotated.add(List.of(each));
            out.add(new ArrayList<>(matrices.size()));
        }
        for (PackedMatrix m : matrices) {
            List<Ciphertext> results = m.finish(evs, DiagonalTransform.sumEach(evs, List.of(m.diagonals), rotated));
            for (int s = 0; s < xs.size(); s++) {
                out.get(s).add(results.get(s));
            }
        }
        return out;
    }

    /** The folds, the rescale and the bias after each diagonals' sum ys[s] (the batch's rotations and rescales at once). */
    private List<Ciphertext> finish(List<Evaluator> evs, List<Ciphertext> ys) {
        List<Ciphertext> sums = ys;
        // folds before the rescale, as the giant steps: the noise of their key switches is then divided by q_l
        for (int columns : foldColumns) {
            sums = evs.get(0).addEach(sums, Evaluator.rotateEach(evs, sums, layout.rotation(columns)));
        }
        List<Ciphertext> rescaled = evs.get(0).rescaleEach(sums);
        List<Ciphertext> out = new ArrayList<>(sums.size());
        Plaintext encodedBias = null;
        for (int s = 0; s < sums.size(); s++) {
            Ciphertext y = rescaled.get(s);
            if (encodedBias == null || encodedBias.level() != y.level() || encodedBias.scale() != y.scale()) {
                encodedBias = encodedBias(evs.get(s), y.level(), y.scale());  // once for a batch's sessions
            }
            out.add(evs.get(s).add(y, encodedBias));
        }
        return out;
    }

    /** The bias at (level, scale): kept, like the diagonals, when encodings are cached (an FFT less per call). */
    private Plaintext encodedBias(Evaluator ev, int level, double scale) {
        if (encodedBiases == null) {
            return ev.encoder().encode(bias, level, scale);
        }
        return encodedBiases.computeIfAbsent(new BiasEncoding(level, scale), k -> ev.encoder().encode(bias, level, scale));
    }

    private record BiasEncoding(int level, double scale) {
    }

    /** The slot rotations {@link #apply} performs: the Galois keys it needs. */
    void addRotations(TreeSet<Integer> steps) {
        for (int r : diagonals.requiredRotations()) {
            steps.add(r);
        }
        for (int columns : foldColumns) {
            steps.add(layout.rotation(columns));
        }
    }
}
