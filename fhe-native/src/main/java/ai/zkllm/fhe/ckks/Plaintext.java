package ai.zkllm.fhe.ckks;

import ai.zkllm.fhe.ring.RnsPoly;

/** An encoded message: a polynomial over Q_level in NTT form, with its scale. */
public record Plaintext(RnsPoly poly, int level, double scale) {
    public Plaintext {
        if (poly.limbCount() != level + 1 || !poly.isNtt()) {
            throw new IllegalArgumentException("plaintext at level " + level + " needs " + (level + 1)
                    + " limbs in NTT form, got " + poly.limbCount() + (poly.isNtt() ? "" : " (coefficient form)"));
        }
    }
}
