package ai.zkllm.fhe.ckks;

import ai.zkllm.fhe.ring.Modulus;
import ai.zkllm.fhe.ring.NoiseSampler;
import ai.zkllm.fhe.ring.RingBackend;
import ai.zkllm.fhe.ring.RingContext;
import ai.zkllm.fhe.ring.RnsPoly;
import ai.zkllm.fhe.ring.UniformSampler;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;

/**
 * Generates the secret key and the public keys derived from it. All randomness (secret, errors,
 * seeds of the uniform halves) comes from the given CSPRNG, so a seeded SecureRandom gives
 * reproducible keys in tests.
 */
public final class KeyGenerator {
    private final CkksContext context;
    private final RingContext ring;
    private final NoiseSampler noise;

    public KeyGenerator(CkksContext context, SecureRandom random) {
        this.context = context;
        this.ring = context.ring();
        this.noise = new NoiseSampler(random, context.backend());
    }

    /** A fresh ternary secret. */
    public SecretKey secretKey() {
        return new SecretKey(ring.fromSigned(noise.ternary(ring.n()), context.qpLimbCount()));
    }

    /** (b, a) = (-a·s + e, a) over Q_L. */
    public PublicKey publicKey(SecretKey sk) {
        byte[] seed = noise.seed();
        int limbs = context.maxLevel() + 1;
        RnsPoly a = UniformSampler.sampleNtt(seed, 0, ring, limbs);
        return new PublicKey(encryptZero(a, sk, limbs), a, seed);
    }

    public RelinearizationKey relinearizationKey(SecretKey sk) {
        RnsPoly s = sk.poly();
        RnsPoly square = RnsPoly.zero(s.limbCount(), ring.n(), true);
        ring.mul(s, s, square);
        return new RelinearizationKey(switchingKey(square, sk));
    }

    /** Keys for left rotations by each of {@code steps} and, if asked, for conjugation. */
    public GaloisKeys galoisKeys(SecretKey sk, int[] steps, boolean conjugation) {
        Map<Integer, SwitchingKey> keys = new HashMap<>();
        for (int k : steps) {
            keys.computeIfAbsent(context.galoisElementForRotation(k), g -> galoisKey(sk, g));
        }
        if (conjugation) {
            int g = context.galoisElementForConjugation();
            keys.computeIfAbsent(g, e -> galoisKey(sk, e));
        }
        keys.remove(1); // rotation by a multiple of the slot count is the identity
        return new GaloisKeys(keys);
    }

    /** Relinearization key plus Galois keys for {@code steps} and conjugation. */
    public EvaluationKeys evaluationKeys(SecretKey sk, int... steps) {
        return new EvaluationKeys(relinearizationKey(sk), galoisKeys(sk, steps, true));
    }

    private SwitchingKey galoisKey(SecretKey sk, int galoisElement) {
        RnsPoly s = sk.poly();
        RnsPoly permuted = RnsPoly.zero(s.limbCount(), ring.n(), true);
        ring.automorphism(s, galoisElement, permuted);
        return switchingKey(permuted, sk);
    }

    /** Digit j: (-a_j·s + e_j + P·[Q̃_j]·from, a_j) over QP, a_j expanded from one seed with domain j. */
    private SwitchingKey switchingKey(RnsPoly from, SecretKey sk) {
        KeySwitcher switcher = context.keySwitcher();
        RingBackend backend = ring.backend();
        int digits = context.keySwitchDigits();
        int alpha = context.specialCount();
        int limbs = context.qpLimbCount();
        byte[] seed = noise.seed();
        RnsPoly[] b = new RnsPoly[digits];
        RnsPoly[] a = new RnsPoly[digits];
        long[] gadget = new long[ring.n()];
        for (int j = 0; j < digits; j++) {
            a[j] = UniformSampler.sampleNtt(seed, j, ring, limbs);
            b[j] = encryptZero(a[j], sk, limbs);
            for (int i = j * alpha; i < Math.min((j + 1) * alpha, context.maxLevel() + 1); i++) {
                Modulus q = ring.modulus(i);
                backend.mulScalar(from.limb(i), switcher.pModQ(i), gadget, q);
                backend.add(b[j].limb(i), gadget, b[j].limb(i), q);
            }
        }
        return new SwitchingKey(b, a, seed);
    }

    /** -a·s + e over the first {@code limbs} primes. */
    private RnsPoly encryptZero(RnsPoly a, SecretKey sk, int limbs) {
        RnsPoly b = ring.fromSigned(noise.gaussian(ring.n()), limbs);
        RnsPoly as = RnsPoly.zero(limbs, ring.n(), true);
        ring.mul(a, sk.poly(), as);
        ring.sub(b, as, b);
        return b;
    }
}
