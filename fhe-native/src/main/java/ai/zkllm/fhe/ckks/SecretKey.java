package ai.zkllm.fhe.ckks;

import ai.zkllm.fhe.ring.RnsPoly;

/** The ternary secret s over all primes of QP, in NTT form. Never leaves the client. */
public final class SecretKey {
    private final RnsPoly s;

    public SecretKey(RnsPoly s) {
        this.s = s;
    }

    public RnsPoly poly() { return s; }
}
