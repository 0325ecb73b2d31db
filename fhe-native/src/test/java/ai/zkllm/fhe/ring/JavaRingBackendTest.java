package ai.zkllm.fhe.ring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JavaRingBackendTest {
    private final RingBackend backend = new JavaRingBackend();

    @Test
    void nttMatchesEvaluationAtOddPowersOfPsiAndInverts() {
        int n = 64;
        for (int bits : new int[] {20, 30, 31}) {
            Modulus q = new Modulus(Primes.nttPrimesBelow(bits, n, 1, List.of()).get(0));
            NttTable table = new NttTable(q, n);
            long[] a = random(n, q.value(), bits);
            long[] expected = new long[n];
            for (int i = 0; i < n; i++) {
                long root = q.pow(table.psi(), 2L * NttTable.bitReverse(i, table.logN()) + 1);
                long acc = 0;
                for (int j = n - 1; j >= 0; j--) {
                    acc = q.add(q.mul(acc, root), a[j]);
                }
                expected[i] = acc;
            }
            long[] b = a.clone();
            backend.ntt(b, table);
            assertArrayEquals(expected, b, "forward NTT mod " + q);
            backend.inverseNtt(b, table);
            assertArrayEquals(a, b, "inverse NTT mod " + q);
        }
    }

    @Test
    void convertBasisIsExactForSmallValues() {
        int n = 16;
        List<Long> qs = Primes.nttPrimesBelow(30, n, 3, List.of());
        List<Long> ps = Primes.nttPrimesBelow(31, n, 2, List.of());
        Modulus[] from = qs.stream().map(Modulus::new).toArray(Modulus[]::new);
        Modulus[] to = ps.stream().map(Modulus::new).toArray(Modulus[]::new);
        long[][] in = new long[3][n];
        long[] values = random(n, 1L << 40, 7);
        for (int i = 0; i < 3; i++) {
            for (int x = 0; x < n; x++) {
                in[i][x] = values[x] % qs.get(i);
            }
        }
        long[][] out = new long[2][n];
        backend.convertBasis(in, out, new BasisConverter(from, to));
        // Fast conversion yields x + u·Q with 0 <= u < k; check that form exactly.
        java.math.BigInteger bigQ = java.math.BigInteger.ONE;
        for (long qi : qs) {
            bigQ = bigQ.multiply(java.math.BigInteger.valueOf(qi));
        }
        for (int j = 0; j < 2; j++) {
            for (int x = 0; x < n; x++) {
                boolean matched = false;
                for (int u = 0; u < 3; u++) {
                    long want = java.math.BigInteger.valueOf(values[x]).add(bigQ.multiply(java.math.BigInteger.valueOf(u)))
                            .mod(java.math.BigInteger.valueOf(ps.get(j))).longValueExact();
                    matched |= want == out[j][x];
                }
                assertArrayEquals(new boolean[] {true}, new boolean[] {matched}, "coefficient " + x + " limb " + j);
            }
        }
    }

    private static long[] random(int n, long bound, long seed) {
        Random r = new Random(seed);
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = Math.floorMod(r.nextLong(), bound);
        }
        return a;
    }
}
