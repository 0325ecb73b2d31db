package ai.zkllm.fhe.ckks;

import ai.zkllm.fhe.ring.Modulus;
import ai.zkllm.fhe.ring.RingBackend;
import ai.zkllm.fhe.ring.RingBackends;
import ai.zkllm.fhe.ring.RingContext;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Parameters bound to a ring backend, with every precomputed table the engine needs: NTT
 * tables for all primes (chain Q first, then the special primes P), rescaling constants and the
 * key-switching basis converters. Build once and share: it is immutable and thread-safe.
 */
public final class CkksContext {
    private final Parameters params;
    private final RingContext ring;
    private final KeySwitcher keySwitcher;
    /** rescaleInverse[l][i] = q_l^-1 mod q_i for i &lt; l. */
    private final long[][] rescaleInverse;
    /** log2 of q_0···q_l per level l (every encoding checks its values against it). */
    private final double[] logQ;
    private volatile Encoder encoder;

    /** A context on {@link RingBackends#preferred()}: native kernels when they load, else Java. */
    public CkksContext(Parameters params) {
        this(params, RingBackends.preferred());
    }

    public CkksContext(Parameters params, RingBackend backend) {
        this.params = params;
        List<Long> primes = new ArrayList<>(params.qPrimes());
        primes.addAll(params.pPrimes());
        this.ring = new RingContext(params.logN(), primes, backend);
        int levels = params.maxLevel() + 1;
        rescaleInverse = new long[levels][];
        for (int l = 0; l < levels; l++) {
            rescaleInverse[l] = new long[l];
            for (int i = 0; i < l; i++) {
                rescaleInverse[l][i] = ring.modulus(i).inverse(params.qPrimes().get(l));
            }
        }
        logQ = new double[levels];
        double sum = 0;
        for (int l = 0; l < levels; l++) {
            sum += Math.log(params.qPrimes().get(l)) / Math.log(2);
            logQ[l] = sum;
        }
        this.keySwitcher = new KeySwitcher(this);
    }

    public Parameters params() { return params; }

    /** The encoder of this context (its tables are immutable, so one is shared by every caller). */
    public Encoder encoder() {
        Encoder e = encoder;
        if (e == null) {
            synchronized (this) {
                if (encoder == null) {
                    encoder = new Encoder(this);
                }
                e = encoder;
            }
        }
        return e;
    }
    public RingContext ring() { return ring; }
    public RingBackend backend() { return ring.backend(); }
    public int maxLevel() { return params.maxLevel(); }
    public int slots() { return params.slots(); }

    /** Index in the ring of the first special prime; Q primes are 0..maxLevel. */
    public int firstSpecialIndex() { return params.maxLevel() + 1; }

    /** Digits of a switching key generated at the top level: what every key carries on the wire. */
    public int keySwitchDigits() {
        return keySwitcher.digitCount(params.maxLevel());
    }

    public int specialCount() { return params.alpha(); }

    /** All limbs of a polynomial over QP. */
    public int qpLimbCount() { return ring.primeCount(); }

    public Modulus qModulus(int i) { return ring.modulus(i); }

    long[] rescaleInverse(int level) { return rescaleInverse[level]; }

    KeySwitcher keySwitcher() { return keySwitcher; }

    /** log2 of Q_level = q_0 · ... · q_level. */
    public double logQ(int level) {
        return logQ[level];
    }

    /** The galois element 5^k mod 2N of a left rotation of the slots by k (k may be negative). */
    public int galoisElementForRotation(int k) {
        int slots = params.slots();
        int steps = Math.floorMod(k, slots);
        return BigInteger.valueOf(5).modPow(BigInteger.valueOf(steps), BigInteger.valueOf(2L * params.n())).intValue();
    }

    /** The galois element 2N - 1 of complex conjugation of the slots. */
    public int galoisElementForConjugation() {
        return 2 * params.n() - 1;
    }
}
