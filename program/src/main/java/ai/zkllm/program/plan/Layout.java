package ai.zkllm.program.plan;

import ai.zkllm.program.model.Gpt2Config;
import java.util.List;

/**
 * The packed slot layout of every round (slots S = N/2). W is the power of two at least as wide as
 * the widest row a round sends or a matrix fills (d, 3d, the MLP's inner width), and P = S / W
 * positions share one ciphertext, interleaved: slot {@code c·P + t} holds column {@code c mod n} of
 * position t's row, n the power of two ≥ the row's width (columns past the width are zero). Each
 * row is thus replicated along c with period n, so a rotation by {@code k·P} slots shifts every
 * position's columns by k at once, cyclically within the row: the diagonal method multiplies all P
 * rows by a matrix with no masking (see {@link PackedMatrix}), and its output comes out replicated
 * with the output width's period, ready for the next matrix.
 *
 * <p>The logits may be wider than W (GPT-2's 50,257 against W = 4096): the head then answers in
 * {@link #vocabularySlices slices} of at most W columns, one ciphertext each, all from the one input.
 *
 * <p>Responses carry their rows times {@link #RESPONSE_FACTOR} (see {@link PackedMatrix}): values up
 * to ±64 fit level 0; the client divides it out.
 */
public record Layout(int slots, int width, int positionsPerCiphertext) {
    /** 2^-6: what the last matrix of a round multiplies its output by. */
    public static final double RESPONSE_FACTOR = 1.0 / 64;

    public static Layout of(Gpt2Config c, int slots) {
        int width = width(c);
        if (width > slots) {
            throw new IllegalArgumentException("rows of " + width + " slots do not fit " + slots
                    + " slots; choose a larger ring");
        }
        return new Layout(slots, width, slots / width);
    }

    /** W: the period of the widest row a round carries (an affine ln_2's 2d + 1 never exceeds 3d). */
    public static int width(Gpt2Config c) {
        return period(Math.max(3 * c.nEmbd(), c.nInner()));
    }

    /**
     * The widths of the head's output slices: {@code vocabulary} columns cut into ⌈vocabulary / W⌉
     * slices of W (the last one shorter). Slice s holds columns [s·W, s·W + width).
     */
    public int[] vocabularySlices(int vocabulary) {
        int[] widths = new int[(vocabulary + width - 1) / width];
        for (int s = 0; s < widths.length; s++) {
            widths[s] = Math.min(width, vocabulary - s * width);
        }
        return widths;
    }

    /** The replication period of a row of {@code columns} values: the power of two ≥ columns. */
    public static int period(int columns) {
        return columns <= 1 ? 1 : Integer.highestOneBit(columns - 1) << 1;
    }

    /** Ciphertexts that carry {@code positions} rows. */
    public int ciphertexts(int positions) {
        return (positions + positionsPerCiphertext - 1) / positionsPerCiphertext;
    }

    /** The slot rotation that shifts every row by {@code columns}. */
    public int rotation(int columns) {
        return columns * positionsPerCiphertext;
    }

    /** Rows of {@code columns} values, packed P to a slot vector. */
    public List<double[]> pack(double[][] rows, int columns) {
        int p = positionsPerCiphertext;
        int n = period(columns);
        double[][] out = new double[ciphertexts(rows.length)][slots];
        for (int r = 0; r < rows.length; r++) {
            double[] s = out[r / p];
            int t = r % p;
            for (int c = 0; c < width; c++) {
                int col = c % n;
                s[c * p + t] = col < columns ? rows[r][col] : 0;
            }
        }
        return List.of(out);
    }

    /** The same row (a bias) at every position of a slot vector. */
    public double[] everyPosition(double[] row) {
        int n = period(row.length);
        double[] s = new double[slots];
        for (int c = 0; c < width; c++) {
            int col = c % n;
            for (int t = 0; t < positionsPerCiphertext; t++) {
                s[c * positionsPerCiphertext + t] = col < row.length ? row[col] : 0;
            }
        }
        return s;
    }

    /** {@code value} in columns [0, count) of every position's row, zero in its other columns and replicas. */
    public double[] columns(int count, double value) {
        double[] s = new double[slots];
        for (int c = 0; c < count; c++) {
            for (int t = 0; t < positionsPerCiphertext; t++) {
                s[c * positionsPerCiphertext + t] = value;
            }
        }
        return s;
    }

    /** The first {@code rows} rows of {@code columns} values back from packed slot vectors. */
    public double[][] unpack(List<double[]> decrypted, int rows, int columns) {
        if (decrypted.size() != ciphertexts(rows)) {
            throw new IllegalArgumentException(decrypted.size() + " ciphertexts for " + rows + " positions, expected "
                    + ciphertexts(rows));
        }
        int p = positionsPerCiphertext;
        double[][] out = new double[rows][columns];
        for (int r = 0; r < rows; r++) {
            double[] s = decrypted.get(r / p);
            for (int c = 0; c < columns; c++) {
                out[r][c] = s[c * p + r % p];
            }
        }
        return out;
    }
}
