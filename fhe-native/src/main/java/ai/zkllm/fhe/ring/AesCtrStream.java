package ai.zkllm.fhe.ring;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A deterministic stream of 32-bit words: AES-256 in CTR mode keyed by a 32-byte seed, read as
 * little-endian words. The 16-byte initial counter block is the domain: callers put in it what
 * separates one expansion of a seed from another (see {@link UniformSampler}).
 */
final class AesCtrStream {
    private static final int CHUNK_BYTES = 1 << 14;

    private final Cipher cipher;
    private final byte[] zeros = new byte[CHUNK_BYTES];
    private final ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);

    AesCtrStream(byte[] seed, byte[] counterBlock) {
        if (seed.length != 32) {
            throw new IllegalArgumentException("seed must be 32 bytes, got " + seed.length);
        }
        try {
            cipher = Cipher.getInstance("AES/CTR/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(seed, "AES"), new IvParameterSpec(counterBlock));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-CTR unavailable", e);
        }
        chunk.limit(0);
    }

    /** The next word, as an unsigned value in [0, 2^32). */
    long nextWord() {
        if (!chunk.hasRemaining()) {
            refill();
        }
        return chunk.getInt() & 0xFFFFFFFFL;
    }

    /** The next 64 bits. */
    long nextLong() {
        return nextWord() | (nextWord() << 32);
    }

    private void refill() {
        try {
            chunk.clear();
            cipher.update(zeros, 0, CHUNK_BYTES, chunk.array(), 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-CTR failed", e);
        }
    }
}
