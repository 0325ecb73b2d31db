package ai.zkllm.program.plan;

import ai.zkllm.fhe.circuits.DiagonalTransform;
import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.Evaluator;
import ai.zkllm.program.squeezed.QuantizedMatrix;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

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

    PackedMatrix(QuantizedMatrix m, double outputFactor, Layout layout, boolean cacheEncodings) {
        this(m.dequantized(), m.bias(), m.in(), m.out(), outputFactor, layout, cacheEncodings);
    }

    /** W [in, out] row-major and b [out]. */
    PackedMatrix(double[] w, double[] b, int in, int out, double outputFactor, Layout layout, boolean cacheEncodings) {
        this.layout = layout;
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
        return finish(ev, diagonals.accumulate(ev, DiagonalTransform.babyRotations(ev, x, diagonals.babySteps())));
    }

    /** Several matrices on one input (the head's vocabulary slices): x's baby-step rotations are made once for all. */
    static List<Ciphertext> applyEach(Evaluator ev, Ciphertext x, List<PackedMatrix> matrices) {
        TreeSet<Integer> steps = new TreeSet<>();
        for (PackedMatrix m : matrices) {
            for (int step : m.diagonals.babySteps()) {
                steps.add(step);
            }
        }
        Map<Integer, Ciphertext> rotated = DiagonalTransform.babyRotations(ev, x,
                steps.stream().mapToInt(Integer::intValue).toArray());
        return matrices.stream().map(m -> m.finish(ev, m.diagonals.accumulate(ev, rotated))).toList();
    }

    /** The folds, the rescale and the bias after the diagonals' sum y. */
    private Ciphertext finish(Evaluator ev, Ciphertext y) {
        // folds before the rescale, as the giant steps: the noise of their key switches is then divided by q_l
        for (int columns : foldColumns) {
            y = ev.add(y, ev.rotate(y, layout.rotation(columns)));
        }
        y = ev.rescale(y);
        return ev.add(y, ev.encoder().encode(bias, y.level(), y.scale()));
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
