package ai.zkllm.fhe.ckks;

import ai.zkllm.fhe.ring.RnsPoly;

/**
 * A hybrid key-switching key from some s' to the secret s: per digit j, over QP and in NTT form,
 * (b_j, a_j) with b_j = -a_j·s + e_j + P·[Q̃_j]·s' where Q̃_j is the CRT idempotent of the j-th
 * group of α chain primes. Every a_j is expanded from {@link #seed()} (domain j), so storing the
 * seed and the b_j is enough.
 */
public final class SwitchingKey {
    private final RnsPoly[] b;
    private final RnsPoly[] a;
    private final byte[] seed;

    public SwitchingKey(RnsPoly[] b, RnsPoly[] a, byte[] seed) {
        if (b.length != a.length || b.length == 0) {
            throw new IllegalArgumentException("switching key needs as many b as a digits, got " + b.length + " and " + a.length);
        }
        this.b = b.clone();
        this.a = a.clone();
        this.seed = seed.clone();
    }

    public int digitCount() { return b.length; }
    public RnsPoly b(int digit) { return b[digit]; }
    public RnsPoly a(int digit) { return a[digit]; }
    public byte[] seed() { return seed.clone(); }
}
