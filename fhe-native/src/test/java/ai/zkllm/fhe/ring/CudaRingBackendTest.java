package ai.zkllm.fhe.ring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
            assertRejected("nativeCreateTable", context, 0L, eight, eight, eight, eight, 0L, 0L);
            assertRejected("nativeCreateTable", context, 97L, eight, eight, new long[4], eight, 0L, 0L);
            assertRejected("nativeNtt", context, table, new long[4], false);
            assertRejected("nativeRescaleLimb", context, table, eight, new long[7], 3L, 0L, 0L, eight.clone());
            assertRejected("nativePermute", context, new long[4], new int[3], new long[4]);
            long[][] one = {eight};
            assertRejected("nativeKeySwitchProduct", context, table, one, new long[2], new long[1], null,
                    eight.clone(), eight.clone());
            assertRejected("nativeKeySwitchProduct", context, table, one, new long[1], new long[1], new int[7],
                    eight.clone(), eight.clone());
            assertRejected("nativeUploadRow", context, new long[16], 8);
            assertRejected("nativeConvertBasis", context, new long[][] {eight}, new long[][] {new long[9]},
                    new long[] {97}, new long[1], new long[1], new long[] {193}, new long[1], new long[1]);
            assertRejected("nativeConvertBasis", context, new long[][] {eight}, new long[][] {eight.clone()},
                    new long[] {97}, new long[1], new long[1], new long[] {193}, new long[0], new long[1]);
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

    /**
     * A key's rows go up at its first key switch and are reused after, and the cache frees the least
     * recently used past its bound: here room for two 2-digit keys of n = 64 (4 rows of 512 bytes each).
     */
    @Test
    void keyRowsGoUpOnceAndStayWithinTheirBound() {
        Modulus q = prime(30, 64);
        SplittableRandom random = new SplittableRandom(11);
        long[][][] keys = new long[4][][];
        for (int k = 0; k < keys.length; k++) {
            keys[k] = new long[][] {residues(random, 64, q.value()), residues(random, 64, q.value()),
                    residues(random, 64, q.value()), residues(random, 64, q.value())};
        }
        System.setProperty(CudaRingBackend.KEY_CACHE_PROPERTY, "4096");
        try (CudaRingBackend cuda = CudaTestBackend.open()) {
            int[] order = {0, 0, 0, 1, 0, 2, 3, 0};
            long[] uploadsAfter = {4, 4, 4, 8, 8, 12, 16, 20};
            for (int i = 0; i < order.length; i++) {
                long[][] key = keys[order[i]];
                long[][] digits = {residues(random, 64, q.value()), residues(random, 64, q.value())};
                long[][] keyB = {key[0], key[1]};
                long[][] keyA = {key[2], key[3]};
                long[] e0 = new long[64];
                long[] e1 = new long[64];
                long[] r0 = new long[64];
                long[] r1 = new long[64];
                REFERENCE.keySwitchProduct(digits, keyB, keyA, null, e0, e1, q);
                cuda.keySwitchProduct(digits, keyB, keyA, null, r0, r1, q);
                assertArrayEquals(e0, r0, "call " + i);
                assertArrayEquals(e1, r1, "call " + i);
                long[] state = cuda.keyCacheState();
                assertTrue(state[0] <= 4096, "call " + i + ": " + state[0] + " bytes kept");
                assertEquals(uploadsAfter[i], state[1], "call " + i + ": rows uploaded");
            }
        } finally {
            System.clearProperty(CudaRingBackend.KEY_CACHE_PROPERTY);
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
