package ai.zkllm.fhe.ring;

import static ai.zkllm.fhe.ring.NativeArguments.badPermutationEntry;
import static ai.zkllm.fhe.ring.NativeArguments.requireBasisShapes;
import static ai.zkllm.fhe.ring.NativeArguments.requireKeySwitchShapes;
import static ai.zkllm.fhe.ring.NativeArguments.requireLength;
import static ai.zkllm.fhe.ring.NativeArguments.requirePermutation;
import static ai.zkllm.fhe.ring.NativeArguments.requireRescaleArguments;
import static ai.zkllm.fhe.ring.NativeArguments.requireResidue;
import static ai.zkllm.fhe.ring.NativeArguments.requireSameLengths;

import ai.zkllm.fhe.ring.NativeArguments.FlatBasis;

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
        requirePermutation(a, perm, out);
        int bad = nativePermute(a, perm, out);
        if (bad >= 0) {
            throw badPermutationEntry(perm, bad, a.length);
        }
    }

    @Override
    public void convertBasis(long[][] in, long[][] out, BasisConverter converter) {
        requireBasisShapes(in, out, converter);
        FlatBasis flat = FlatBasis.of(converter);
        nativeConvertBasis(in, out, flat.fromModuli(), converter.qHatInverse(), converter.qHatInverseShoup(),
                flat.toModuli(), flat.qHatModP(), flat.qHatModPShoup(), vectorized);
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
        requireRescaleArguments(a, top, t, table, s, out);
        Modulus q = table.modulus();
        nativeRescaleLimb(a, top, t, table.psiPowers(), table.psiPowersShoup(), q.value(), s, q.shoup(s), out,
                vectorized);
    }

    private static native void nativeRescaleLimb(long[] a, long[] top, long t, long[] w, long[] ws, long q, long s,
            long sShoup, long[] out, boolean vectorized);

    @Override
    public void keySwitchProduct(long[][] digits, long[][] keyB, long[][] keyA, int[] perm, long[] acc0, long[] acc1,
                                 Modulus q) {
        requireKeySwitchShapes(digits, keyB, keyA, perm, acc0, acc1);
        int bad = nativeKeySwitchProduct(digits, keyB, keyA, perm, acc0, acc1, q.value(), vectorized);
        if (bad >= 0) {
            throw badPermutationEntry(perm, bad, acc0.length);
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
