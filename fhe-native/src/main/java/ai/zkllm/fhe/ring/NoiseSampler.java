package ai.zkllm.fhe.ring;

import java.security.SecureRandom;

/**
 * Secret and error polynomials: ternary secrets and discrete-Gaussian errors (σ = 3.2, tails cut
 * at 6σ). Each call draws a fresh 32-byte key from the given CSPRNG and expands it with
 * AES-256-CTR (itself a CSPRNG), which is much faster than pulling every word from a
 * SecureRandom and keeps runs reproducible when a test seeds that SecureRandom.
 */
public final class NoiseSampler {
    public static final double SIGMA = 3.2;
    public static final int BOUND = (int) (6 * SIGMA);

    /** cumulative[k] = round(2^62 · P(X ≤ k - BOUND)) for the Gaussian restricted to [-BOUND, BOUND]. */
    private static final long[] CUMULATIVE = cumulativeTable();

    /** guide[b]: the first k with CUMULATIVE[k] &gt; b·2^54, where the search for u in [b·2^54, (b+1)·2^54) starts. */
    private static final int[] GUIDE = guideTable();

    private final SecureRandom random;
    private final boolean nativeAes;

    public NoiseSampler(SecureRandom random) {
        this(random, null);
    }

    /** The same samples, with the AES keystream from the native library when {@code backend} is native. */
    public NoiseSampler(SecureRandom random, RingBackend backend) {
        this.random = random;
        this.nativeAes = backend instanceof NativeRingBackend && NativeRingBackend.hasAesNi();
    }

    /** n coefficients uniform in {-1, 0, 1}. */
    public long[] ternary(int n) {
        AesCtrStream stream = freshStream();
        long[] out = new long[n];
        for (int j = 0; j < n; ) {
            long w = stream.nextWord();
            // Four bytes per word; a byte of 255 is rejected so that 0..254 maps evenly onto 3 values.
            for (int b = 0; b < 4 && j < n; b++, w >>>= 8) {
                int v = (int) (w & 0xFF);
                if (v < 255) {
                    out[j++] = v % 3 - 1;
                }
            }
        }
        return out;
    }

    /** n coefficients from the discrete Gaussian of width σ, by inversion of the cumulative table. */
    public long[] gaussian(int n) {
        AesCtrStream stream = freshStream();
        long[] out = new long[n];
        stream.nextLongs(out);
        for (int j = 0; j < n; j++) {
            long u = out[j] >>> 2;
            int k = GUIDE[(int) (u >>> 54)];
            while (u >= CUMULATIVE[k]) {
                k++;
            }
            out[j] = k - BOUND;
        }
        return out;
    }

    /** A fresh 32-byte seed for {@link UniformSampler}. */
    public byte[] seed() {
        byte[] seed = new byte[32];
        random.nextBytes(seed);
        return seed;
    }

    private AesCtrStream freshStream() {
        return new AesCtrStream(seed(), new byte[16], nativeAes);
    }

    private static int[] guideTable() {
        int[] guide = new int[256];
        for (int b = 0; b < guide.length; b++) {
            long low = (long) b << 54;
            int k = 0;
            while (CUMULATIVE[k] <= low) {
                k++;
            }
            guide[b] = k;
        }
        return guide;
    }

    private static long[] cumulativeTable() {
        double[] weight = new double[2 * BOUND + 1];
        double total = 0;
        for (int x = -BOUND; x <= BOUND; x++) {
            weight[x + BOUND] = Math.exp(-(double) x * x / (2 * SIGMA * SIGMA));
            total += weight[x + BOUND];
        }
        long[] cumulative = new long[weight.length];
        double running = 0;
        for (int k = 0; k < weight.length; k++) {
            running += weight[k];
            cumulative[k] = Math.round(running / total * 0x1p62);
        }
        cumulative[weight.length - 1] = Long.MAX_VALUE; // every u < 2^62 stops at the last entry
        return cumulative;
    }
}
