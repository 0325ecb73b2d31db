package ai.zkllm.fhe.ckks;

import ai.zkllm.fhe.ring.RingContext;
import ai.zkllm.fhe.ring.RnsPoly;

/** Decrypts Σ c_i·s^i, for ciphertexts of 2 or 3 polynomials. */
public final class Decryptor {
    private final RingContext ring;
    private final SecretKey secretKey;

    public Decryptor(CkksContext context, SecretKey secretKey) {
        this.ring = context.ring();
        this.secretKey = secretKey;
    }

    public Plaintext decrypt(Ciphertext ct) {
        int limbs = ct.level() + 1;
        RnsPoly s = secretKey.poly();
        // Horner in s: ((c_{k-1}·s + c_{k-2})·s + ...) + c_0.
        RnsPoly m = ct.poly(ct.size() - 1).prefix(limbs);
        for (int i = ct.size() - 2; i >= 0; i--) {
            ring.mul(m, s, m);
            ring.add(m, ct.poly(i), m);
        }
        return new Plaintext(m, ct.level(), ct.scale());
    }
}
