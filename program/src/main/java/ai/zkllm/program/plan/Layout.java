package ai.zkllm.program.plan;

import ai.zkllm.program.model.Gpt2Config;

/**
 * The slot layouts of the squeezed program (N/2 slots, d = n_embd, dp = the power of two ≥ d).
 * <ul>
 *   <li><b>rep</b> (token-major, replicated): slot {@code t·2dp + c} and {@code t·2dp + dp + c} hold
 *       x[t][c]. A [d, d] block acting on every token is then Σ_{k<dp} d_k ⊙ rot(x, k) (dp diagonals,
 *       no wrap between tokens); the output fills the lower halves and one rotation by -dp
 *       replicates it.</li>
 *   <li><b>pairs</b> (scores): pair index {@code H·(i(i+1)/2 + j) + h} for j ≤ i, chunked by slots;
 *       one ciphertext per chunk and head channel k for Q and for K, so q·k is a sum of dh
 *       ct × ct products with no rotation. The enumeration is prefix-stable: constants do not depend on T.</li>
 *   <li><b>pv</b>: for each key position j, P_j (rep layout, slot (i, h·dh + c) = p[h][i][j]) and V_j
 *       (slot (i, h·dh + c) = v[j][h·dh + c]): o = Σ_j P_j ⊙ V_j lands in the rep layout.</li>
 *   <li><b>mask</b>: slots 0..T-1 hold 1; passed through every round, it tells the client T.</li>
 * </ul>
 */
public record Layout(int slots, int d, int dp, int heads, int headDim, int positions) {
    public static Layout of(Gpt2Config c, int slots) {
        int dp = Integer.highestOneBit(c.nEmbd()) == c.nEmbd() ? c.nEmbd() : Integer.highestOneBit(c.nEmbd()) << 1;
        Layout l = new Layout(slots, c.nEmbd(), dp, c.nHead(), c.headDim(), c.nPositions());
        if ((long) c.nPositions() * 2 * dp > slots) {
            throw new IllegalArgumentException("context " + c.nPositions() + " × 2·" + dp + " does not fit " + slots
                    + " slots; choose a larger ring");
        }
        return l;
    }

    /** Slots per token in the rep layout. */
    public int period() {
        return 2 * dp;
    }

    /** Left rotation that copies the lower halves of the rep layout into the upper halves. */
    public int replicateStep() {
        return slots - dp;
    }

    public int slot(int t, int c) {
        return t * period() + c;
    }

    public int pairs(int t) {
        return heads * t * (t + 1) / 2;
    }

    public int pairIndex(int i, int j, int h) {
        return heads * (i * (i + 1) / 2 + j) + h;
    }

    /** Ciphertexts per channel for the pairs of a T-token context. */
    public int chunks(int t) {
        return (pairs(t) + slots - 1) / slots;
    }

    /** x [T][d] in the rep layout. */
    public double[] rep(double[][] x) {
        double[] s = new double[slots];
        for (int t = 0; t < x.length; t++) {
            for (int c = 0; c < d; c++) {
                s[slot(t, c)] = x[t][c];
                s[slot(t, c) + dp] = x[t][c];
            }
        }
        return s;
    }

    /** Rows 0..T-1, columns 0..width-1 read from the lower halves. */
    public double[][] rows(double[] s, int t, int width) {
        double[][] x = new double[t][width];
        for (int i = 0; i < t; i++) {
            for (int c = 0; c < width; c++) {
                x[i][c] = s[slot(i, c)];
            }
        }
        return x;
    }

    public double[] mask(int t) {
        double[] m = new double[slots];
        for (int i = 0; i < t; i++) {
            m[i] = 1;
        }
        return m;
    }

    /** T from a decrypted mask. */
    public int length(double[] mask) {
        int t = 0;
        while (t < slots && mask[t] > 0.5) {
            t++;
        }
        return t;
    }
}
