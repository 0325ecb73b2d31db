package ai.zkllm.fhe.ring;

/**
 * A polynomial of Z[X]/(X^n+1) in RNS form: one limb of residues per prime of some basis, in
 * the NTT (evaluation) domain or the coefficient domain. For polynomials over q_0..q_l the
 * level is l = limbs - 1. The owner of the basis (a {@link RingContext}) says which prime each
 * limb belongs to.
 */
public final class RnsPoly {
    private final long[][] limbs;
    private boolean ntt;

    public RnsPoly(long[][] limbs, boolean ntt) {
        this.limbs = limbs;
        this.ntt = ntt;
    }

    /** A zero polynomial with {@code limbCount} limbs of length n. */
    public static RnsPoly zero(int limbCount, int n, boolean ntt) {
        return new RnsPoly(new long[limbCount][n], ntt);
    }

    public long[][] limbs() { return limbs; }
    public long[] limb(int i) { return limbs[i]; }
    public int limbCount() { return limbs.length; }
    public int n() { return limbs[0].length; }
    public int level() { return limbs.length - 1; }
    public boolean isNtt() { return ntt; }

    void setNtt(boolean ntt) {
        this.ntt = ntt;
    }

    /** A deep copy. */
    public RnsPoly copy() {
        return prefix(limbs.length);
    }

    /** A deep copy of the first {@code count} limbs (dropping the top primes). */
    public RnsPoly prefix(int count) {
        long[][] out = new long[count][];
        for (int i = 0; i < count; i++) {
            out[i] = limbs[i].clone();
        }
        return new RnsPoly(out, ntt);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RnsPoly p && p.ntt == ntt && java.util.Arrays.deepEquals(p.limbs, limbs);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.deepHashCode(limbs) * 31 + Boolean.hashCode(ntt);
    }
}
