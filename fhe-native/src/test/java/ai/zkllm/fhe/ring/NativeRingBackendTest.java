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
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;

/** The C++ kernels, AVX2 and scalar, must reproduce the Java reference bit for bit. */
class NativeRingBackendTest extends RingBackendConformanceTest {

    @BeforeAll
    static void libraryLoads() {
        assumeFalse(Boolean.getBoolean("native.skip"), "built with -Dnative.skip=true");
        assertTrue(NativeLibrary.isAvailable(), NativeLibrary.failureReason());
    }

    @Override
    List<Named<RingBackend>> backends() {
        return List.of(Named.of("native", NativeRingBackend.create()),
                Named.of("native scalar", NativeRingBackend.scalarOnly()));
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

    @Test
    void reportsItsKernels() {
        assertEquals("scalar", NativeRingBackend.scalarOnly().simdLevel());
        assertTrue(List.of("avx2", "scalar").contains(NativeRingBackend.create().simdLevel()));
    }

}
