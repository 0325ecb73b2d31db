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
    private final byte[] zeros;
    private final ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    /** Native AES-NI keystream instead of the Cipher (same bytes): key, next chunk's counter block. */
    private final byte[] nativeKey;
    private final byte[] nativeCounter;

    AesCtrStream(byte[] seed, byte[] counterBlock) {
        this(seed, counterBlock, false);
    }

    /** With {@code nativeAes} (only when {@link NativeRingBackend#hasAesNi()}) the C++ AES-NI code makes the stream. */
    AesCtrStream(byte[] seed, byte[] counterBlock, boolean nativeAes) {
        if (seed.length != 32) {
            throw new IllegalArgumentException("seed must be 32 bytes, got " + seed.length);
        }
        if (counterBlock.length != 16) {
            throw new IllegalArgumentException("counter block must be 16 bytes, got " + counterBlock.length);
        }
        if (nativeAes) {
            cipher = null;
            zeros = null;
            nativeKey = seed.clone();
            nativeCounter = counterBlock.clone();
        } else {
            nativeKey = null;
            nativeCounter = null;
            zeros = new byte[CHUNK_BYTES];
            try {
                cipher = Cipher.getInstance("AES/CTR/NoPadding");
                cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(seed, "AES"), new IvParameterSpec(counterBlock));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-256-CTR unavailable", e);
            }
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

    /** out.length successive {@link #nextLong} values, read in bulk. */
    void nextLongs(long[] out) {
        int j = 0;
        while (j < out.length) {
            if (!chunk.hasRemaining()) {
                refill();
            }
            int take = Math.min(out.length - j, chunk.remaining() / 8);
            if (take == 0) {
                out[j++] = nextLong(); // one word left in the chunk: straddle it
                continue;
            }
            // Little-endian: a long is its low word followed by its high word, as nextLong reads them.
            chunk.asLongBuffer().get(out, j, take);
            chunk.position(chunk.position() + 8 * take);
            j += take;
        }
    }

    private void refill() {
        if (nativeKey != null) {
            chunk.clear();
            NativeRingBackend.aesCtr(nativeKey, nativeCounter, chunk.array());
            addToCounter(nativeCounter, CHUNK_BYTES / 16);
            return;
        }
        try {
            chunk.clear();
            cipher.update(zeros, 0, CHUNK_BYTES, chunk.array(), 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-CTR failed", e);
        }
    }

    /** counter += blocks, as one big-endian 128-bit integer (how CTR mode advances it). */
    static void addToCounter(byte[] counter, long blocks) {
        long carry = blocks;
        for (int i = 15; i >= 0 && carry != 0; i--) {
            long sum = (counter[i] & 0xFF) + (carry & 0xFF);
            counter[i] = (byte) sum;
            carry = (carry >>> 8) + (sum >>> 8);
        }
    }
}
