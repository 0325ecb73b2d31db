package ai.zkllm.fhe.ring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;

/**
 * {@link CudaRingBackend} against the Java kernels, bit for bit ({@link RingBackendConformanceTest}),
 * through the host emulation of the CUDA kernels on a machine without a GPU (see
 * {@link CudaTestBackend}), plus what is particular to this backend.
 */
class CudaRingBackendTest extends RingBackendConformanceTest {
    private CudaRingBackend backend;

    @BeforeAll
    void openBackend() {
        backend = CudaTestBackend.shared();
        System.out.println("CudaRingBackendTest: " + (CudaTestBackend.onGpu() ? "on the GPU" : "on the host emulation"));
    }

    @Override
    List<Named<RingBackend>> backends() {
        return List.of(Named.of(CudaTestBackend.onGpu() ? "cuda" : "cuda (host emulation)", backend));
    }

    @Test
    void theJniLayerRejectsMismatchedArraysOnItsOwn() throws Exception {
        try (CudaRingBackend cuda = CudaTestBackend.open()) {
            Field contextField = CudaRingBackend.class.getDeclaredField("context");
            contextField.setAccessible(true);
            long context = contextField.getLong(cuda);
            Method arithmeticTable = method("arithmeticTable");
            long table = (long) arithmeticTable.invoke(cuda, prime(30, 64), 8);
            int add = 0;
            long[] eight = new long[8];
            // Past the Java checks, each must raise IllegalArgumentException and leave memory alone.
            assertRejected("nativePointwise", context, table, add, new long[4], eight, 0L, 0L, eight.clone());
            assertRejected("nativePointwise", context, table, add, new long[16], new long[16], 0L, 0L, new long[16]);
            assertRejected("nativePointwise", context, table, 99, eight, eight, 0L, 0L, eight.clone());
            long[] one97 = {97};
            assertRejected("nativeCreateTable", context, new long[] {0}, eight, eight, eight, eight, new long[1],
                    new long[1]);
            assertRejected("nativeCreateTable", context, one97, eight, eight, new long[4], eight, new long[1],
                    new long[1]);
            assertRejected("nativeCreateTable", context, new long[] {97, 193}, new long[7], new long[7], new long[7],
                    new long[7], new long[2], new long[2]);
            assertRejected("nativeCreateTable", context, one97, eight, eight, eight, eight, new long[0], new long[1]);
            assertRejected("nativeNtt", context, table, new long[4], false);
            assertRejected("nativePolyRescale", context, table, new long[1], 1, new long[0], new long[0], new long[1], 0L);
            assertRejected("nativePolyRescale", context, table, new long[1], 2, new long[1], new long[1], new long[1], 0L);
            assertRejected("nativePermute", context, new long[4], new int[3], new long[4]);
            assertRejected("nativePolyFromSigned", context, table, new long[][] {eight}, new long[2], 1, 0L);  // a row each
            assertRejected("nativePolyFromSigned", context, table, new long[][] {new long[7]}, new long[1], 1, 0L);  // of n
            assertRejected("nativePolyFromSigned", context, table, new long[][] {eight}, new long[1], 1, 0L);  // scratch
            long[][] one = {eight};
            assertRejected("nativeKeySwitchProduct", context, table, one, new long[][] {eight, eight}, one, null,
                    eight.clone(), eight.clone());
            assertRejected("nativeKeySwitchProduct", context, table, one, one, one, new int[7], eight.clone(),
                    eight.clone());
            assertRejected("nativeKeySwitchProduct", context, table, one, one, new long[][] {new long[7]}, null,
                    eight.clone(), eight.clone());
            long[] digits65 = new long[65];
            long[] three = new long[3];
            assertRejected("nativePolyKeySwitchProducts", context, table, digits65, digits65, digits65, new int[] {0, 65},
                    new int[1], new long[1], new long[1], new long[1], 1);  // a product of more terms than a kernel takes
            assertRejected("nativePolyKeySwitchProducts", context, table, three, three, new long[2], new int[] {0, 3},
                    new int[1], new long[1], new long[1], new long[1], 1);  // fewer keys than digits
            long[] nine = new long[9];
            assertRejected("nativePolyKeySwitchProducts", context, table, nine, nine, nine, new int[10], new int[1], nine,
                    nine, nine, 1);  // products without terms (the starts all 0)
            assertRejected("nativePolyKeySwitchProducts", context, table, three, three, three, new int[] {0, 3},
                    new int[1], new long[2], new long[2], new long[2], 1);  // the bounds do not list every product
            assertRejected("nativePolyKeySwitchProducts", context, table, three, three, three, new int[] {0, 3},
                    new int[1], new long[2], new long[1], new long[1], 1);  // a permutation per product, no more
            assertRejected("nativeConvertBasis", context, new long[][] {eight}, new long[][] {new long[9]},
                    new long[] {97}, new long[1], new long[1], new long[] {193}, new long[1], new long[1]);
            assertRejected("nativeConvertBasis", context, new long[][] {eight}, new long[][] {eight.clone()},
                    new long[] {97}, new long[1], new long[1], new long[] {193}, new long[0], new long[1]);
        }
    }

    /**
     * A conversion into some limbs of a polynomial (ModUp's targets) is one launch writing them in place,
     * and an NTT of some limbs at n = 2^12 two (a stage above the shared-memory tile, then the tile
     * kernel), however they lie: the counts that a model's device_launches add up.
     */
    @Test
    void launchesAreCountedWhereTheyHappen() {
        CudaRingBackend cuda = CudaTestBackend.shared();
        int n = 4096;
        NttTable[] chain = RingBackendConformanceTest.chain(4, n);
        BasisConverter converter = new BasisConverter(new Modulus[] {chain[0].modulus(), chain[1].modulus()},
                new Modulus[] {chain[3].modulus(), chain[2].modulus()});
        RnsPoly[] outs = new RnsPoly[2];
        for (int side = 0; side < 2; side++) {
            RingBackend on = side == 0 ? REFERENCE : cuda;
            SplittableRandom same = new SplittableRandom(11);
            RnsPoly in = RingBackendConformanceTest.poly(same, chain, 2);
            outs[side] = RingBackendConformanceTest.poly(same, chain, 4);
            in.setNtt(false);
            outs[side].setNtt(false);
            DeviceTraffic before = cuda.traffic();
            on.convertBasis(in, 0, outs[side], new int[] {3, 2}, converter);
            DeviceTraffic conversion = cuda.traffic().since(before);
            on.ntt(outs[side], new int[] {3, 2, 0}, chain);  // limbs neither contiguous nor in order
            DeviceTraffic ntt = cuda.traffic().since(before).since(conversion);
            if (on == cuda) {
                assertEquals(1, conversion.operations());
                assertEquals(1, conversion.launches(), "the conversion");
                assertEquals(1, ntt.operations());
                assertEquals(2, ntt.launches(), "the NTT");
            }
        }
        assertArrayEquals(outs[0].limbs(), outs[1].limbs());
        RnsPoly twice = outs[1];
        assertThrows(IllegalArgumentException.class, () -> cuda.ntt(twice, new int[] {2, 2}, chain),
                "a limb listed twice (two blocks would transform it at once)");
        assertThrows(IllegalArgumentException.class, () -> cuda.ntt(new RnsPoly[] {twice, twice}, new int[] {2}, chain),
                "a polynomial listed twice");
        RnsPoly other = twice.copy();
        assertThrows(IllegalArgumentException.class, () -> cuda.convertBasis(new RnsPoly[] {twice, other}, new int[] {0, 0},
                new RnsPoly[] {other, RnsPoly.zero(4, n, false)}, new int[] {3, 2}, new BasisConverter[] {converter, converter}),
                "an output that is another polynomial's input");
        RnsPoly[] pair = {twice, other};
        assertThrows(IllegalArgumentException.class, () -> cuda.add(pair, pair, new RnsPoly[] {other, twice}, chain),
                "a sum written over the other sum's input (one launch reads and writes both)");
    }

    /** A key row outside the key polynomial is refused before any kernel reads past its device words. */
    @Test
    void aKeyRowOutsideTheKeyIsRefused() {
        CudaRingBackend cuda = CudaTestBackend.shared();
        NttTable[] chain = RingBackendConformanceTest.chain(3, 64);
        SplittableRandom random = new SplittableRandom(3);
        RnsPoly digit = RingBackendConformanceTest.poly(random, chain, 2);
        RnsPoly key = RingBackendConformanceTest.poly(random, chain, 3);
        RnsPoly acc0 = RnsPoly.zero(2, 64, true);
        RnsPoly acc1 = RnsPoly.zero(2, 64, true);
        RnsPoly[] digits = {digit};
        RnsPoly[] keys = {key};
        cuda.keySwitchProduct(digits, keys, keys, new int[] {2, 0}, null, acc0, acc1, chain);  // rows inside: runs
        for (int[] rows : new int[][] {{0, 3}, {-1, 1}}) {
            assertThrows(IllegalArgumentException.class,
                    () -> cuda.keySwitchProduct(digits, keys, keys, rows, null, acc0, acc1, chain), Arrays.toString(rows));
        }
    }

    @Test
    void aClosedBackendRefusesWork() {
        CudaRingBackend cuda = CudaTestBackend.open();
        Modulus q = prime(30, 16);
        cuda.add(new long[16], new long[16], new long[16], q);
        cuda.close();
        cuda.close();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> cuda.add(new long[16], new long[16], new long[16], q));
        assertEquals("cuda ring backend is closed", e.getMessage());
    }

    /** -Dzkllm.cuda.library: create() loads the named library (here the emulation), or says what is missing. */
    @Test
    void theLibraryPropertyChoosesTheLibrary() {
        assumeFalse(CudaTestBackend.onGpu(), "on a GPU the JVM holds the GPU library: no other can load");
        String saved = System.getProperty(CudaRingBackend.LIBRARY_PROPERTY);
        try {
            System.setProperty(CudaRingBackend.LIBRARY_PROPERTY, CudaTestBackend.EMULATION.toAbsolutePath().toString());
            try (CudaRingBackend cuda = CudaRingBackend.create()) {
                Modulus q = prime(30, 16);
                long[] one = new long[16];
                one[3] = 1;
                long[] sum = new long[16];
                cuda.add(one, one, sum, q);
                assertEquals(2, sum[3]);
            }
            System.setProperty(CudaRingBackend.LIBRARY_PROPERTY, "no-such-library.so");
            IllegalStateException e = assertThrows(IllegalStateException.class, CudaRingBackend::create);
            assertTrue(e.getMessage().contains("no-such-library.so"), e.getMessage());
        } finally {
            if (saved == null) {
                System.clearProperty(CudaRingBackend.LIBRARY_PROPERTY);
            } else {
                System.setProperty(CudaRingBackend.LIBRARY_PROPERTY, saved);
            }
        }
    }

    /**
     * A chain of polynomial operations moves each input up once and the one result read down once,
     * and the device holds no more than the live polynomials: the point of keeping them there.
     */
    @Test
    void aChainOfOperationsMovesItsInputsUpOnceAndItsResultDownOnce() {
        int n = 256;
        NttTable[] chain = chain(4, n);
        long[] inverses = new long[3];
        for (int i = 0; i < 3; i++) {
            inverses[i] = chain[i].modulus().inverse(chain[3].modulus().value() % chain[i].modulus().value());
        }
        try (CudaRingBackend cuda = CudaTestBackend.open()) {
            RnsPoly[] results = new RnsPoly[2];
            for (int side = 0; side < 2; side++) {
                RingBackend on = side == 0 ? REFERENCE : cuda;
                SplittableRandom same = new SplittableRandom(5);
                RnsPoly a = poly(same, chain, 4);
                RnsPoly b = poly(same, chain, 4);
                RnsPoly t = RnsPoly.zero(4, n, true);
                on.mul(a, b, t, chain);
                on.mulAdd(t, a, t, chain);
                on.inverseNtt(t, RingBackendConformanceTest.limbsFrom(0, 4), chain);
                on.ntt(t, RingBackendConformanceTest.limbsFrom(0, 4), chain);
                RnsPoly u = RnsPoly.zero(3, n, true);
                on.rescale(new RnsPoly[] {t}, inverses, new RnsPoly[] {u}, chain);
                on.addScalars(u, new long[] {1, 2, 3}, u, chain);
                results[side] = u;
            }
            long polyBytes = 4L * n * 8;
            DeviceTraffic beforeRead = cuda.traffic();
            assertEquals(2 * polyBytes, beforeRead.bytesUp(), "bytes up: the two inputs, once each");
            assertEquals(0, beforeRead.bytesDown(), "bytes down before any heap read");
            assertArrayEquals(results[0].limbs(), results[1].limbs());
            DeviceTraffic afterRead = cuda.traffic();
            assertEquals(3L * n * 8, afterRead.bytesDown(), "bytes down: the result, once");
            assertArrayEquals(results[0].limbs(), results[1].limbs(), "a second read moves nothing");
            assertEquals(afterRead.bytesDown(), cuda.traffic().bytesDown());
        }
    }

    /** Device words of collected polynomials are freed; close brings what is still held back to the heap. */
    @Test
    void collectedPolynomialsAreFreedAndCloseBringsTheRestBack() throws InterruptedException {
        int n = 64;
        NttTable[] chain = chain(2, n);
        SplittableRandom random = new SplittableRandom(8);
        RnsPoly kept = RnsPoly.zero(2, n, true);
        RnsPoly expected = RnsPoly.zero(2, n, true);
        RnsPoly a = poly(random, chain, 2);
        RnsPoly b = poly(random, chain, 2);
        REFERENCE.mul(a, b, expected, chain);
        CudaRingBackend cuda = CudaTestBackend.open();
        cuda.mul(a, b, kept, chain);
        long keptBytes = 2L * n * 8;
        for (int i = 0; i < 50; i++) {
            cuda.add(poly(random, chain, 2), poly(random, chain, 2), RnsPoly.zero(2, n, true), chain);
        }
        long held = cuda.traffic().heldBytes();
        for (int i = 0; i < 100 && held > 4 * keptBytes; i++) {  // a, b, kept and the latest sum stay reachable
            System.gc();
            Thread.sleep(20);
            cuda.add(a, b, RnsPoly.zero(2, n, true), chain);  // any call frees what was collected
            held = cuda.traffic().heldBytes();
        }
        assertTrue(held <= 4 * keptBytes, held + " bytes still held after collection");
        cuda.close();
        assertEquals(expected, kept, "held on the device at close, read after");
    }

    /**
     * Past its bound the device drops polynomials whose heap is current (inputs), least recently used
     * first, never a result it alone holds; when only results are left, the next one is refused in a
     * sentence, and the backend goes on working.
     */
    @Test
    void heldPolynomialsStayWithinTheirBound() {
        int n = 64;
        NttTable[] chain = chain(2, n);
        long polyBytes = 2L * n * 8;
        System.setProperty(CudaRingBackend.POLY_BYTES_PROPERTY, String.valueOf(4 * polyBytes));
        try (CudaRingBackend cuda = CudaTestBackend.open()) {
            SplittableRandom random = new SplittableRandom(4);
            RnsPoly acc = RnsPoly.zero(2, n, true);
            RnsPoly expected = RnsPoly.zero(2, n, true);
            List<RnsPoly> inputs = new ArrayList<>();  // reachable: only dropping them makes room
            for (int i = 0; i < 20; i++) {
                RnsPoly a = poly(random, chain, 2);
                RnsPoly b = poly(random, chain, 2);
                inputs.add(a);
                inputs.add(b);
                REFERENCE.mulAdd(a, b, expected, chain);
                cuda.mulAdd(a, b, acc, chain);
                assertTrue(cuda.traffic().heldBytes() <= 4 * polyBytes, "held after product " + i);
            }
            assertEquals(expected, acc, "the accumulator, held throughout");
            List<RnsPoly> results = new ArrayList<>();
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> {
                for (int i = 0; i < 3; i++) {
                    RnsPoly sum = RnsPoly.zero(2, n, true);
                    cuda.add(inputs.get(0), inputs.get(1), sum, chain);
                    results.add(sum);
                }
            });
            assertTrue(refused.getMessage().startsWith("cuda device memory bound reached: "), refused.getMessage());
            assertEquals(2, results.size(), "two sums fit beside their two inputs");
            RnsPoly sum = RnsPoly.zero(2, n, true);
            REFERENCE.add(inputs.get(0), inputs.get(1), sum, chain);
            assertEquals(sum, results.get(0), "a held result, read after the refusal");
        } finally {
            System.clearProperty(CudaRingBackend.POLY_BYTES_PROPERTY);
        }
    }

    /** The engine calls a backend from several threads: calls on one context must not mix. */
    @Test
    void threadsSharingTheBackendGetJavasResults() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int thread = 0; thread < 4; thread++) {
                int seed = thread;
                results.add(pool.submit(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    for (int i = 0; i < 20; i++) {
                        int n = 16 << random.nextInt(6);
                        NttTable table = new NttTable(prime(PRIME_BITS[random.nextInt(3)], n), n);
                        long q = table.modulus().value();
                        long[] a = residues(random, n, q);
                        long[] b = residues(random, n, q);
                        long[] expected = new long[n];
                        long[] actual = new long[n];
                        REFERENCE.mul(a, b, expected, table.modulus());
                        REFERENCE.ntt(expected, table);
                        backend.mul(a, b, actual, table.modulus());
                        backend.ntt(actual, table);
                        assertArrayEquals(expected, actual, "thread " + seed + " call " + i);
                    }
                    return null;
                }));
            }
            for (Future<?> result : results) {
                result.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void assertRejected(String name, Object... args) throws Exception {
        InvocationTargetException e = assertThrows(InvocationTargetException.class,
                () -> method(name).invoke(null, args), name + Arrays.toString(args));
        assertInstanceOf(IllegalArgumentException.class, e.getCause(), name);
    }

    private static Method method(String name) {
        Method found = Arrays.stream(CudaRingBackend.class.getDeclaredMethods())
                .filter(m -> m.getName().equals(name)).findFirst().orElseThrow();
        found.setAccessible(true);
        return found;
    }
}
