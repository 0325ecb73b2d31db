package ai.zkllm.fhe.ring;

/**
 * Constants of the fast basis extension from {q_0..q_{k-1}} to {p_0..p_{m-1}} (see
 * {@link RingBackend#convertBasis}): [(Q/q_i)^-1]_{q_i} and [Q/q_i]_{p_j}, with Shoup companions.
 */
public final class BasisConverter {
    private final Modulus[] from;
    private final Modulus[] to;
    private final long[] qHatInverse;
    private final long[] qHatInverseShoup;
    /** qHatModP[j][i] = [Q/q_i]_{p_j}. */
    private final long[][] qHatModP;

    public BasisConverter(Modulus[] from, Modulus[] to) {
        this.from = from.clone();
        this.to = to.clone();
        int k = from.length;
        qHatInverse = new long[k];
        qHatInverseShoup = new long[k];
        for (int i = 0; i < k; i++) {
            Modulus qi = from[i];
            long hat = 1;
            for (int l = 0; l < k; l++) {
                if (l != i) {
                    hat = qi.mul(hat, qi.reduce(from[l].value()));
                }
            }
            qHatInverse[i] = qi.inverse(hat);
            qHatInverseShoup[i] = qi.shoup(qHatInverse[i]);
        }
        qHatModP = new long[to.length][k];
        for (int j = 0; j < to.length; j++) {
            Modulus pj = to[j];
            for (int i = 0; i < k; i++) {
                long hat = 1;
                for (int l = 0; l < k; l++) {
                    if (l != i) {
                        hat = pj.mul(hat, pj.reduce(from[l].value()));
                    }
                }
                qHatModP[j][i] = hat;
            }
        }
    }

    public Modulus[] from() { return from.clone(); }
    public Modulus[] to() { return to.clone(); }
    public int fromSize() { return from.length; }
    public int toSize() { return to.length; }
    public Modulus from(int i) { return from[i]; }
    public Modulus to(int j) { return to[j]; }
    public long[] qHatInverse() { return qHatInverse; }
    public long[] qHatInverseShoup() { return qHatInverseShoup; }
    public long[][] qHatModP() { return qHatModP; }
}
