package ai.zkllm.fhe.circuits;

import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.Evaluator;
import java.util.Map;
import java.util.TreeMap;

/**
 * y = M·x for a plaintext rows × cols matrix M on an encrypted vector x, by the
 * baby-step/giant-step diagonal method (Halevi–Shoup).
 *
 * <p><b>Packing.</b> With inPeriod = the power of two ≥ cols and outPeriod = the power of two
 * ≥ rows (both ≤ slots), the input slots hold x zero-padded to inPeriod and repeated
 * slots/inPeriod times ({@link #packInput}). The output holds y zero-padded to outPeriod and
 * repeated slots/outPeriod times: y_i is in slot i (and i + outPeriod, ...), so transforms chain
 * whenever one's outPeriod is the next one's inPeriod.
 *
 * <p><b>Diagonals.</b> For k &lt; inPeriod, diagonal k is d_k[j] = M[j mod outPeriod][(j + k) mod inPeriod]
 * (0 outside M), so y = Σ_k d_k ⊙ rot(x, k): a tall matrix needs only inPeriod of them. Only
 * non-zero diagonals are kept. Writing k = g·n1 + b, y = Σ_g rot(Σ_b rot(d_k, -g·n1) ⊙ rot(x, b), g·n1):
 * the baby rotations rot(x, b) share one decomposition ({@link Evaluator#rotateHoisted}), the
 * diagonals are stored pre-rotated and encoded once per level, and the giant rotations act on
 * the partial sums.
 *
 * <p><b>Level and scale.</b> Diagonals are encoded at scale q_level and everything is summed
 * before a single rescale, so the result is one level down with exactly the input's scale.
 *
 * <p>The evaluation itself is {@link DiagonalTransform}'s (this class only lays the matrix out
 * as diagonals), with the encoded diagonals kept per level.
 */
public final class LinearTransform {
    private final int slots;
    private final int rows;
    private final int cols;
    private final int inPeriod;
    private final int outPeriod;
    private final DiagonalTransform transform;

    public LinearTransform(int slots, double[][] matrix) {
        this.slots = slots;
        this.rows = matrix.length;
        this.cols = rows == 0 ? 0 : matrix[0].length;
        if (rows == 0 || cols == 0 || Math.max(rows, cols) > slots) {
            throw new IllegalArgumentException("matrix must be non-empty with rows and cols ≤ " + slots
                    + " slots, got " + rows + " × " + cols);
        }
        for (double[] row : matrix) {
            if (row.length != cols) {
                throw new IllegalArgumentException("ragged matrix: rows of length " + cols + " and " + row.length);
            }
        }
        this.inPeriod = powerOfTwoAtLeast(cols);
        this.outPeriod = powerOfTwoAtLeast(rows);
        // n1 ≈ √inPeriod balances baby rotations against giant ones.
        int babyStride = 1 << ((Integer.numberOfTrailingZeros(inPeriod) + 1) / 2);
        Map<Integer, double[]> diagonals = new TreeMap<>();
        for (int k = 0; k < inPeriod; k++) {
            double[] diagonal = new double[slots];
            for (int j = 0; j < slots; j++) {
                int row = j % outPeriod;
                int col = (j + k) % inPeriod;
                diagonal[j] = row < rows && col < cols ? matrix[row][col] : 0;
            }
            diagonals.put(k, diagonal);
        }
        this.transform = new DiagonalTransform(slots, diagonals, babyStride, true);
    }

    public int rows() { return rows; }
    public int cols() { return cols; }
    public int inPeriod() { return inPeriod; }
    public int outPeriod() { return outPeriod; }

    /** The slot layout {@link #apply} expects: x (length cols) zero-padded to inPeriod and repeated. */
    public double[] packInput(double[] x) {
        if (x.length != cols) {
            throw new IllegalArgumentException("input must have " + cols + " entries, got " + x.length);
        }
        double[] packed = new double[slots];
        for (int j = 0; j < packed.length; j++) {
            int i = j % inPeriod;
            packed[j] = i < cols ? x[i] : 0;
        }
        return packed;
    }

    /** Exactly the left rotations {@link #apply} performs, ascending: the Galois keys it needs. */
    public int[] requiredRotations() {
        return transform.requiredRotations();
    }

    /** M·x, one level below x at x's scale; x packed as {@link #packInput} lays it out. */
    public Ciphertext apply(Evaluator evaluator, Ciphertext x) {
        if (x.level() < 1) {
            throw new IllegalArgumentException("linear transform needs 1 level, the ciphertext has 0 left");
        }
        return transform.apply(evaluator, x);
    }

    private static int powerOfTwoAtLeast(int n) {
        return Integer.highestOneBit(n) == n ? n : Integer.highestOneBit(n) << 1;
    }
}
