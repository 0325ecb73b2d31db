package ai.zkllm.fhe.ckks;

import ai.zkllm.fhe.ring.NoiseSampler;
import ai.zkllm.fhe.ring.RingContext;
import ai.zkllm.fhe.ring.RnsPoly;
import ai.zkllm.fhe.ring.UniformSampler;
import java.security.SecureRandom;

/**
 * Encrypts plaintexts, with the public key (anyone) or with the secret key (the client; c_1 is
 * expanded from a fresh seed kept on the ciphertext, so it can be sent at half size).
 */
public final class Encryptor {
    private final RingContext ring;
    private final PublicKey publicKey;
    private final SecretKey secretKey;
    private final NoiseSampler noise;

    public Encryptor(CkksContext context, PublicKey publicKey, SecureRandom random) {
        this(context, publicKey, null, random);
    }

    public Encryptor(CkksContext context, SecretKey secretKey, SecureRandom random) {
        this(context, null, secretKey, random);
    }

    private Encryptor(CkksContext context, PublicKey pk, SecretKey sk, SecureRandom random) {
        this.ring = context.ring();
        this.publicKey = pk;
        this.secretKey = sk;
        this.noise = new NoiseSampler(random, context.backend());
    }

    public Ciphertext encrypt(Plaintext pt) {
        return publicKey != null ? encryptPublic(pt) : encryptSymmetric(pt);
    }

    /** (b·u + e_0 + m, a·u + e_1) with a ternary u. */
    private Ciphertext encryptPublic(Plaintext pt) {
        int limbs = pt.level() + 1;
        RnsPoly u = ring.fromSigned(noise.ternary(ring.n()), limbs);
        RnsPoly c0 = ring.fromSigned(noise.gaussian(ring.n()), limbs);
        RnsPoly c1 = ring.fromSigned(noise.gaussian(ring.n()), limbs);
        ring.mulAdd(publicKey.b(), u, c0);
        ring.add(c0, pt.poly(), c0);
        ring.mulAdd(publicKey.a(), u, c1);
        return new Ciphertext(new RnsPoly[] {c0, c1}, pt.level(), pt.scale());
    }

    /** (-a·s + e + m, a) with a expanded from a fresh seed (domain 0). */
    private Ciphertext encryptSymmetric(Plaintext pt) {
        int limbs = pt.level() + 1;
        byte[] seed = noise.seed();
        RnsPoly a = UniformSampler.sampleNtt(seed, 0, ring, limbs);
        RnsPoly c0 = ring.fromSigned(noise.gaussian(ring.n()), limbs);
        RnsPoly as = RnsPoly.zero(limbs, ring.n(), true);
        ring.mul(a, secretKey.poly(), as);
        ring.sub(c0, as, c0);
        ring.add(c0, pt.poly(), c0);
        return new Ciphertext(new RnsPoly[] {c0, a}, pt.level(), pt.scale(), seed);
    }
}
