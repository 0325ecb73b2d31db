package ai.zkllm.fhe.ring;

/** The pure-Java kernels: always available, and the reference the native backend must match. */
public final class JavaRingBackend implements RingBackend {

    @Override
    public String name() {
        return "java";
    }

    /**
     * Cooley–Tukey with bit-reversed ψ powers. Values live lazily in [0, 4q) between stages and
     * are brought below 2q before a Shoup product, whose operand must stay under 2^32.
     */
    @Override
    public void ntt(long[] a, NttTable table) {
        long q = table.modulus().value();
        long twoQ = 2 * q;
        long[] w = table.psiPowers();
        long[] ws = table.psiPowersShoup();
        int n = a.length;
        if (n < 4) {
            forwardStages(a, q, w, ws, 1);
            for (int j = 0; j < n; j++) {
                a[j] = lowerBelow(lowerBelow(a[j], twoQ), q);
            }
            return;
        }
        int m = forwardStages(a, q, w, ws, 4);
        // t = 2: blocks of four words sharing one twiddle.
        for (int i = 0; i < m; i++) {
            long wi = w[m + i];
            long wsi = ws[m + i];
            int j = 4 * i;
            long u0 = lowerBelow(a[j], twoQ);
            long u1 = lowerBelow(a[j + 1], twoQ);
            long x0 = lowerBelow(a[j + 2], twoQ);
            long x1 = lowerBelow(a[j + 3], twoQ);
            long v0 = x0 * wi - ((x0 * wsi) >>> 32) * q;
            long v1 = x1 * wi - ((x1 * wsi) >>> 32) * q;
            a[j] = u0 + v0;
            a[j + 1] = u1 + v1;
            a[j + 2] = u0 - v0 + twoQ;
            a[j + 3] = u1 - v1 + twoQ;
        }
        m <<= 1;
        // t = 1, with the final reduction to [0, q) folded in.
        for (int i = 0; i < m; i++) {
            long wi = w[m + i];
            long wsi = ws[m + i];
            int j = 2 * i;
            long u = lowerBelow(a[j], twoQ);
            long x = lowerBelow(a[j + 1], twoQ);
            long v = x * wi - ((x * wsi) >>> 32) * q;
            a[j] = lowerBelow(lowerBelow(u + v, twoQ), q);
            a[j + 1] = lowerBelow(lowerBelow(u - v + twoQ, twoQ), q);
        }
    }

    /**
     * The generic Cooley–Tukey stages with butterfly span t >= minSpan, outputs lazily in [0, 4q);
     * returns the number of blocks m the next stage starts from.
     */
    private static int forwardStages(long[] a, long q, long[] w, long[] ws, int minSpan) {
        long twoQ = 2 * q;
        int m = 1;
        for (int t = a.length >>> 1; t >= minSpan; m <<= 1, t >>>= 1) {
            for (int i = 0; i < m; i++) {
                long wi = w[m + i];
                long wsi = ws[m + i];
                int j1 = 2 * i * t;
                int j2 = j1 + t;
                for (int j = j1; j < j2; j++) {
                    long u = lowerBelow(a[j], twoQ);
                    long x = lowerBelow(a[j + t], twoQ);
                    long v = x * wi - ((x * wsi) >>> 32) * q;
                    a[j] = u + v;
                    a[j + t] = u - v + twoQ;
                }
            }
        }
        return m;
    }

    /**
     * x - bound if x &gt;= bound, else x, for 0 &lt;= x &lt; 2·bound: branch-free, because inside the
     * butterflies the comparison is unpredictable.
     */
    private static long lowerBelow(long x, long bound) {
        long d = x - bound;
        return d + (bound & (d >> 63));
    }

    /**
     * Gentleman–Sande with bit-reversed inverse ψ powers; the multiplication by n^-1 is folded
     * into the last stage (its twiddle becomes n^-1·w).
     */
    @Override
    public void inverseNtt(long[] a, NttTable table) {
        long q = table.modulus().value();
        long twoQ = 2 * q;
        long[] w = table.inversePsiPowers();
        long[] ws = table.inversePsiPowersShoup();
        int n = a.length;
        int m = n >>> 1;
        int t = 1;
        if (n >= 4) {
            // t = 1: adjacent pairs.
            for (int i = 0; i < m; i++) {
                long wi = w[m + i];
                long wsi = ws[m + i];
                int j = 2 * i;
                long u = a[j];
                long v = a[j + 1];
                a[j] = lowerBelow(u + v, twoQ);
                long d = lowerBelow(u - v + twoQ, twoQ);
                a[j + 1] = d * wi - ((d * wsi) >>> 32) * q;
            }
            m >>>= 1;
            t <<= 1;
        }
        for (; m > 1; m >>>= 1, t <<= 1) {
            for (int i = 0; i < m; i++) {
                long wi = w[m + i];
                long wsi = ws[m + i];
                int j1 = 2 * i * t;
                int j2 = j1 + t;
                for (int j = j1; j < j2; j++) {
                    long u = a[j];
                    long v = a[j + t];
                    a[j] = lowerBelow(u + v, twoQ);
                    long d = lowerBelow(u - v + twoQ, twoQ);
                    a[j + t] = d * wi - ((d * wsi) >>> 32) * q;
                }
            }
        }
        // m = 1, t = n/2: sum times n^-1, difference times n^-1·w[1].
        Modulus modulus = table.modulus();
        long nInv = table.nInverse();
        long nInvShoup = table.nInverseShoup();
        long nw = modulus.mul(nInv, w[1]);
        long nwShoup = modulus.shoup(nw);
        for (int j = 0; j < t; j++) {
            long u = a[j];
            long v = a[j + t];
            long sum = lowerBelow(u + v, twoQ);
            long d = lowerBelow(u - v + twoQ, twoQ);
            a[j] = lowerBelow(sum * nInv - ((sum * nInvShoup) >>> 32) * q, q);
            a[j + t] = lowerBelow(d * nw - ((d * nwShoup) >>> 32) * q, q);
        }
    }

    @Override
    public void add(long[] a, long[] b, long[] out, Modulus m) {
        long q = m.value();
        for (int i = 0; i < out.length; i++) {
            long s = a[i] + b[i];
            out[i] = s >= q ? s - q : s;
        }
    }

    @Override
    public void sub(long[] a, long[] b, long[] out, Modulus m) {
        long q = m.value();
        for (int i = 0; i < out.length; i++) {
            long d = a[i] - b[i];
            out[i] = d < 0 ? d + q : d;
        }
    }

    @Override
    public void negate(long[] a, long[] out, Modulus m) {
        long q = m.value();
        for (int i = 0; i < out.length; i++) {
            out[i] = a[i] == 0 ? 0 : q - a[i];
        }
    }

    @Override
    public void mul(long[] a, long[] b, long[] out, Modulus m) {
        for (int i = 0; i < out.length; i++) {
            out[i] = m.reduce(a[i] * b[i]);
        }
    }

    @Override
    public void mulAdd(long[] a, long[] b, long[] acc, Modulus m) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] = m.reduce(a[i] * b[i] + acc[i]);
        }
    }

    @Override
    public void mulScalar(long[] a, long s, long[] out, Modulus m) {
        long q = m.value();
        long sShoup = m.shoup(s);
        for (int i = 0; i < out.length; i++) {
            long x = a[i];
            long r = x * s - ((x * sShoup) >>> 32) * q;
            out[i] = r >= q ? r - q : r;
        }
    }

    @Override
    public void addScalar(long[] a, long s, long[] out, Modulus m) {
        long q = m.value();
        for (int i = 0; i < out.length; i++) {
            long x = a[i] + s;
            out[i] = x >= q ? x - q : x;
        }
    }

    @Override
    public void subMulScalar(long[] a, long[] b, long s, long[] out, Modulus m) {
        long q = m.value();
        long sShoup = m.shoup(s);
        for (int i = 0; i < out.length; i++) {
            long d = a[i] - b[i] + q;
            long r = d * s - ((d * sShoup) >>> 32) * q;
            out[i] = r >= q ? r - q : r;
        }
    }

    @Override
    public void permute(long[] a, int[] perm, long[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] = a[perm[i]];
        }
    }

    /** Limb by limb rather than coefficient by coefficient, so that every inner loop streams. */
    @Override
    public void convertBasis(long[][] in, long[][] out, BasisConverter c) {
        int k = c.fromSize();
        int n = in[0].length;
        long[] hatInv = c.qHatInverse();
        long[] hatInvShoup = c.qHatInverseShoup();
        long[][] hatModP = c.qHatModP();
        long[][] y = new long[k][n];
        for (int i = 0; i < k; i++) {
            Modulus q = c.from(i);
            long[] x = in[i];
            long[] yi = y[i];
            for (int t = 0; t < n; t++) {
                yi[t] = q.mulShoup(x[t], hatInv[i], hatInvShoup[i]);
            }
        }
        for (int j = 0; j < out.length; j++) {
            Modulus p = c.to(j);
            long pv = p.value();
            long[] hat = hatModP[j];
            long[] o = out[j];
            if (k > 1 << 20) {
                java.util.Arrays.fill(o, 0);
                for (int i = 0; i < k; i++) {
                    long h = hat[i];
                    long[] yi = y[i];
                    for (int t = 0; t < n; t++) {
                        o[t] = p.reduce(o[t] + yi[t] * h);
                    }
                }
                continue;
            }
            // y < 2^31 is a valid Shoup operand: each lazy term is below 2p < 2^32, so k of them
            // sum below 2^52 and one Barrett reduction per output suffices.
            java.util.Arrays.fill(o, 0);
            for (int i = 0; i < k; i++) {
                long h = hat[i];
                long hs = p.shoup(h);
                long[] yi = y[i];
                for (int t = 0; t < n; t++) {
                    long x = yi[t];
                    o[t] += x * h - ((x * hs) >>> 32) * pv;
                }
            }
            for (int t = 0; t < n; t++) {
                o[t] = p.reduce(o[t]);
            }
        }
    }
}
