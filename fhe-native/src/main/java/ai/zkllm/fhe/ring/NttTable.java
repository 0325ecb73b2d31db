package ai.zkllm.fhe.ring;

/**
 * Twiddle factors of the negacyclic NTT of length n modulo one prime q ≡ 1 (mod 2n).
 *
 * <p>ψ is fixed by q and n alone (g^((q-1)/2n) for the smallest generator g of Z_q^*), so every
 * party and every backend derives the same evaluation order and the same bytes.
 * {@code psiPowers[i] = ψ^brv(i)} and {@code inversePsiPowers[i] = ψ^-brv(i)}, brv being the
 * bit reversal on log2(n) bits; each has its Shoup companion floor(w · 2^32 / q).
 */
public final class NttTable {
    private final Modulus modulus;
    private final int n;
    private final int logN;
    private final long psi;
    private final long[] psiPowers;
    private final long[] psiPowersShoup;
    private final long[] inversePsiPowers;
    private final long[] inversePsiPowersShoup;
    private final long nInverse;
    private final long nInverseShoup;

    public NttTable(Modulus modulus, int n) {
        if (n < 2 || Integer.bitCount(n) != 1) {
            throw new IllegalArgumentException("NTT length must be a power of two, got " + n);
        }
        long q = modulus.value();
        if ((q - 1) % (2L * n) != 0) {
            throw new IllegalArgumentException("prime " + q + " is not 1 mod 2n for n = " + n);
        }
        this.modulus = modulus;
        this.n = n;
        this.logN = Integer.numberOfTrailingZeros(n);
        this.psi = modulus.pow(Primes.smallestGenerator(q), (q - 1) / (2L * n));
        long psiInverse = modulus.inverse(psi);
        this.psiPowers = new long[n];
        this.inversePsiPowers = new long[n];
        long power = 1;
        long inversePower = 1;
        for (int i = 0; i < n; i++) {
            int r = bitReverse(i, logN);
            psiPowers[r] = power;
            inversePsiPowers[r] = inversePower;
            power = modulus.mul(power, psi);
            inversePower = modulus.mul(inversePower, psiInverse);
        }
        this.psiPowersShoup = shoupAll(modulus, psiPowers);
        this.inversePsiPowersShoup = shoupAll(modulus, inversePsiPowers);
        this.nInverse = modulus.inverse(n);
        this.nInverseShoup = modulus.shoup(nInverse);
    }

    private static long[] shoupAll(Modulus m, long[] w) {
        long[] s = new long[w.length];
        for (int i = 0; i < w.length; i++) {
            s[i] = m.shoup(w[i]);
        }
        return s;
    }

    public static int bitReverse(int x, int bits) {
        return bits == 0 ? 0 : Integer.reverse(x) >>> (32 - bits);
    }

    public Modulus modulus() { return modulus; }
    public int n() { return n; }
    public int logN() { return logN; }
    public long psi() { return psi; }
    public long[] psiPowers() { return psiPowers; }
    public long[] psiPowersShoup() { return psiPowersShoup; }
    public long[] inversePsiPowers() { return inversePsiPowers; }
    public long[] inversePsiPowersShoup() { return inversePsiPowersShoup; }
    public long nInverse() { return nInverse; }
    public long nInverseShoup() { return nInverseShoup; }
}
