package ai.zkllm.fhe.ckks;

import ai.zkllm.fhe.ring.RnsPoly;

/** (b, a) over Q_L in NTT form with b = -a·s + e; a is expanded from {@link #seed()} (domain 0). */
public final class PublicKey {
    private final RnsPoly b;
    private final RnsPoly a;
    private final byte[] seed;

    public PublicKey(RnsPoly b, RnsPoly a, byte[] seed) {
        this.b = b;
        this.a = a;
        this.seed = seed.clone();
    }

    public RnsPoly b() { return b; }
    public RnsPoly a() { return a; }
    public byte[] seed() { return seed.clone(); }
}
