package ai.zkllm.fhe.ring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The C++ kernels, AVX2 and scalar, must reproduce the Java reference bit for bit. */
class NativeRingBackendTest {
    private static final JavaRingBackend REFERENCE = new JavaRingBackend();
    private static final int[] PRIME_BITS = {20, 30, 31};

    @BeforeAll
    static void libraryLoads() {
        assumeFalse(Boolean.getBoolean("native.skip"), "built with -Dnative.skip=true");
        assertTrue(NativeLibrary.isAvailable(), NativeLibrary.failureReason());
    }

    private static NativeRingBackend backend(boolean vectorized) {
        return vectorized ? NativeRingBackend.create() : NativeRingBackend.scalarOnly();
    }

    static Stream<Arguments> nttCases() {
        List<Arguments> cases = new ArrayList<>();
        for (boolean vectorized : new boolean[] {true, false}) {
            for (int bits : PRIME_BITS) {
                // Below 8 the AVX2 flavour falls back to scalar code; 8 is its smallest vector case.
                for (int n = 2; n <= 4096; n <<= 1) {
                    cases.add(Arguments.of(vectorized, bits, n));
                }
            }
        }
        return cases.stream();
    }

    /** Lengths that are limbs (powers of two) and odd ones that exercise the vector tails. */
    static Stream<Arguments> pointwiseCases() {
        List<Arguments> cases = new ArrayList<>();
        for (boolean vectorized : new boolean[] {true, false}) {
            for (int bits : PRIME_BITS) {
                for (int length : new int[] {1, 7, 16, 1023, 4096}) {
                    cases.add(Arguments.of(vectorized, bits, length));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "vectorized={0} bits={1} n={2}")
    @MethodSource("nttCases")
    void nttMatchesJava(boolean vectorized, int bits, int n) {
        NativeRingBackend backend = backend(vectorized);
        NttTable table = new NttTable(prime(bits, n), n);
        long[] input = residues(new SplittableRandom(bits * 31L + n), n, table.modulus().value());
        long[] expected = input.clone();
        long[] actual = input.clone();
        REFERENCE.ntt(expected, table);
        backend.ntt(actual, table);
        assertArrayEquals(expected, actual, "forward");
        REFERENCE.inverseNtt(expected, table);
        backend.inverseNtt(actual, table);
        assertArrayEquals(expected, actual, "inverse");
        assertArrayEquals(input, actual, "round trip");
        // The inverse alone, on values that did not come from a forward transform.
        long[] other = residues(new SplittableRandom(n), n, table.modulus().value());
        long[] otherExpected = other.clone();
        REFERENCE.inverseNtt(otherExpected, table);
        backend.inverseNtt(other, table);
        assertArrayEquals(otherExpected, other, "inverse of arbitrary input");
        // All q - 1 drives the lazy [0, 4q) bounds hardest.
        long[] extreme = new long[n];
        Arrays.fill(extreme, table.modulus().value() - 1);
        long[] extremeExpected = extreme.clone();
        REFERENCE.ntt(extremeExpected, table);
        backend.ntt(extreme, table);
        assertArrayEquals(extremeExpected, extreme, "forward of all q - 1");
    }

    @ParameterizedTest(name = "vectorized={0} bits={1} length={2}")
    @MethodSource("pointwiseCases")
    void pointwiseKernelsMatchJava(boolean vectorized, int bits, int length) {
        NativeRingBackend backend = backend(vectorized);
        Modulus q = prime(bits, 16);
        SplittableRandom random = new SplittableRandom(bits * 7919L + length);
        long[] a = residues(random, length, q.value());
        long[] b = residues(random, length, q.value());
        long[] acc = residues(random, length, q.value());
        for (long s : new long[] {0, 1, q.value() - 1, random.nextLong(q.value())}) {
            Kernel[] kernels = {
                (k, out) -> k.add(a, b, out, q),
                (k, out) -> k.sub(a, b, out, q),
                (k, out) -> k.negate(a, out, q),
                (k, out) -> k.mul(a, b, out, q),
                (k, out) -> { System.arraycopy(acc, 0, out, 0, length); k.mulAdd(a, b, out, q); },
                (k, out) -> k.mulScalar(a, s, out, q),
                (k, out) -> k.addScalar(a, s, out, q),
                (k, out) -> k.subMulScalar(a, b, s, out, q),
            };
            for (int i = 0; i < kernels.length; i++) {
                long[] expected = new long[length];
                long[] actual = new long[length];
                kernels[i].apply(REFERENCE, expected);
                kernels[i].apply(backend, actual);
                assertArrayEquals(expected, actual, "kernel #" + i + " with s = " + s);
            }
        }
        int[] perm = randomPermutation(random, length);
        long[] expected = new long[length];
        long[] actual = new long[length];
        REFERENCE.permute(a, perm, expected);
        backend.permute(a, perm, actual);
        assertArrayEquals(expected, actual, "permute");
    }

    @ParameterizedTest(name = "vectorized={0}")
    @ValueSource(booleans = {true, false})
    void outputsMayAliasInputs(boolean vectorized) {
        NativeRingBackend backend = backend(vectorized);
        Modulus q = prime(31, 16);
        SplittableRandom random = new SplittableRandom(5);
        long[] a = residues(random, 64, q.value());
        long[] b = residues(random, 64, q.value());
        long[] expected = a.clone();
        long[] actual = a.clone();
        REFERENCE.mul(expected, b, expected, q);
        backend.mul(actual, b, actual, q);
        assertArrayEquals(expected, actual, "mul in place");
        REFERENCE.subMulScalar(b, expected, 12345, expected, q);
        backend.subMulScalar(b, actual, 12345, actual, q);
        assertArrayEquals(expected, actual, "subMulScalar into its second operand");
    }

    @ParameterizedTest(name = "vectorized={0}")
    @ValueSource(booleans = {true, false})
    void convertBasisMatchesJava(boolean vectorized) {
        NativeRingBackend backend = backend(vectorized);
        int n = 1000 + 3;  // not a multiple of the vector width nor of the column block
        List<Long> fromPrimes = mixedPrimes(6, List.of());
        List<Long> toPrimes = mixedPrimes(6, fromPrimes);
        SplittableRandom random = new SplittableRandom(11);
        for (int k = 1; k <= 6; k++) {
            for (int m = 1; m <= 6; m++) {
                Modulus[] from = moduli(fromPrimes.subList(0, k));
                Modulus[] to = moduli(toPrimes.subList(0, m));
                BasisConverter converter = new BasisConverter(from, to);
                long[][] in = new long[k][];
                for (int i = 0; i < k; i++) {
                    in[i] = residues(random, n, from[i].value());
                }
                long[][] expected = new long[m][n];
                long[][] actual = new long[m][n];
                REFERENCE.convertBasis(in, expected, converter);
                backend.convertBasis(in, actual, converter);
                for (int j = 0; j < m; j++) {
                    assertArrayEquals(expected[j], actual[j], "k=" + k + " m=" + m + " limb " + j);
                }
            }
        }
    }

    @Test
    void convertBasisMayWriteOverItsInput() {
        NativeRingBackend backend = NativeRingBackend.create();
        List<Long> primes = mixedPrimes(3, List.of());
        BasisConverter converter = new BasisConverter(moduli(primes.subList(0, 2)), moduli(primes.subList(2, 3)));
        SplittableRandom random = new SplittableRandom(3);
        long[][] in = {residues(random, 256, primes.get(0)), residues(random, 256, primes.get(1))};
        long[][] expected = new long[1][256];
        REFERENCE.convertBasis(in, expected, converter);
        backend.convertBasis(in, new long[][] {in[0]}, converter);
        assertArrayEquals(expected[0], in[0]);
    }

    @Test
    void aNullPermutationSourceRaisesInJavaAndInTheNativeGuard() throws Exception {
        NativeRingBackend backend = NativeRingBackend.create();
        assertThrows(NullPointerException.class, () -> backend.permute(null, new int[] {0, 1}, new long[2]));
        // The native guard on its own: it used to return "permuted" and leave out untouched.
        Method nativePermute = NativeRingBackend.class.getDeclaredMethod("nativePermute",
                long[].class, int[].class, long[].class);
        nativePermute.setAccessible(true);
        InvocationTargetException e = assertThrows(InvocationTargetException.class,
                () -> nativePermute.invoke(null, null, new int[] {0, 1}, new long[2]));
        assertInstanceOf(IllegalArgumentException.class, e.getCause());
    }

    @Test
    void badSizesThrowInsteadOfCorruptingMemory() {
        NativeRingBackend backend = NativeRingBackend.create();
        Modulus q = prime(30, 64);
        NttTable table = new NttTable(q, 64);
        assertThrows(IllegalArgumentException.class, () -> backend.ntt(new long[32], table));
        assertThrows(IllegalArgumentException.class, () -> backend.inverseNtt(new long[128], table));
        assertThrows(IllegalArgumentException.class, () -> backend.add(new long[8], new long[4], new long[8], q));
        assertThrows(IllegalArgumentException.class, () -> backend.mulAdd(new long[8], new long[8], new long[9], q));
        assertThrows(IllegalArgumentException.class, () -> backend.negate(new long[8], new long[7], q));
        assertThrows(IllegalArgumentException.class, () -> backend.mulScalar(new long[8], q.value(), new long[8], q));
        assertThrows(IllegalArgumentException.class, () -> backend.addScalar(new long[8], -1, new long[8], q));
        assertThrows(IllegalArgumentException.class, () -> backend.permute(new long[4], new int[] {0, 1, 2}, new long[4]));
        long[] same = new long[4];
        assertThrows(IllegalArgumentException.class, () -> backend.permute(same, new int[] {0, 1, 2, 3}, same));
        long[] out = {7, 7, 7, 7};
        assertThrows(IllegalArgumentException.class, () -> backend.permute(new long[4], new int[] {0, 1, 4, 2}, out));
        assertThrows(IllegalArgumentException.class, () -> backend.permute(new long[4], new int[] {0, -1, 1, 2}, out));
        assertArrayEquals(new long[] {7, 7, 7, 7}, out, "a rejected permutation writes nothing");

        List<Long> primes = mixedPrimes(3, List.of());
        BasisConverter converter = new BasisConverter(moduli(primes.subList(0, 2)), moduli(primes.subList(2, 3)));
        assertThrows(IllegalArgumentException.class,
                () -> backend.convertBasis(new long[1][16], new long[1][16], converter));
        assertThrows(IllegalArgumentException.class,
                () -> backend.convertBasis(new long[2][16], new long[2][16], converter));
        assertThrows(IllegalArgumentException.class,
                () -> backend.convertBasis(new long[][] {new long[16], new long[8]}, new long[1][16], converter));
        assertThrows(IllegalArgumentException.class,
                () -> backend.convertBasis(new long[2][16], new long[][] {new long[17]}, converter));
    }

    @Test
    void aesKeystreamAndUniformSamplingMatchJavaCrypto() throws Exception {
        assumeTrue(NativeRingBackend.hasAesNi(), "no AES-NI");
        SplittableRandom random = new SplittableRandom(5);
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) random.nextInt(256);
        }
        // Counter blocks whose low words wrap, so the 128-bit carry is exercised.
        byte[][] counters = {new byte[16], new byte[16], new byte[16]};
        java.util.Arrays.fill(counters[1], 8, 16, (byte) 0xFF);
        counters[1][15] = (byte) 0xF0;
        java.util.Arrays.fill(counters[2], (byte) 0xFF);
        for (byte[] counter : counters) {
            javax.crypto.Cipher cipher = javax.crypto.Cipher.getInstance("AES/CTR/NoPadding");
            cipher.init(javax.crypto.Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(key, "AES"),
                    new javax.crypto.spec.IvParameterSpec(counter));
            byte[] expected = cipher.doFinal(new byte[1 << 15]);
            byte[] actual = new byte[1 << 15];
            NativeRingBackend.aesCtr(key, counter, actual);
            assertArrayEquals(expected, actual);
            AesCtrStream javaStream = new AesCtrStream(key, counter, false);
            AesCtrStream nativeStream = new AesCtrStream(key, counter, true);
            for (int i = 0; i < 20000; i++) {
                assertEquals(javaStream.nextWord(), nativeStream.nextWord());
            }
        }
        for (int bits : PRIME_BITS) {
            Modulus q = prime(bits, 1024);
            long[] expected = new long[5000];
            long[] actual = new long[5000];
            REFERENCE.sampleUniform(key, counters[1], q, expected);
            NativeRingBackend.create().sampleUniform(key, counters[1], q, actual);
            assertArrayEquals(expected, actual);
        }
        RingContext ring = new RingContext(10, List.of(prime(30, 1024).value()), NativeRingBackend.create());
        NoiseSampler javaNoise = new NoiseSampler(seeded(3), REFERENCE);
        NoiseSampler nativeNoise = new NoiseSampler(seeded(3), ring.backend());
        assertArrayEquals(javaNoise.gaussian(4096), nativeNoise.gaussian(4096));
        assertArrayEquals(javaNoise.ternary(4096), nativeNoise.ternary(4096));
    }

    private static java.security.SecureRandom seeded(long seed) throws Exception {
        java.security.SecureRandom random = java.security.SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(seed);
        return random;
    }

    @ParameterizedTest(name = "vectorized={0}")
    @ValueSource(booleans = {true, false})
    void rescaleLimbMatchesJava(boolean vectorized) {
        SplittableRandom random = new SplittableRandom(17);
        int n = 256;
        for (int qBits : PRIME_BITS) {
            for (int tBits : PRIME_BITS) {
                Modulus q = prime(qBits, n);
                List<Long> taken = List.of(q.value());
                long t = Primes.nttPrimesBelow(tBits, n, 1, taken).get(0);
                NttTable table = new NttTable(q, n);
                long[] a = residues(random, n, q.value());
                long[] top = residues(random, n, t);
                long s = random.nextLong(q.value());
                long[] expected = new long[n];
                long[] actual = new long[n];
                REFERENCE.rescaleLimb(a, top, t, table, s, expected);
                backend(vectorized).rescaleLimb(a, top, t, table, s, actual);
                assertArrayEquals(expected, actual, "q " + qBits + " bits, t " + tBits + " bits");
                long[] aliased = a.clone();
                backend(vectorized).rescaleLimb(aliased, top, t, table, s, aliased);
                assertArrayEquals(expected, aliased, "out aliasing a");
            }
        }
    }

    @ParameterizedTest(name = "vectorized={0}")
    @ValueSource(booleans = {true, false})
    void keySwitchProductMatchesJava(boolean vectorized) {
        SplittableRandom random = new SplittableRandom(23);
        for (int bits : PRIME_BITS) {
            Modulus q = prime(bits, 1024);
            for (int length : new int[] {1, 7, 1023, 4096}) {
                for (int count = 1; count <= 4; count++) {
                    long[][] d = new long[count][];
                    long[][] b = new long[count][];
                    long[][] a = new long[count][];
                    for (int j = 0; j < count; j++) {
                        d[j] = residues(random, length, q.value());
                        b[j] = residues(random, length, q.value());
                        a[j] = residues(random, length, q.value());
                    }
                    for (int[] perm : new int[][] {null, randomPermutation(random, length)}) {
                        long[] e0 = new long[length];
                        long[] e1 = new long[length];
                        long[] r0 = residues(random, length, q.value());
                        long[] r1 = residues(random, length, q.value());
                        REFERENCE.keySwitchProduct(d, b, a, perm, e0, e1, q);
                        backend(vectorized).keySwitchProduct(d, b, a, perm, r0, r1, q);
                        assertArrayEquals(e0, r0);
                        assertArrayEquals(e1, r1);
                    }
                }
            }
        }
        Modulus q = prime(30, 64);
        long[][] one = {new long[4]};
        assertThrows(IllegalArgumentException.class, () -> backend(vectorized).keySwitchProduct(one, one, one,
                new int[] {0, 1, 4, 2}, new long[4], new long[4], q));
    }

    @Test
    void reportsItsKernels() {
        assertEquals("scalar", NativeRingBackend.scalarOnly().simdLevel());
        assertTrue(List.of("avx2", "scalar").contains(NativeRingBackend.create().simdLevel()));
    }

    @FunctionalInterface
    private interface Kernel {
        void apply(RingBackend backend, long[] out);
    }

    private static Modulus prime(int bits, int n) {
        return new Modulus(Primes.nttPrimesBelow(bits, n, 1, List.of()).get(0));
    }

    /** Primes of 20, 30 and 31 bits in turn, so conversions go both up and down in size. */
    private static List<Long> mixedPrimes(int count, List<Long> exclude) {
        List<Long> primes = new ArrayList<>();
        List<Long> taken = new ArrayList<>(exclude);
        for (int i = 0; i < count; i++) {
            long p = Primes.nttPrimesBelow(PRIME_BITS[i % PRIME_BITS.length], 16, 1, taken).get(0);
            primes.add(p);
            taken.add(p);
        }
        return primes;
    }

    private static Modulus[] moduli(List<Long> primes) {
        return primes.stream().map(Modulus::new).toArray(Modulus[]::new);
    }

    /** Uniform residues with the edge values 0 and q - 1 mixed in. */
    private static long[] residues(SplittableRandom random, int length, long q) {
        long[] values = new long[length];
        for (int i = 0; i < length; i++) {
            int pick = random.nextInt(8);
            values[i] = pick == 0 ? 0 : pick == 1 ? q - 1 : random.nextLong(q);
        }
        return values;
    }

    private static int[] randomPermutation(SplittableRandom random, int length) {
        int[] perm = new int[length];
        for (int i = 0; i < length; i++) {
            perm[i] = i;
        }
        for (int i = length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        return perm;
    }
}
