package ai.zkllm.fhe.ckks;

import ai.zkllm.fhe.ring.Modulus;
import ai.zkllm.fhe.ring.RingContext;
import ai.zkllm.fhe.ring.RnsPoly;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The canonical embedding of CKKS: N/2 complex slots z_j = m(ζ^(5^j)) of a real polynomial m,
 * ζ = e^(iπ/N).
 *
 * <p>Special FFT: with w_k = m_k + i·m_(k+N/2), z_j = Σ_(k&lt;N/2) w_k ζ^(5^j·k) because ζ^(N/2) = i
 * and 5^j ≡ 1 mod 4. The points ζ^(5^j) are the roots of Y^(N/2) = i, that is ζ·ω^t with
 * ω = ζ^4 and t = (5^j mod 2N - 1)/4, so decoding is a twist by ζ^k, one length-N/2 complex FFT
 * and a slot permutation; encoding runs it backwards.
 *
 * <p>Decoding reconstructs each coefficient from its residues by Garner's mixed-radix algorithm
 * with balanced digits v_i ∈ (-q_i/2, q_i/2): the value Σ v_i·q_0···q_(i-1) is then the centered
 * representative itself, its top digits are zero whenever it is small, and evaluating it by
 * Horner in doubles loses only the last bits of a 53-bit mantissa — no BigInteger on the hot path.
 */
public final class Encoder {
    private final CkksContext context;
    private final RingContext ring;
    private final int slots;
    private final int logSlots;
    /** slotPosition[j] = (5^j mod 2N - 1)/4: the FFT output that holds slot j. */
    private final int[] slotPosition;
    private final double[] twistCos;
    private final double[] twistSin;
    /**
     * The FFT's twiddles stage by stage, contiguous so that its inner loop streams (and C2 can
     * vectorize it): for the stage of length len = 2^s, entries [len/2 - 1, len - 1) hold
     * e^(2πi·k/len) for k &lt; len/2, the values rootCos/rootSin[k·slots/len] of one table
     * (stageSinInverse: the sines negated, for the inverse transform).
     */
    private final double[] stageCos;
    private final double[] stageSin;
    private final double[] stageSinInverse;
    /** garnerPrefix[i][j] = q_0···q_(j-1) mod q_i for j &lt; i, with Shoup companions. */
    private final long[][] garnerPrefix;
    private final long[][] garnerPrefixShoup;
    /** (q_0···q_(i-1))^-1 mod q_i, with Shoup companions. */
    private final long[] garnerInverse;
    private final long[] garnerInverseShoup;

    public Encoder(CkksContext context) {
        this.context = context;
        this.ring = context.ring();
        int n = ring.n();
        this.slots = n / 2;
        this.logSlots = Integer.numberOfTrailingZeros(slots);
        slotPosition = new int[slots];
        long g = 1;
        for (int j = 0; j < slots; j++) {
            slotPosition[j] = (int) ((g - 1) / 4);
            g = g * 5 % (2L * n);
        }
        twistCos = new double[slots];
        twistSin = new double[slots];
        for (int k = 0; k < slots; k++) {
            double angle = Math.PI * k / n;
            twistCos[k] = Math.cos(angle);
            twistSin[k] = Math.sin(angle);
        }
        double[] rootCos = new double[Math.max(1, slots / 2)];
        double[] rootSin = new double[rootCos.length];
        for (int t = 0; t < slots / 2; t++) {
            double angle = 2 * Math.PI * t / slots;
            rootCos[t] = Math.cos(angle);
            rootSin[t] = Math.sin(angle);
        }
        stageCos = new double[Math.max(1, slots - 1)];
        stageSin = new double[stageCos.length];
        stageSinInverse = new double[stageCos.length];
        for (int len = 2; len <= slots; len <<= 1) {
            for (int k = 0; k < len / 2; k++) {
                stageCos[len / 2 - 1 + k] = rootCos[k * (slots / len)];
                stageSin[len / 2 - 1 + k] = rootSin[k * (slots / len)];
                stageSinInverse[len / 2 - 1 + k] = -rootSin[k * (slots / len)];
            }
        }
        int levels = context.maxLevel() + 1;
        garnerPrefix = new long[levels][];
        garnerPrefixShoup = new long[levels][];
        garnerInverse = new long[levels];
        garnerInverseShoup = new long[levels];
        for (int i = 0; i < levels; i++) {
            Modulus qi = ring.modulus(i);
            garnerPrefix[i] = new long[i];
            garnerPrefixShoup[i] = new long[i];
            long prefix = 1;
            for (int j = 0; j < i; j++) {
                garnerPrefix[i][j] = prefix;
                garnerPrefixShoup[i][j] = qi.shoup(prefix);
                prefix = qi.mul(prefix, qi.reduce(ring.modulus(j).value()));
            }
            garnerInverse[i] = qi.inverse(prefix);
            garnerInverseShoup[i] = qi.shoup(garnerInverse[i]);
        }
    }

    public int slots() {
        return slots;
    }

    /** Real values into the first slots (the rest are 0). */
    public Plaintext encode(double[] values, int level, double scale) {
        return encode(values, new double[values.length], level, scale);
    }

    /** Complex values re + i·im into the first slots (the rest are 0). */
    public Plaintext encode(double[] re, double[] im, int level, double scale) {
        return fromCoefficients(new double[][] {scaledCoefficients(re, im, level, scale)}, level, scale).get(0);
    }

    /**
     * {@link #encode(double[], int, double)} of each vector (a matrix's diagonals): the same plaintexts as one
     * by one, their transforms side by side on the common pool and their residues and NTTs in the operations
     * of one (on a GPU three launches per 64 plaintexts instead of three per plaintext).
     */
    public List<Plaintext> encodeEach(List<double[]> values, int level, double scale) {
        double[][] coefficients = new double[values.size()][];
        IntStream.range(0, coefficients.length).parallel().forEach(p -> coefficients[p] =
                scaledCoefficients(values.get(p), new double[values.get(p).length], level, scale));
        return fromCoefficients(coefficients, level, scale);
    }

    /** The integer coefficients (as doubles) of re + i·im in the first slots times scale, checked against Q. */
    private double[] scaledCoefficients(double[] re, double[] im, int level, double scale) {
        if (re.length != im.length || re.length > slots) {
            throw new IllegalArgumentException("encode: need equal real and imaginary lengths ≤ " + slots
                    + " slots, got " + re.length + " and " + im.length);
        }
        if (level < 0 || level > context.maxLevel()) {
            throw new IllegalArgumentException("encode: level " + level + " outside [0, " + context.maxLevel() + "]");
        }
        double[] xr = new double[slots];
        double[] xi = new double[slots];
        for (int j = 0; j < re.length; j++) {
            xr[slotPosition[j]] = re[j];
            xi[slotPosition[j]] = im[j];
        }
        fft(xr, xi, true);
        double[] coefficients = new double[2 * slots];
        double maxAbs = 0;
        for (int k = 0; k < slots; k++) {
            // w_k = x_k · ζ^-k / (N/2), the inverse FFT's normalization folded in.
            double c = twistCos[k] / slots;
            double s = twistSin[k] / slots;
            double wr = xr[k] * c + xi[k] * s;
            double wi = xi[k] * c - xr[k] * s;
            coefficients[k] = Math.rint(wr * scale);
            coefficients[k + slots] = Math.rint(wi * scale);
            maxAbs = Math.max(maxAbs, Math.max(Math.abs(coefficients[k]), Math.abs(coefficients[k + slots])));
        }
        if (maxAbs > 0 && Math.log(maxAbs) / Math.log(2) >= context.logQ(level) - 1) {
            throw new IllegalArgumentException(String.format(
                    "encode: values times scale 2^%.1f reach 2^%.1f, beyond Q at level %d (2^%.1f)",
                    Math.log(scale) / Math.log(2), Math.log(maxAbs) / Math.log(2), level, context.logQ(level)));
        }
        return coefficients;
    }

    /**
     * Plaintexts of the rows of integer coefficients: those below 2^61 in magnitude (the usual case) in one
     * {@link RingContext#fromSigned(long[][], int)}, whose residues the backend (a GPU) makes; the others'
     * residues here, one at a time.
     */
    private List<Plaintext> fromCoefficients(double[][] coefficients, int level, double scale) {
        Plaintext[] out = new Plaintext[coefficients.length];
        List<Integer> small = new ArrayList<>(coefficients.length);
        List<long[]> rows = new ArrayList<>(coefficients.length);
        for (int p = 0; p < coefficients.length; p++) {
            long[] row = smallRow(coefficients[p]);
            if (row != null) {
                small.add(p);
                rows.add(row);
                continue;
            }
            RnsPoly poly = RnsPoly.zero(level + 1, ring.n(), false);
            for (int i = 0; i <= level; i++) {
                Modulus q = ring.modulus(i);
                long[] limb = poly.limb(i);
                for (int k = 0; k < coefficients[p].length; k++) {
                    limb[k] = residue(coefficients[p][k], q);
                }
            }
            ring.ntt(poly);
            out[p] = new Plaintext(poly, level, scale);
        }
        RnsPoly[] polys = ring.fromSigned(rows.toArray(long[][]::new), level + 1);
        for (int j = 0; j < polys.length; j++) {
            out[small.get(j)] = new Plaintext(polys[j], level, scale);
        }
        return Arrays.asList(out);
    }

    /** The integer coefficients as longs, or null when one reaches 2^61 (beyond fromSigned's range). */
    private static long[] smallRow(double[] coefficients) {
        long[] row = new long[coefficients.length];
        for (int k = 0; k < row.length; k++) {
            if (Math.abs(coefficients[k]) >= 0x1p61) {
                return null;
            }
            row[k] = (long) coefficients[k];
        }
        return row;
    }

    /** The real parts of the slots. */
    public double[] decode(Plaintext pt) {
        return decodeComplex(pt)[0];
    }

    /** {real parts, imaginary parts} of the slots. */
    public double[][] decodeComplex(Plaintext pt) {
        double[] coefficients = coefficients(pt);
        double[] xr = new double[slots];
        double[] xi = new double[slots];
        double inverseScale = 1 / pt.scale();
        for (int k = 0; k < slots; k++) {
            double wr = coefficients[k] * inverseScale;
            double wi = coefficients[k + slots] * inverseScale;
            xr[k] = wr * twistCos[k] - wi * twistSin[k];
            xi[k] = wr * twistSin[k] + wi * twistCos[k];
        }
        fft(xr, xi, false);
        double[] re = new double[slots];
        double[] im = new double[slots];
        for (int j = 0; j < slots; j++) {
            re[j] = xr[slotPosition[j]];
            im[j] = xi[slotPosition[j]];
        }
        return new double[][] {re, im};
    }

    /** An integral double (any magnitude) modulo q; exact. */
    static long residue(double integral, Modulus q) {
        if (Math.abs(integral) < 0x1p62) {
            return q.reduceSigned((long) integral);
        }
        BigInteger big = new BigDecimal(integral).toBigInteger();
        return big.mod(BigInteger.valueOf(q.value())).longValue();
    }

    /** The centered integer coefficients of a plaintext, as doubles (see the class comment). */
    private double[] coefficients(Plaintext pt) {
        int level = pt.level();
        int n = ring.n();
        RnsPoly coefficientForm = ring.coefficients(pt.poly(), level + 1);  // on the backend (a GPU's), then read once
        long[][] limbs = coefficientForm.limbs();
        // Mixed-radix digits, limb by limb: v_i = [(x_i - Σ_(j<i) v_j·q_0···q_(j-1)) · (q_0···q_(i-1))^-1]
        // centered mod q_i, which is what Garner's iteration computes. Each v_j (|v_j| < 2^30) is
        // lifted by a multiple of q_i of at least 2^30 so that it is a valid Shoup operand (< 2^32);
        // the lazy terms (< 2q_i each) are summed and reduced once. limbs[i] is overwritten by v_i.
        for (int i = 0; i <= level; i++) {
            Modulus qi = ring.modulus(i);
            long qv = qi.value();
            long half = qv >>> 1;
            long lift = ((1L << 30) + qv - 1) / qv * qv;
            long[] prefix = garnerPrefix[i];
            long[] prefixShoup = garnerPrefixShoup[i];
            long inverse = garnerInverse[i];
            long inverseShoup = garnerInverseShoup[i];
            long[] x = limbs[i];
            if (i == 0) {
                for (int k = 0; k < n; k++) {
                    long t = x[k];
                    x[k] = t > half ? t - qv : t;
                }
                continue;
            }
            long[] sum = new long[n];
            for (int j = 0; j < i; j++) {
                long[] v = limbs[j];
                long p = prefix[j];
                long ps = prefixShoup[j];
                for (int k = 0; k < n; k++) {
                    long y = v[k] + lift;
                    sum[k] += y * p - ((y * ps) >>> 32) * qv;
                }
            }
            for (int k = 0; k < n; k++) {
                long d = x[k] - qi.reduce(sum[k]);
                d += qv & (d >> 63);
                long t = qi.mulShoup(d, inverse, inverseShoup);
                x[k] = t > half ? t - qv : t;
            }
        }
        double[] qAsDouble = new double[level + 1];
        for (int i = 0; i <= level; i++) {
            qAsDouble[i] = ring.modulus(i).value();
        }
        double[] out = new double[n];
        long[] top = limbs[level];
        for (int k = 0; k < n; k++) {
            out[k] = top[k];
        }
        for (int i = level - 1; i >= 0; i--) {
            double q = qAsDouble[i];
            long[] v = limbs[i];
            for (int k = 0; k < n; k++) {
                out[k] = out[k] * q + v[k];
            }
        }
        return out;
    }

    /**
     * In-place radix-2 FFT of length N/2: x_t ← Σ_k x_k e^(±2πi·tk/(N/2)), sign − when
     * {@code inverse} (unnormalized).
     */
    private void fft(double[] re, double[] im, boolean inverse) {
        int n = slots;
        for (int i = 0; i < n; i++) {
            int r = logSlots == 0 ? 0 : Integer.reverse(i) >>> (32 - logSlots);
            if (i < r) {
                double t = re[i]; re[i] = re[r]; re[r] = t;
                t = im[i]; im[i] = im[r]; im[r] = t;
            }
        }
        double[] sines = inverse ? stageSinInverse : stageSin;
        for (int len = 2; len <= n; len <<= 1) {
            int half = len >>> 1;
            int twiddles = half - 1;
            for (int start = 0; start < n; start += len) {
                for (int k = 0; k < half; k++) {
                    double wr = stageCos[twiddles + k];
                    double wi = sines[twiddles + k];
                    int a = start + k;
                    int b = a + half;
                    double vr = re[b] * wr - im[b] * wi;
                    double vi = re[b] * wi + im[b] * wr;
                    re[b] = re[a] - vr;
                    im[b] = im[a] - vi;
                    re[a] += vr;
                    im[a] += vi;
                }
            }
        }
    }
}
