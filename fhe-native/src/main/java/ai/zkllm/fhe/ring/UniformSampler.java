package ai.zkllm.fhe.ring;

import java.nio.ByteBuffer;

/**
 * Uniform polynomials expanded from a public 32-byte seed, so that keys and fresh ciphertexts
 * can be stored as seed + one polynomial.
 *
 * <p>Each limb is its own AES-256-CTR stream (key = seed) whose initial counter block is
 * {@code domain (4 bytes, big-endian) ‖ prime q (8 bytes, big-endian) ‖ 0 (4 bytes)}: the domain
 * separates polynomials expanded from one seed (digit index of a switching key, 0 for a public
 * key or ciphertext), the prime separates limbs, and the low 4 bytes count blocks. Words are
 * masked to bits(q) and rejected until below q. The values are taken as the NTT form directly:
 * the NTT is a bijection, so they are just as uniform there.
 */
public final class UniformSampler {
    private UniformSampler() {
    }

    /** A uniform polynomial in NTT form over primes 0..limbCount-1 of the ring. */
    public static RnsPoly sampleNtt(byte[] seed, int domain, RingContext ring, int limbCount) {
        RnsPoly out = RnsPoly.zero(limbCount, ring.n(), true);
        RingBackend backend = ring.backend();
        for (int i = 0; i < limbCount; i++) {
            Modulus q = ring.modulus(i);
            byte[] counterBlock = ByteBuffer.allocate(16).putInt(domain).putLong(q.value()).putInt(0).array();
            backend.sampleUniform(seed, counterBlock, q, out.limb(i));
        }
        return out;
    }

    /** The reference expansion of {@link RingBackend#sampleUniform}, on javax.crypto's AES. */
    static void expandWithCipher(byte[] seed, byte[] counterBlock, Modulus q, long[] limb) {
        AesCtrStream stream = new AesCtrStream(seed, counterBlock);
        long mask = (1L << q.bits()) - 1;
        long qv = q.value();
        for (int j = 0; j < limb.length; ) {
            long w = stream.nextWord() & mask;
            if (w < qv) {
                limb[j++] = w;
            }
        }
    }
}
