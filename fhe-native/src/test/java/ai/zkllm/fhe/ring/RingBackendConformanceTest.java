package ai.zkllm.fhe.ring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every backend that runs kernels outside Java must pass: each kernel against
 * {@link JavaRingBackend}, bit for bit, on random inputs with the edge values mixed in, and bad
 * sizes rejected before native code touches memory. Subclasses name the backends under test; they
 * outlive each case, hence autoCloseArguments = false (a backend may be AutoCloseable).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RingBackendConformanceTest {
    static final JavaRingBackend REFERENCE = new JavaRingBackend();
    static final int[] PRIME_BITS = {20, 30, 31};

    /** The backends under test, named for the reports; asked after the subclass's {@code @BeforeAll}. */
    abstract List<Named<RingBackend>> backends();

    Stream<Named<RingBackend>> backendCases() {
        return backends().stream();
    }

    Stream<Arguments> nttCases() {
        List<Arguments> cases = new ArrayList<>();
        for (Named<RingBackend> backend : backends()) {
            for (int bits : PRIME_BITS) {
                // Below 8 the AVX2 flavour falls back to scalar code; above 2048 the CUDA NTT leaves its tile.
                for (int n = 2; n <= 8192; n <<= 1) {
                    cases.add(Arguments.of(backend, bits, n));
                }
            }
        }
        return cases.stream();
    }

    /** Lengths that are limbs (powers of two) and odd ones that exercise the vector tails and padding. */
    Stream<Arguments> pointwiseCases() {
        List<Arguments> cases = new ArrayList<>();
        for (Named<RingBackend> backend : backends()) {
            for (int bits : PRIME_BITS) {
                for (int length : new int[] {1, 7, 16, 1023, 4096}) {
                    cases.add(Arguments.of(backend, bits, length));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} bits={1} n={2}", autoCloseArguments = false)
    @MethodSource("nttCases")
    void nttMatchesJava(RingBackend backend, int bits, int n) {
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

    @ParameterizedTest(name = "{0} bits={1} length={2}", autoCloseArguments = false)
    @MethodSource("pointwiseCases")
    void pointwiseKernelsMatchJava(RingBackend backend, int bits, int length) {
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

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("backendCases")
    void outputsMayAliasInputs(RingBackend backend) {
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

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("backendCases")
    void convertBasisMatchesJava(RingBackend backend) {
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

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("backendCases")
    void convertBasisMayWriteOverItsInput(RingBackend backend) {
        List<Long> primes = mixedPrimes(3, List.of());
        BasisConverter converter = new BasisConverter(moduli(primes.subList(0, 2)), moduli(primes.subList(2, 3)));
        SplittableRandom random = new SplittableRandom(3);
        long[][] in = {residues(random, 256, primes.get(0)), residues(random, 256, primes.get(1))};
        long[][] expected = new long[1][256];
        REFERENCE.convertBasis(in, expected, converter);
        backend.convertBasis(in, new long[][] {in[0]}, converter);
        assertArrayEquals(expected[0], in[0]);
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("backendCases")
    void badSizesThrowInsteadOfCorruptingMemory(RingBackend backend) {
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

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("backendCases")
    void rescaleLimbMatchesJava(RingBackend backend) {
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
                backend.rescaleLimb(a, top, t, table, s, actual);
                assertArrayEquals(expected, actual, "q " + qBits + " bits, t " + tBits + " bits");
                long[] aliased = a.clone();
                backend.rescaleLimb(aliased, top, t, table, s, aliased);
                assertArrayEquals(expected, aliased, "out aliasing a");
            }
        }
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("backendCases")
    void keySwitchProductMatchesJava(RingBackend backend) {
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
                        backend.keySwitchProduct(d, b, a, perm, r0, r1, q);
                        assertArrayEquals(e0, r0);
                        assertArrayEquals(e1, r1);
                    }
                }
            }
        }
        Modulus q = prime(30, 64);
        long[][] one = {new long[4]};
        assertThrows(IllegalArgumentException.class, () -> backend.keySwitchProduct(one, one, one,
                new int[] {0, 1, 4, 2}, new long[4], new long[4], q));
    }

    /**
     * The whole-polynomial operations in a random sequence against the Java kernels, with the heap
     * read and written now and then between them: a backend that holds polynomials off the heap
     * (cuda) must never let a heap reader see stale residues, nor a kernel miss a heap write.
     */
    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("backendCases")
    void polynomialOperationsMatchJavaAcrossHeapAccess(RingBackend backend) {
        int n = 64;
        int limbs = 5;
        SplittableRandom random = new SplittableRandom(99);
        NttTable[] chain = chain(limbs, n);
        int[] perm = randomPermutation(random, n);
        List<RnsPoly[]> pool = new ArrayList<>();  // pairs: {on the reference, on the backend}
        for (int i = 0; i < 3; i++) {
            pool.add(randomPair(random, chain, limbs));
        }
        for (int step = 0; step < 300; step++) {
            if (random.nextInt(4) == 0) {  // rescales and copies shrink the pool: fresh full polynomials keep it wide
                pool.add(randomPair(random, chain, limbs));
            }
            RnsPoly[] a = pool.get(random.nextInt(pool.size()));
            RnsPoly[] b = pool.get(random.nextInt(pool.size()));
            int count = Math.min(a[0].limbCount(), b[0].limbCount());
            boolean inPlace = random.nextBoolean() && a[0].limbCount() == count;
            RnsPoly[] out = inPlace ? a : new RnsPoly[] {RnsPoly.zero(count, n, true), RnsPoly.zero(count, n, true)};
            long[] scalars = new long[limbs];
            for (int i = 0; i < limbs; i++) {
                scalars[i] = random.nextLong(chain[i].modulus().value());
            }
            int op = random.nextInt(19);
            String name = step + " op " + op;
            for (int side = 0; side < 2; side++) {
                RingBackend on = side == 0 ? REFERENCE : backend;
                switch (op) {
                    case 0 -> on.add(a[side], b[side], out[side], chain);
                    case 1 -> on.sub(a[side], b[side], out[side], chain);
                    case 2 -> on.negate(a[side], out[side], chain);
                    case 3 -> on.mul(a[side], b[side], out[side], chain);
                    case 4 -> on.mulAdd(a[side], b[side], out[side], chain);
                    case 5 -> on.mulScalars(a[side], scalars, out[side], chain);
                    case 6 -> on.addScalars(a[side], scalars, out[side], chain);
                    case 7 -> on.ntt(a[side], limbsFrom(0, a[side].limbCount()), chain);
                    case 8 -> on.inverseNtt(a[side], limbsFrom(0, a[side].limbCount()), chain);
                    default -> { }  // below: they need an output of their own
                }
            }
            RnsPoly[] result = out;
            if (op == 9) {  // permute into a fresh polynomial (it must not alias)
                result = new RnsPoly[] {RnsPoly.zero(count, n, true), RnsPoly.zero(count, n, true)};
                REFERENCE.permute(a[0], perm, result[0]);
                backend.permute(a[1], perm, result[1]);
            } else if (op == 10 && a[0].limbCount() > 1) {  // with b too when it has as many limbs: one batch
                int kept = a[0].limbCount() - 1;
                boolean batch = b != a && b[0].limbCount() == a[0].limbCount();
                result = new RnsPoly[] {RnsPoly.zero(kept, n, true), RnsPoly.zero(kept, n, true)};
                RnsPoly[] second = {RnsPoly.zero(kept, n, true), RnsPoly.zero(kept, n, true)};
                for (int side = 0; side < 2; side++) {
                    RingBackend on = side == 0 ? REFERENCE : backend;
                    on.rescale(batch ? new RnsPoly[] {a[side], b[side]} : new RnsPoly[] {a[side]}, scalars,
                            batch ? new RnsPoly[] {result[side], second[side]} : new RnsPoly[] {result[side]}, chain);
                }
                if (batch) {
                    assertArrayEquals(second[0].limbs(), second[1].limbs(), name + ": the second of a batch's rescales");
                    pool.add(second);
                }
            } else if (op == 11) {
                int kept = 1 + random.nextInt(a[0].limbCount());
                result = new RnsPoly[] {RnsPoly.zero(kept, n, true), RnsPoly.zero(kept, n, true)};
                REFERENCE.copy(a[0], 0, result[0], 0, kept);
                backend.copy(a[1], 0, result[1], 0, kept);
            } else if (op == 13 && count > 2) {  // ModDown's shape: the top limb to the others, then (a - lifted)·s
                int[] targets = java.util.stream.IntStream.range(0, count - 1).toArray();
                BasisConverter down = new BasisConverter(new Modulus[] {chain[count - 1].modulus()},
                        Arrays.copyOf(Arrays.stream(chain).map(NttTable::modulus).toArray(Modulus[]::new), count - 1));
                result = new RnsPoly[] {RnsPoly.zero(count - 1, n, false), RnsPoly.zero(count - 1, n, false)};
                REFERENCE.convertBasis(a[0], count - 1, result[0], targets, down);
                backend.convertBasis(a[1], count - 1, result[1], targets, down);
                REFERENCE.subMulScalars(b[0], result[0], scalars, result[0], chain);
                backend.subMulScalars(b[1], result[1], scalars, result[1], chain);
            } else if (op == 14 && count > 2) {  // ModUp's shape: limb 1 to the limbs around it, in a fresh polynomial
                int[] targets = java.util.stream.IntStream.range(0, count).filter(k -> k != 1).toArray();
                Modulus[] to = Arrays.stream(targets).mapToObj(k -> chain[k].modulus()).toArray(Modulus[]::new);
                BasisConverter up = new BasisConverter(new Modulus[] {chain[1].modulus()}, to);
                result = new RnsPoly[] {RnsPoly.zero(count, n, true), RnsPoly.zero(count, n, true)};
                for (int side = 0; side < 2; side++) {
                    RingBackend on = side == 0 ? REFERENCE : backend;
                    on.copy(a[side], 1, result[side], 1, 1);
                    on.convertBasis(a[side], 1, result[side], targets, up);
                    on.ntt(result[side], targets, chain);
                }
            } else if (op == 15) {  // the gadget product: two digits against key polynomials stored limbs reversed
                int[] keyLimbs = java.util.stream.IntStream.range(0, count).map(k -> count - 1 - k).toArray();
                RnsPoly[][] keys = new RnsPoly[4][];
                for (int key = 0; key < keys.length; key++) {
                    long[][] values = new long[count][];
                    for (int k = 0; k < count; k++) {
                        values[keyLimbs[k]] = residues(random, n, chain[k].modulus().value());
                    }
                    keys[key] = new RnsPoly[] {new RnsPoly(values, true), new RnsPoly(values, true).copy()};
                }
                result = new RnsPoly[] {RnsPoly.zero(count, n, true), RnsPoly.zero(count, n, true)};
                RnsPoly[] second = {RnsPoly.zero(count, n, true), RnsPoly.zero(count, n, true)};
                int[] permutation = random.nextBoolean() ? perm : null;
                for (int side = 0; side < 2; side++) {
                    RingBackend on = side == 0 ? REFERENCE : backend;
                    on.keySwitchProduct(new RnsPoly[] {a[side], b[side]}, new RnsPoly[] {keys[0][side], keys[1][side]},
                            new RnsPoly[] {keys[2][side], keys[3][side]}, keyLimbs, permutation, result[side],
                            second[side], chain);
                }
                pool.add(second);
            } else if (op == 16 && count > 1) {  // an inverse NTT of some limbs only, in a random order
                int[] some = limbsFrom(random.nextInt(count - 1), count - 1);
                for (int k = some.length - 1; k > 0; k--) {
                    int other = random.nextInt(k + 1);
                    int swap = some[k];
                    some[k] = some[other];
                    some[other] = swap;
                }
                REFERENCE.inverseNtt(a[0], some, chain);
                backend.inverseNtt(a[1], some, chain);
            } else if (op == 17) {  // integer polynomials, two at once: signed coefficients below 2^61, the edges
                long[] coefficients = new long[n];  // among them, then another row
                long[] edges = {0, 1, -1, (1L << 61) - 1, -(1L << 61) + 1, 1L << 31, -(1L << 31)};
                for (int k = 0; k < n; k++) {
                    coefficients[k] = k < edges.length ? edges[k] : random.nextLong(-(1L << 61) + 1, 1L << 61);
                }
                long[] another = random.longs(n, -(1L << 61) + 1, 1L << 61).toArray();
                RnsPoly[][] both = new RnsPoly[2][2];
                for (RnsPoly[] side : both) {
                    Arrays.setAll(side, p -> RnsPoly.zero(count, n, false));
                }
                REFERENCE.fromSigned(new long[][] {another, coefficients}, both[0], chain);
                backend.fromSigned(new long[][] {another, coefficients}, both[1], chain);
                assertArrayEquals(both[0][0].limbs(), both[1][0].limbs(), "the first of two integer polynomials");
                result = new RnsPoly[] {both[0][1], both[1][1]};
                for (int k = 0; k < edges.length; k++) {
                    assertEquals(Math.floorMod(coefficients[k], chain[0].modulus().value()), result[0].limb(0)[k],
                            "the reference's residue of " + coefficients[k]);
                }
            } else if (op == 18) {  // a sum of products, a and b each in two roles
                result = new RnsPoly[] {RnsPoly.zero(count, n, true), RnsPoly.zero(count, n, true)};
                RnsPoly[] second = {RnsPoly.zero(count, n, true), RnsPoly.zero(count, n, true)};
                for (int side = 0; side < 2; side++) {
                    RingBackend on = side == 0 ? REFERENCE : backend;
                    on.productSums(new RnsPoly[][] {{a[side], b[side], a[side]}},
                            new RnsPoly[][] {{b[side], b[side], a[side]}}, new RnsPoly[][] {{a[side], a[side], b[side]}},
                            new RnsPoly[] {result[side]}, new RnsPoly[] {second[side]}, chain);
                }
                pool.add(second);
            } else if (op == 12) {  // the heap writes: both sides must see the new residue from now on
                int limb = random.nextInt(a[0].limbCount());
                int index = random.nextInt(n);
                long value = random.nextLong(chain[limb].modulus().value());
                a[0].limb(limb)[index] = value;
                a[1].limb(limb)[index] = value;
            }
            if (random.nextInt(4) == 0) {  // the heap reads, now and then
                assertArrayEquals(result[0].limbs(), result[1].limbs(), name);
                assertArrayEquals(a[0].limbs(), a[1].limbs(), name + " (its input)");
            }
            if (result != a) {
                pool.add(result);
            }
            if (pool.size() > 6) {
                pool.remove(random.nextInt(pool.size()));
            }
        }
        for (RnsPoly[] pair : pool) {
            assertArrayEquals(pair[0].limbs(), pair[1].limbs(), "the pool at the end");
        }
    }

    /**
     * Sums of more terms than one GPU kernel takes (64; one of three kernels' worth), of a few, of one, and more
     * sums than one kernel takes (8), over fewer limbs than the terms have.
     */
    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("backendCases")
    void productSumsOfManyTermsMatchJava(RingBackend backend) {
        int n = 64;
        int[] terms = {70, 3, 140, 1, 5, 5, 5, 5, 5, 5};
        SplittableRandom random = new SplittableRandom(5);
        NttTable[] chain = chain(4, n);
        RnsPoly[][][] operands = new RnsPoly[3][terms.length][];
        for (RnsPoly[][] role : operands) {
            for (int g = 0; g < terms.length; g++) {
                role[g] = new RnsPoly[terms[g]];
                Arrays.setAll(role[g], k -> poly(random, chain, 4));
            }
        }
        RnsPoly[][] expected = new RnsPoly[2][terms.length];
        RnsPoly[][] actual = new RnsPoly[2][terms.length];
        for (RnsPoly[][] side : new RnsPoly[][][] {expected, actual}) {
            for (RnsPoly[] outputs : side) {
                Arrays.setAll(outputs, g -> RnsPoly.zero(3, n, true));
            }
        }
        REFERENCE.productSums(operands[0], operands[1], operands[2], expected[0], expected[1], chain);
        RnsPoly[][][] copied = new RnsPoly[3][][];
        Arrays.setAll(copied, role -> Arrays.stream(operands[role]).map(RingBackendConformanceTest::copies)
                .toArray(RnsPoly[][]::new));
        backend.productSums(copied[0], copied[1], copied[2], actual[0], actual[1], chain);
        for (int g = 0; g < terms.length; g++) {
            assertArrayEquals(expected[0][g].limbs(), actual[0][g].limbs(), "sum " + g + " of " + terms[g] + " terms, out0");
            assertArrayEquals(expected[1][g].limbs(), actual[1][g].limbs(), "sum " + g + " of " + terms[g] + " terms, out1");
        }
    }

    /** Sums and differences of polynomials of different limb counts in one call (ciphertexts at two levels). */
    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("backendCases")
    void sumsOverSeveralLimbCountsMatchJava(RingBackend backend) {
        int n = 64;
        SplittableRandom random = new SplittableRandom(13);
        NttTable[] chain = chain(5, n);
        int[] limbs = {5, 3, 5, 3, 5};
        RnsPoly[] a = new RnsPoly[limbs.length];
        RnsPoly[] b = new RnsPoly[limbs.length];
        for (int i = 0; i < limbs.length; i++) {
            a[i] = poly(random, chain, limbs[i]);
            b[i] = poly(random, chain, limbs[i]);
        }
        for (boolean subtract : new boolean[] {false, true}) {
            RnsPoly[] expected = new RnsPoly[limbs.length];
            RnsPoly[] actual = new RnsPoly[limbs.length];
            for (int i = 0; i < limbs.length; i++) {
                expected[i] = RnsPoly.zero(limbs[i], n, true);
                actual[i] = RnsPoly.zero(limbs[i], n, true);
            }
            if (subtract) {
                REFERENCE.sub(a, b, expected, chain);
                backend.sub(copies(a), copies(b), actual, chain);
            } else {
                REFERENCE.add(a, b, expected, chain);
                backend.add(copies(a), copies(b), actual, chain);
            }
            for (int i = 0; i < limbs.length; i++) {
                assertArrayEquals(expected[i].limbs(), actual[i].limbs(), (subtract ? "difference " : "sum ") + i);
            }
        }
    }

    /**
     * Several sessions' key-switching products at once, as a batch's rotation runs them: eleven products
     * (more than one GPU kernel takes, 8) of 6 to 14 digits each (eight of them more than its 64 terms),
     * each with its own keys and its own permutation or none, against Java's one by one.
     */
    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("backendCases")
    void keySwitchProductsMatchJavaOneByOne(RingBackend backend) {
        int n = 64;
        int limbs = 3;
        SplittableRandom random = new SplittableRandom(8);
        NttTable[] chain = chain(limbs + 2, n);
        int[] keyLimbs = {4, 0, 2};  // a key spans more of the chain than the product's limbs
        // each product its own permutation or none, as rotations by several steps in one batch
        int[][] choices = {null, randomPermutation(random, n), randomPermutation(random, n)};
        NttTable[] productChain = {chain[4], chain[0], chain[2]};  // limb k modulo the prime of key limb keyLimbs[k]
        int products = 11;
        int[][] perms = new int[products][];
        Arrays.setAll(perms, g -> choices[g % 3]);
        RnsPoly[][][] operands = new RnsPoly[3][products][];
        RnsPoly[][] expected = new RnsPoly[2][products];
        RnsPoly[][] actual = new RnsPoly[2][products];
        for (int g = 0; g < products; g++) {
            int digits = 6 + g % 9;
            for (int role = 0; role < 3; role++) {
                operands[role][g] = new RnsPoly[digits];
                for (int j = 0; j < digits; j++) {
                    operands[role][g][j] = role == 0 ? poly(random, productChain, limbs) : poly(random, chain, limbs + 2);
                }
            }
            for (int side = 0; side < 2; side++) {
                expected[side][g] = RnsPoly.zero(limbs, n, true);
                actual[side][g] = RnsPoly.zero(limbs, n, true);
            }
            REFERENCE.keySwitchProduct(operands[0][g], operands[1][g], operands[2][g], keyLimbs, perms[g],
                    expected[0][g], expected[1][g], productChain);
        }
        RnsPoly[][][] mine = new RnsPoly[3][products][];
        for (int role = 0; role < 3; role++) {
            for (int g = 0; g < products; g++) {
                mine[role][g] = copies(operands[role][g]);
            }
        }
        backend.keySwitchProducts(mine[0], mine[1], mine[2], keyLimbs, perms, actual[0], actual[1], productChain);
        for (int g = 0; g < products; g++) {
            assertArrayEquals(expected[0][g].limbs(), actual[0][g].limbs(), "product " + g + ", acc0");
            assertArrayEquals(expected[1][g].limbs(), actual[1][g].limbs(), "product " + g + ", acc1");
        }
    }

    /**
     * NTTs (out of place and in place), a conversion, (x - lifted)·s + addend, sums, differences and rescales of
     * several polynomials at once, as ModDown runs both halves of a key switch and the evaluator a ciphertext's: more
     * than one GPU kernel takes, listed limbs out of order, targets scattered, some addends absent.
     */
    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("backendCases")
    void batchesOfPolynomialsMatchJava(RingBackend backend) {
        int n = 64;
        int limbs = 5;
        SplittableRandom random = new SplittableRandom(21);
        NttTable[] chain = chain(limbs, n);
        RnsPoly[] expected = new RnsPoly[CudaRingBackend.MAX_POLYS + 2];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = poly(random, chain, limbs);
        }
        RnsPoly[] actual = copies(expected);
        int[] some = {4, 1, 3};
        RnsPoly[][] coefficients = new RnsPoly[2][expected.length];  // out of place, each from its own source
        for (RnsPoly[] side : coefficients) {
            Arrays.setAll(side, i -> RnsPoly.zero(limbs, n, false));
        }
        REFERENCE.inverseNtt(expected, coefficients[0], some, chain);
        backend.inverseNtt(actual, coefficients[1], some, chain);
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(coefficients[0][i].limbs(), coefficients[1][i].limbs(), "an inverse NTT out of place, " + i);
            assertArrayEquals(expected[i].limbs(), actual[i].limbs(), "its source, unchanged, " + i);
        }
        REFERENCE.inverseNtt(expected, some, chain);
        backend.inverseNtt(actual, some, chain);
        Modulus[] to = {chain[2].modulus(), chain[0].modulus(), chain[1].modulus()};
        BasisConverter fromTwo = new BasisConverter(new Modulus[] {chain[3].modulus(), chain[4].modulus()}, to);
        BasisConverter fromOne = new BasisConverter(new Modulus[] {chain[4].modulus()}, to);
        int[] targets = {2, 0, 1};
        int[] from = new int[expected.length];  // a converter per polynomial, as ModUp's digits have
        BasisConverter[] converters = new BasisConverter[expected.length];
        for (int i = 0; i < from.length; i++) {
            from[i] = i % 2 == 0 ? 3 : 4;
            converters[i] = i % 2 == 0 ? fromTwo : fromOne;
        }
        for (int i = 1; i < 20; i += 2) {  // ten more converters: more distinct bases than a GPU launch takes
            converters[i] = new BasisConverter(new Modulus[] {chain[4].modulus()}, to);
        }
        // the addends read through one of two permutations or none, as the c0s of rotations by several steps
        int[][] choices = {randomPermutation(random, n), randomPermutation(random, n), null};
        int[][] perms = new int[expected.length][];
        Arrays.setAll(perms, i -> choices[(i / 2) % 3]);  // every choice on a polynomial with an addend
        RnsPoly[][] lifted = new RnsPoly[2][expected.length];
        for (RnsPoly[] side : lifted) {
            Arrays.setAll(side, i -> RnsPoly.zero(limbs, n, false));
        }
        REFERENCE.convertBasis(expected, from, lifted[0], targets, converters);
        backend.convertBasis(actual, from, lifted[1], targets, converters);
        REFERENCE.ntt(lifted[0], targets, chain);
        backend.ntt(lifted[1], targets, chain);
        long[] scalars = new long[limbs];
        Arrays.setAll(scalars, l -> random.nextLong(chain[l].modulus().value()));
        RnsPoly[][] finished = new RnsPoly[2][expected.length];
        for (int side = 0; side < 2; side++) {
            RnsPoly[] xs = side == 0 ? expected : actual;
            RnsPoly[] addends = new RnsPoly[xs.length];
            Arrays.setAll(addends, i -> i % 3 == 0 ? null : xs[(i + 1) % xs.length]);  // some without an addend
            Arrays.setAll(finished[side], i -> RnsPoly.zero(3, n, true));
            (side == 0 ? REFERENCE : backend).subMulScalarsAdd(xs, lifted[side], scalars, addends, perms, finished[side],
                    chain);
        }
        RnsPoly[][] sums = new RnsPoly[2][expected.length];
        RnsPoly[][] differences = new RnsPoly[2][expected.length];
        for (int side = 0; side < 2; side++) {
            RingBackend on = side == 0 ? REFERENCE : backend;
            RnsPoly[] next = finished[side].clone();
            Collections.rotate(Arrays.asList(next), 1);
            Arrays.setAll(sums[side], i -> RnsPoly.zero(3, n, true));
            on.add(finished[side], next, sums[side], chain);
            differences[side] = copies(next);  // in place: out[i] is a[i]
            on.sub(differences[side], finished[side], differences[side], chain);
        }
        RnsPoly[][] rescaled = new RnsPoly[2][expected.length];
        for (int side = 0; side < 2; side++) {
            Arrays.setAll(rescaled[side], i -> RnsPoly.zero(limbs - 1, n, true));
            (side == 0 ? REFERENCE : backend).rescale(side == 0 ? expected : actual, scalars, rescaled[side], chain);
        }
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i].limbs(), actual[i].limbs(), "polynomial " + i);
            assertArrayEquals(lifted[0][i].limbs(), lifted[1][i].limbs(), "its conversion, " + i);
            assertArrayEquals(finished[0][i].limbs(), finished[1][i].limbs(), "(it - its conversion)·s + addend, " + i);
            assertArrayEquals(sums[0][i].limbs(), sums[1][i].limbs(), "a sum of two of them, " + i);
            assertArrayEquals(differences[0][i].limbs(), differences[1][i].limbs(), "a difference, in place, " + i);
            assertArrayEquals(rescaled[0][i].limbs(), rescaled[1][i].limbs(), "it rescaled, " + i);
        }
    }

    private static RnsPoly[] copies(RnsPoly[] polys) {
        return Arrays.stream(polys).map(RnsPoly::copy).toArray(RnsPoly[]::new);
    }

    private static RnsPoly[] randomPair(SplittableRandom random, NttTable[] chain, int limbs) {
        RnsPoly p = poly(random, chain, limbs);
        return new RnsPoly[] {p, p.copy()};
    }

    /** Tables of limbs primes of 20, 30 and 31 bits in turn, for rows of n. */
    static NttTable[] chain(int limbs, int n) {
        NttTable[] chain = new NttTable[limbs];
        List<Long> taken = new ArrayList<>();
        for (int i = 0; i < limbs; i++) {
            long q = Primes.nttPrimesBelow(PRIME_BITS[i % PRIME_BITS.length], n, 1, taken).get(0);
            taken.add(q);
            chain[i] = new NttTable(new Modulus(q), n);
        }
        return chain;
    }

    /** from, from + 1, .., to - 1. */
    static int[] limbsFrom(int from, int to) {
        return java.util.stream.IntStream.range(from, to).toArray();
    }

    /** A polynomial of random residues over the first limbs primes of chain. */
    static RnsPoly poly(SplittableRandom random, NttTable[] chain, int limbs) {
        long[][] values = new long[limbs][];
        for (int i = 0; i < limbs; i++) {
            values[i] = residues(random, chain[i].n(), chain[i].modulus().value());
        }
        return new RnsPoly(values, true);
    }

    @FunctionalInterface
    interface Kernel {
        void apply(RingBackend backend, long[] out);
    }

    static Modulus prime(int bits, int n) {
        return new Modulus(Primes.nttPrimesBelow(bits, n, 1, List.of()).get(0));
    }

    /** Primes of 20, 30 and 31 bits in turn, so conversions go both up and down in size. */
    static List<Long> mixedPrimes(int count, List<Long> exclude) {
        List<Long> primes = new ArrayList<>();
        List<Long> taken = new ArrayList<>(exclude);
        for (int i = 0; i < count; i++) {
            long p = Primes.nttPrimesBelow(PRIME_BITS[i % PRIME_BITS.length], 16, 1, taken).get(0);
            primes.add(p);
            taken.add(p);
        }
        return primes;
    }

    static Modulus[] moduli(List<Long> primes) {
        return primes.stream().map(Modulus::new).toArray(Modulus[]::new);
    }

    /** Uniform residues with the edge values 0 and q - 1 mixed in. */
    static long[] residues(SplittableRandom random, int length, long q) {
        long[] values = new long[length];
        for (int i = 0; i < length; i++) {
            int pick = random.nextInt(8);
            values[i] = pick == 0 ? 0 : pick == 1 ? q - 1 : random.nextLong(q);
        }
        return values;
    }

    static int[] randomPermutation(SplittableRandom random, int length) {
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
