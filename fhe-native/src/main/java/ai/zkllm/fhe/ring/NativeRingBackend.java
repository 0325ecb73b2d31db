package ai.zkllm.fhe.ring;

import java.util.Objects;

/**
 * The ring kernels in C++ (fhe-native/src/main/cpp), with AVX2 paths chosen at run time when the
 * CPU has them. Outputs equal {@link JavaRingBackend}'s bit for bit.
 *
 * <p>Unlike the Java kernels this class checks every size before handing arrays to native code
 * (and the native side checks again), so wrong sizes or permutation indices raise
 * {@link IllegalArgumentException} instead of touching memory they do not own.
 */
public final class NativeRingBackend implements RingBackend {
    private final boolean vectorized;

    private NativeRingBackend(boolean vectorized) {
        NativeLibrary.load();
        this.vectorized = vectorized;
    }

    /** The fastest kernels this CPU runs; throws {@link IllegalStateException} if the library cannot load. */
    public static NativeRingBackend create() {
        return new NativeRingBackend(true);
    }

    /** The portable C++ kernels even where AVX2 exists: for tests and comparisons. */
    public static NativeRingBackend scalarOnly() {
        return new NativeRingBackend(false);
    }

    @Override
    public String name() {
        return "native";
    }

    /** "avx2" or "scalar": which kernels this instance runs on this CPU. */
    public String simdLevel() {
        return nativeSimdLevel(vectorized);
    }

    @Override
    public void ntt(long[] a, NttTable table) {
        requireLength("a", a, table.n());
        nativeForwardNtt(a, table.psiPowers(), table.psiPowersShoup(), table.modulus().value(), vectorized);
    }

    @Override
    public void inverseNtt(long[] a, NttTable table) {
        requireLength("a", a, table.n());
        nativeInverseNtt(a, table.inversePsiPowers(), table.inversePsiPowersShoup(), table.modulus().value(),
                table.nInverse(), table.nInverseShoup(), vectorized);
    }

    @Override
    public void add(long[] a, long[] b, long[] out, Modulus q) {
        requireSameLengths(a, b, out);
        nativeAdd(a, b, out, q.value(), vectorized);
    }

    @Override
    public void sub(long[] a, long[] b, long[] out, Modulus q) {
        requireSameLengths(a, b, out);
        nativeSub(a, b, out, q.value(), vectorized);
    }

    @Override
    public void negate(long[] a, long[] out, Modulus q) {
        requireSameLengths(a, out);
        nativeNegate(a, out, q.value(), vectorized);
    }

    @Override
    public void mul(long[] a, long[] b, long[] out, Modulus q) {
        requireSameLengths(a, b, out);
        nativeMul(a, b, out, q.value(), vectorized);
    }

    @Override
    public void mulAdd(long[] a, long[] b, long[] acc, Modulus q) {
        requireSameLengths(a, b, acc);
        nativeMulAdd(a, b, acc, q.value(), vectorized);
    }

    @Override
    public void mulScalar(long[] a, long s, long[] out, Modulus q) {
        requireSameLengths(a, out);
        requireResidue(s, q);
        nativeMulScalar(a, s, q.shoup(s), out, q.value(), vectorized);
    }

    @Override
    public void addScalar(long[] a, long s, long[] out, Modulus q) {
        requireSameLengths(a, out);
        requireResidue(s, q);
        nativeAddScalar(a, s, out, q.value(), vectorized);
    }

    @Override
    public void subMulScalar(long[] a, long[] b, long s, long[] out, Modulus q) {
        requireSameLengths(a, b, out);
        requireResidue(s, q);
        nativeSubMulScalar(a, b, s, q.shoup(s), out, q.value(), vectorized);
    }

    @Override
    public void permute(long[] a, int[] perm, long[] out) {
        Objects.requireNonNull(a, "permute: source a");
        if (perm.length != out.length) {
            throw new IllegalArgumentException("permutation has " + perm.length + " entries for " + out.length + " outputs");
        }
        if (a == out) {
            throw new IllegalArgumentException("permute: out must not alias a");
        }
        int bad = nativePermute(a, perm, out);
        if (bad >= 0) {
            throw new IllegalArgumentException(
                    "permutation entry " + bad + " = " + perm[bad] + " is outside [0, " + a.length + ")");
        }
    }

    @Override
    public void convertBasis(long[][] in, long[][] out, BasisConverter converter) {
        int k = converter.fromSize();
        int m = converter.toSize();
        if (in.length != k || out.length != m) {
            throw new IllegalArgumentException("basis conversion " + k + " -> " + m + " given " + in.length
                    + " input and " + out.length + " output limbs");
        }
        if (k == 0) {
            throw new IllegalArgumentException("basis conversion needs at least one input limb");
        }
        int n = in[0].length;
        requireLimbLengths(n, in);
        requireLimbLengths(n, out);
        long[] fromModuli = new long[k];
        for (int i = 0; i < k; i++) {
            fromModuli[i] = converter.from(i).value();
        }
        long[] toModuli = new long[m];
        long[] hatModP = new long[m * k];
        long[] hatModPShoup = new long[m * k];
        for (int j = 0; j < m; j++) {
            Modulus p = converter.to(j);
            toModuli[j] = p.value();
            for (int i = 0; i < k; i++) {
                hatModP[j * k + i] = converter.qHatModP()[j][i];
                hatModPShoup[j * k + i] = p.shoup(converter.qHatModP()[j][i]);
            }
        }
        nativeConvertBasis(in, out, fromModuli, converter.qHatInverse(), converter.qHatInverseShoup(), toModuli,
                hatModP, hatModPShoup, vectorized);
    }

    private static void requireLength(String name, long[] array, int n) {
        if (array.length != n) {
            throw new IllegalArgumentException(name + " has length " + array.length + ", expected " + n);
        }
    }

    private static void requireSameLengths(long[]... arrays) {
        requireLimbLengths(arrays[0].length, arrays);
    }

    private static void requireLimbLengths(int n, long[][] limbs) {
        for (int i = 0; i < limbs.length; i++) {
            requireLength("array " + i, limbs[i], n);
        }
    }

    private static void requireResidue(long s, Modulus q) {
        if (s < 0 || s >= q.value()) {
            throw new IllegalArgumentException("scalar " + s + " is outside [0, " + q.value() + ")");
        }
    }

    /** True when this CPU runs the AES-NI keystream ({@link #aesCtr}, native {@link #sampleUniform}). */
    public static boolean hasAesNi() {
        return AES_NI;
    }

    private static final boolean AES_NI = NativeLibrary.isAvailable() && nativeAesNi();

    /** Fills out (a multiple of 16 bytes) with the AES-256-CTR keystream; only when {@link #hasAesNi()}. */
    static void aesCtr(byte[] key, byte[] counterBlock, byte[] out) {
        nativeAesCtr(key, counterBlock, out);
    }

    @Override
    public void sampleUniform(byte[] seed, byte[] counterBlock, Modulus q, long[] out) {
        if (!AES_NI) {
            RingBackend.super.sampleUniform(seed, counterBlock, q, out);
            return;
        }
        nativeSampleUniform(seed, counterBlock, q.value(), out);
    }

    @Override
    public void rescaleLimb(long[] a, long[] top, long t, NttTable table, long s, long[] out) {
        int n = table.n();
        requireLength("a", a, n);
        requireLength("top", top, n);
        requireLength("out", out, n);
        Modulus q = table.modulus();
        requireResidue(s, q);
        if (t < 3 || t >= (1L << Modulus.MAX_BITS)) {
            throw new IllegalArgumentException("dropped prime " + t + " is outside [3, 2^31)");
        }
        nativeRescaleLimb(a, top, t, table.psiPowers(), table.psiPowersShoup(), q.value(), s, q.shoup(s), out,
                vectorized);
    }

    private static native void nativeRescaleLimb(long[] a, long[] top, long t, long[] w, long[] ws, long q, long s,
            long sShoup, long[] out, boolean vectorized);

    @Override
    public void keySwitchProduct(long[][] digits, long[][] keyB, long[][] keyA, int[] perm, long[] acc0, long[] acc1,
                                 Modulus q) {
        int count = digits.length;
        if (count == 0 || keyB.length != count || keyA.length != count) {
            throw new IllegalArgumentException("key switching product needs as many key digits as digits (" + count
                    + "), got " + keyB.length + " and " + keyA.length);
        }
        int n = acc0.length;
        requireLength("acc1", acc1, n);
        requireLimbLengths(n, digits);
        requireLimbLengths(n, keyB);
        requireLimbLengths(n, keyA);
        if (acc0 == acc1) {
            throw new IllegalArgumentException("key switching product: acc0 and acc1 must differ");
        }
        if (perm != null && perm.length != n) {
            throw new IllegalArgumentException("permutation has " + perm.length + " entries for " + n + " outputs");
        }
        int bad = nativeKeySwitchProduct(digits, keyB, keyA, perm, acc0, acc1, q.value(), vectorized);
        if (bad >= 0) {
            throw new IllegalArgumentException(
                    "permutation entry " + bad + " = " + perm[bad] + " is outside [0, " + n + ")");
        }
    }

    /** Returns -1, or the first out-of-range position of perm (then nothing is written). */
    private static native int nativeKeySwitchProduct(long[][] digits, long[][] keyB, long[][] keyA, int[] perm,
            long[] acc0, long[] acc1, long q, boolean vectorized);

    private static native boolean nativeAesNi();

    private static native void nativeAesCtr(byte[] key, byte[] counterBlock, byte[] out);

    private static native void nativeSampleUniform(byte[] key, byte[] counterBlock, long q, long[] out);

    private static native String nativeSimdLevel(boolean vectorized);

    private static native void nativeForwardNtt(long[] a, long[] w, long[] wShoup, long q, boolean vectorized);

    private static native void nativeInverseNtt(long[] a, long[] w, long[] wShoup, long q, long nInverse,
            long nInverseShoup, boolean vectorized);

    private static native void nativeAdd(long[] a, long[] b, long[] out, long q, boolean vectorized);

    private static native void nativeSub(long[] a, long[] b, long[] out, long q, boolean vectorized);

    private static native void nativeNegate(long[] a, long[] out, long q, boolean vectorized);

    private static native void nativeMul(long[] a, long[] b, long[] out, long q, boolean vectorized);

    private static native void nativeMulAdd(long[] a, long[] b, long[] acc, long q, boolean vectorized);

    private static native void nativeMulScalar(long[] a, long s, long sShoup, long[] out, long q, boolean vectorized);

    private static native void nativeAddScalar(long[] a, long s, long[] out, long q, boolean vectorized);

    private static native void nativeSubMulScalar(long[] a, long[] b, long s, long sShoup, long[] out, long q,
            boolean vectorized);

    /** Returns -1, or the first position of perm whose index is out of range (then out is untouched). */
    private static native int nativePermute(long[] a, int[] perm, long[] out);

    private static native void nativeConvertBasis(long[][] in, long[][] out, long[] fromModuli, long[] qHatInverse,
            long[] qHatInverseShoup, long[] toModuli, long[] qHatModP, long[] qHatModPShoup, boolean vectorized);
}
