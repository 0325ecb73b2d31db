package ai.zkllm.fhe.ring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RingContextTest {
    private static final int LOG_N = 6;
    private final RingContext ring = new RingContext(LOG_N,
            Primes.nttPrimesBelow(30, 1 << LOG_N, 2, List.of()), new JavaRingBackend());

    @Test
    void galoisPermutationIsTheAutomorphismInTheNttDomain() {
        int n = ring.n();
        Random random = new Random(3);
        long[] coefficients = new long[n];
        for (int j = 0; j < n; j++) {
            coefficients[j] = random.nextInt(201) - 100;
        }
        for (int g : new int[] {5, 25, 2 * n - 1, 3}) {
            // X^j -> X^(g·j mod 2n), and X^n = -1 flips the sign.
            long[] expected = new long[n];
            for (int j = 0; j < n; j++) {
                int e = (int) ((long) g * j % (2 * n));
                expected[e % n] += e >= n ? -coefficients[j] : coefficients[j];
            }
            RnsPoly mapped = RnsPoly.zero(2, n, true);
            ring.automorphism(ring.fromSigned(coefficients, 2), g, mapped);
            ring.inverseNtt(mapped);
            RnsPoly want = ring.fromSigned(expected, 2);
            ring.inverseNtt(want);
            assertEquals(want, mapped, "automorphism X -> X^" + g);
        }
    }

    @Test
    void noiseIsBoundedAndReproducibleFromASeededRandom() throws NoSuchAlgorithmException {
        NoiseSampler first = new NoiseSampler(seeded(5));
        NoiseSampler second = new NoiseSampler(seeded(5));
        long[] ternary = first.ternary(4096);
        assertArrayEquals(ternary, second.ternary(4096));
        long[] gaussian = first.gaussian(1 << 15);
        assertArrayEquals(gaussian, second.gaussian(1 << 15));
        int[] ternaryCounts = new int[3];
        for (long t : ternary) {
            ternaryCounts[(int) t + 1]++;
        }
        for (int c : ternaryCounts) {
            assertTrue(Math.abs(c - 4096 / 3.0) < 200, "ternary counts " + java.util.Arrays.toString(ternaryCounts));
        }
        double sumSquares = 0;
        for (long e : gaussian) {
            assertTrue(Math.abs(e) <= NoiseSampler.BOUND);
            sumSquares += e * e;
        }
        double sigma = Math.sqrt(sumSquares / gaussian.length);
        assertEquals(NoiseSampler.SIGMA, sigma, 0.1, "empirical σ");
    }

    private static SecureRandom seeded(long seed) throws NoSuchAlgorithmException {
        SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(seed);
        return random;
    }
}
