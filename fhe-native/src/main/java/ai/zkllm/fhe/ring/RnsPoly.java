package ai.zkllm.fhe.ring;

/**
 * A polynomial of Z[X]/(X^n+1) in RNS form: one limb of residues per prime of some basis, in
 * the NTT (evaluation) domain or the coefficient domain. For polynomials over q_0..q_l the
 * level is l = limbs - 1. The owner of the basis (a {@link RingContext}) says which prime each
 * limb belongs to.
 *
 * <p>A backend that computes off the heap (a GPU) may hold a polynomial's current residues
 * itself between ring operations ({@link DeviceCopy}). {@link #limbs} and {@link #limb} bring
 * them back first and make the heap arrays the only copy again, so code outside the ring layer
 * always reads and writes current residues; an array they return is current until the next ring
 * operation on this polynomial.
 */
public final class RnsPoly {
    private final int limbCount;
    private final int n;
    /** Null until first needed for a {@link #zero} polynomial: one computed on a device may never need them. */
    private volatile long[][] limbs;
    private boolean ntt;
    /** Non-null while a backend holds the current residues and the heap arrays may be stale. */
    private volatile DeviceCopy device;
    /** Made by {@link #zero} and never handed out since: the heap arrays are all zero. */
    private volatile boolean untouchedZero;

    public RnsPoly(long[][] limbs, boolean ntt) {
        this(limbs.length, limbs.length == 0 ? 0 : limbs[0].length, ntt);
        this.limbs = limbs;
    }

    private RnsPoly(int limbCount, int n, boolean ntt) {
        this.limbCount = limbCount;
        this.n = n;
        this.ntt = ntt;
    }

    /** A zero polynomial with {@code limbCount} limbs of length n. */
    public static RnsPoly zero(int limbCount, int n, boolean ntt) {
        RnsPoly p = new RnsPoly(limbCount, n, ntt);
        p.untouchedZero = true;
        return p;
    }

    /** The residues, on the heap and current (see the class comment). */
    public long[][] limbs() {
        toHeap();
        return heapLimbs();
    }

    /** Limb i, on the heap and current (see the class comment). */
    public long[] limb(int i) {
        toHeap();
        return heapLimbs()[i];
    }

    public int limbCount() { return limbCount; }
    public int n() { return n; }
    public int level() { return limbCount - 1; }
    public boolean isNtt() { return ntt; }

    void setNtt(boolean ntt) {
        this.ntt = ntt;
    }

    /** The heap arrays as they are, stale or not: for a backend that moves them itself. */
    long[][] heapLimbs() {
        long[][] arrays = limbs;
        if (arrays == null) {
            synchronized (this) {
                if (limbs == null) {
                    limbs = new long[limbCount][n];
                }
                arrays = limbs;
            }
        }
        return arrays;
    }

    DeviceCopy device() {
        return device;
    }

    void setDevice(DeviceCopy device) {
        untouchedZero = false;  // held or brought back, the heap is no longer known to be zero
        this.device = device;
    }

    /** Whether the heap arrays are all zero because nobody could have written them yet (a backend may skip uploading them). */
    boolean isUntouchedZero() {
        return untouchedZero;
    }

    private void toHeap() {
        untouchedZero = false;
        DeviceCopy held = device;
        if (held != null) {
            held.toHeap(this);
        }
    }

    /** A deep copy. */
    public RnsPoly copy() {
        return prefix(limbCount);
    }

    /** A deep copy of the first {@code count} limbs (dropping the top primes), on the heap. */
    public RnsPoly prefix(int count) {
        long[][] current = limbs();
        long[][] out = new long[count][];
        for (int i = 0; i < count; i++) {
            out[i] = current[i].clone();
        }
        return new RnsPoly(out, ntt);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RnsPoly p && p.ntt == ntt && java.util.Arrays.deepEquals(p.limbs(), limbs());
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.deepHashCode(limbs()) * 31 + Boolean.hashCode(ntt);
    }

    /** A backend's copy of a polynomial's residues, held off the heap. */
    interface DeviceCopy {
        /** Copies the residues into {@code p}'s heap arrays if they are stale, then drops this copy. */
        void toHeap(RnsPoly p);
    }
}
