package ai.zkllm.fhe.ring;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ring Z[X]/(X^n+1) over a fixed chain of primes with their NTT tables, and the
 * multi-limb operations, all delegated to one {@link RingBackend} so that a native backend can
 * be swapped in. Limb i of a polynomial belongs to prime i of the chain unless an operation
 * takes an explicit list of prime indices.
 */
public final class RingContext {
    private final int n;
    private final int logN;
    private final RingBackend backend;
    private final Modulus[] moduli;
    private final NttTable[] tables;
    /** firstLimbs[c]: 0..c-1, the limbs of a polynomial of c limbs. */
    private final int[][] firstLimbs;
    private final ConcurrentHashMap<Integer, int[]> galoisPermutations = new ConcurrentHashMap<>();

    public RingContext(int logN, List<Long> primes, RingBackend backend) {
        this.logN = logN;
        this.n = 1 << logN;
        this.backend = backend;
        this.moduli = primes.stream().map(Modulus::new).toArray(Modulus[]::new);
        this.tables = new NttTable[moduli.length];
        for (int i = 0; i < moduli.length; i++) {
            tables[i] = new NttTable(moduli[i], n);
        }
        this.firstLimbs = new int[moduli.length + 1][];
        for (int c = 0; c <= moduli.length; c++) {
            firstLimbs[c] = java.util.stream.IntStream.range(0, c).toArray();
        }
    }

    public int n() { return n; }
    public int logN() { return logN; }
    public RingBackend backend() { return backend; }
    public int primeCount() { return moduli.length; }
    public Modulus modulus(int i) { return moduli[i]; }
    public NttTable table(int i) { return tables[i]; }

    /**
     * An integer polynomial of signed coefficients (|c| &lt; 2^61: a secret, an error, an encoding)
     * over primes 0..limbCount-1, in NTT form.
     */
    public RnsPoly fromSigned(long[] coefficients, int limbCount) {
        return fromSigned(new long[][] {coefficients}, limbCount)[0];
    }

    /** {@link #fromSigned(long[], int)} of each row, in the operations of one (a matrix's diagonals). */
    public RnsPoly[] fromSigned(long[][] coefficients, int limbCount) {
        RnsPoly[] ps = new RnsPoly[coefficients.length];
        for (int p = 0; p < ps.length; p++) {
            ps[p] = RnsPoly.zero(limbCount, n, false);
        }
        if (ps.length == 0) {
            return ps;
        }
        backend.fromSigned(coefficients, ps, tables);
        backend.ntt(ps, firstLimbs[limbCount], tables);
        for (RnsPoly p : ps) {
            p.setNtt(true);
        }
        return ps;
    }

    public void ntt(RnsPoly p) {
        requireDomain(p, false, "ntt");
        backend.ntt(p, firstLimbs[p.limbCount()], tables);
        p.setNtt(true);
    }

    public void inverseNtt(RnsPoly p) {
        requireDomain(p, true, "inverseNtt");
        backend.inverseNtt(p, firstLimbs[p.limbCount()], tables);
        p.setNtt(false);
    }

    /** out = a + b over the limbs of out. */
    public void add(RnsPoly a, RnsPoly b, RnsPoly out) {
        backend.add(a, b, out, tables);
    }

    public void sub(RnsPoly a, RnsPoly b, RnsPoly out) {
        backend.sub(a, b, out, tables);
    }

    /** out[i] = a[i] + b[i] over the limbs of out[i], every i at once (a ciphertext's polynomials). */
    public void add(RnsPoly[] a, RnsPoly[] b, RnsPoly[] out) {
        backend.add(a, b, out, tables);
    }

    /** out[i] = a[i] - b[i], every i at once. */
    public void sub(RnsPoly[] a, RnsPoly[] b, RnsPoly[] out) {
        backend.sub(a, b, out, tables);
    }

    public void negate(RnsPoly a, RnsPoly out) {
        backend.negate(a, out, tables);
    }

    /** out = a · b pointwise; both in NTT form. */
    public void mul(RnsPoly a, RnsPoly b, RnsPoly out) {
        backend.mul(a, b, out, tables);
    }

    /** acc += a · b pointwise; all in NTT form. */
    public void mulAdd(RnsPoly a, RnsPoly b, RnsPoly acc) {
        backend.mulAdd(a, b, acc, tables);
    }

    /**
     * For each sum g, out0[g] = Σ_k shared[g][k] · a[g][k], out1[g] = Σ_k shared[g][k] · b[g][k] over the
     * limbs of the outputs, all of one count ({@link RingBackend#productSums}): all in NTT form, at least one
     * term each, the outputs distinct and aliasing nothing; in one backend operation.
     */
    public void productSums(RnsPoly[][] shared, RnsPoly[][] a, RnsPoly[][] b, RnsPoly[] out0, RnsPoly[] out1) {
        Set<RnsPoly> outputs = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int g = 0; g < shared.length; g++) {
            if (shared[g].length == 0 || a[g].length != shared[g].length || b[g].length != shared[g].length) {
                throw new IllegalArgumentException("productSums: " + shared[g].length + ", " + a[g].length + " and "
                        + b[g].length + " terms; needs as many of each, at least one");
            }
            if (out0[g].limbCount() != out0[0].limbCount() || out1[g].limbCount() != out0[0].limbCount()) {
                throw new IllegalArgumentException("productSums: outputs of " + out0[0].limbCount() + " and "
                        + out0[g].limbCount() + " limbs");
            }
            if (!outputs.add(out0[g]) || !outputs.add(out1[g])) {
                throw new IllegalArgumentException("productSums: an output listed twice");
            }
        }
        if (shared.length > 0) {
            backend.productSums(shared, a, b, out0, out1, tables);
        }
    }

    /** out = a · c for a signed integer constant c. */
    public void mulInteger(RnsPoly a, long c, RnsPoly out) {
        long[] residues = new long[out.limbCount()];
        for (int i = 0; i < residues.length; i++) {
            residues[i] = moduli[i].reduceSigned(c);
        }
        backend.mulScalars(a, residues, out, tables);
    }

    /** out = a · c for per-limb residues c[i] of a constant; a in NTT form or not. */
    public void mulConstant(RnsPoly a, long[] residues, RnsPoly out) {
        backend.mulScalars(a, residues, out, tables);
    }

    /** out = a + c for per-limb residues c[i] of a constant; a in NTT form (a constant is flat there). */
    public void addConstant(RnsPoly a, long[] residues, RnsPoly out) {
        requireDomain(a, true, "addConstant");
        backend.addScalars(a, residues, out, tables);
    }

    /** out = a(X^g) for a in NTT form; out must not alias a. */
    public void automorphism(RnsPoly a, int galoisElement, RnsPoly out) {
        requireDomain(a, true, "automorphism");
        backend.permute(a, galoisPermutation(galoisElement), out);
        out.setNtt(true);
    }

    /** A new polynomial: the first {@code count} limbs of p (NTT form) in the coefficient domain; p is unchanged. */
    public RnsPoly coefficients(RnsPoly p, int count) {
        return coefficients(new RnsPoly[] {p}, count)[0];
    }

    /** {@link #coefficients(RnsPoly, int)} of each of ps (distinct), in the operations of one. */
    public RnsPoly[] coefficients(RnsPoly[] ps, int count) {
        RnsPoly[] out = new RnsPoly[ps.length];
        for (int p = 0; p < ps.length; p++) {
            requireDomain(ps[p], true, "coefficients");
            out[p] = RnsPoly.zero(count, n, false);
        }
        if (ps.length > 0) {
            backend.inverseNtt(ps, out, firstLimbs[count], tables);
        }
        return out;
    }

    /** A new polynomial: the first {@code count} limbs of p (all of them to copy it). */
    public RnsPoly prefix(RnsPoly p, int count) {
        RnsPoly out = RnsPoly.zero(count, n, p.isNtt());
        backend.copy(p, 0, out, 0, count);
        return out;
    }

    /**
     * New polynomials: each of as (NTT form, all with as many limbs) divided by the prime of its last
     * limb, rounded, with inverses[i] that prime's inverse mod q_i; in one backend operation.
     */
    public RnsPoly[] rescale(RnsPoly[] as, long[] inverses) {
        RnsPoly[] outs = new RnsPoly[as.length];
        for (int p = 0; p < as.length; p++) {
            requireDomain(as[p], true, "rescale");
            if (as[p].limbCount() != as[0].limbCount()) {
                throw new IllegalArgumentException("rescale: polynomials of " + as[0].limbCount() + " and "
                        + as[p].limbCount() + " limbs in one batch");
            }
            outs[p] = RnsPoly.zero(as[p].limbCount() - 1, n, true);
        }
        if (as.length > 0) {
            backend.rescale(as, inverses, outs, tables);
        }
        return outs;
    }

    /**
     * The NTT-domain index permutation of X -&gt; X^g (g odd). Slot i holds the evaluation at
     * ψ^e with e = 2·brv(i)+1; after the automorphism it must hold a(ψ^(g·e)), which slot
     * brv((g·e mod 2n - 1)/2) holds. The map does not depend on the prime, so it is cached per g.
     */
    public int[] galoisPermutation(int galoisElement) {
        if ((galoisElement & 1) == 0 || galoisElement <= 0 || galoisElement >= 2 * n) {
            throw new IllegalArgumentException("galois element must be odd in (0, 2n): " + galoisElement);
        }
        return galoisPermutations.computeIfAbsent(galoisElement, g -> {
            int mask = 2 * n - 1;
            int[] perm = new int[n];
            for (int i = 0; i < n; i++) {
                long e = 2L * NttTable.bitReverse(i, logN) + 1;
                int image = (int) ((e * g) & mask);
                perm[i] = NttTable.bitReverse((image - 1) >>> 1, logN);
            }
            return perm;
        });
    }

    private static void requireDomain(RnsPoly p, boolean ntt, String op) {
        if (p.isNtt() != ntt) {
            throw new IllegalArgumentException(op + ": polynomial must be in the "
                    + (ntt ? "NTT" : "coefficient") + " domain");
        }
    }
}
