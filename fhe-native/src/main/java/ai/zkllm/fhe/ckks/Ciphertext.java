package ai.zkllm.fhe.ckks;

import ai.zkllm.fhe.ring.RnsPoly;

/**
 * (c_0, c_1) or, straight after a multiplication, (c_0, c_1, c_2), over Q_level in NTT form,
 * decrypting to Σ c_i·s^i. A fresh symmetric encryption keeps the seed its c_1 was expanded
 * from, so it can be stored as (seed, c_0); every evaluator output has no seed.
 */
public final class Ciphertext {
    private final RnsPoly[] polys;
    private final int level;
    private final double scale;
    private final byte[] seed;

    public Ciphertext(RnsPoly[] polys, int level, double scale, byte[] seed) {
        if (polys.length < 2 || polys.length > 3) {
            throw new IllegalArgumentException("a ciphertext has 2 or 3 polynomials, got " + polys.length);
        }
        for (RnsPoly p : polys) {
            if (p.limbCount() != level + 1 || !p.isNtt()) {
                throw new IllegalArgumentException("ciphertext at level " + level + " needs " + (level + 1)
                        + " limbs in NTT form, got " + p.limbCount());
            }
        }
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("scale must be positive and finite, got " + scale);
        }
        this.polys = polys.clone();
        this.level = level;
        this.scale = scale;
        this.seed = seed == null ? null : seed.clone();
    }

    public Ciphertext(RnsPoly[] polys, int level, double scale) {
        this(polys, level, scale, null);
    }

    public int size() { return polys.length; }
    public RnsPoly poly(int i) { return polys[i]; }
    public int level() { return level; }
    public double scale() { return scale; }
    /** The 32-byte seed of c_1 for a fresh symmetric encryption, else null. */
    public byte[] seed() { return seed == null ? null : seed.clone(); }
}
