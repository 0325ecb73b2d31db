package ai.zkllm.fhe.ring;

import java.util.Objects;

/**
 * Size checks, with precise messages, for the backends that hand arrays to native code
 * ({@link NativeRingBackend}, {@link CudaRingBackend}); their JNI layers check again as a last
 * guard. Also the flat layout of a {@link BasisConverter}'s tables that both JNI layers read.
 */
final class NativeArguments {
    private NativeArguments() {}

    static void requireLength(String name, long[] array, int n) {
        if (array.length != n) {
            throw new IllegalArgumentException(name + " has length " + array.length + ", expected " + n);
        }
    }

    static void requireSameLengths(long[]... arrays) {
        requireLimbLengths(arrays[0].length, arrays);
    }

    static void requireLimbLengths(int n, long[][] limbs) {
        for (int i = 0; i < limbs.length; i++) {
            requireLength("array " + i, limbs[i], n);
        }
    }

    static void requireResidue(long s, Modulus q) {
        if (s < 0 || s >= q.value()) {
            throw new IllegalArgumentException("scalar " + s + " is outside [0, " + q.value() + ")");
        }
    }

    /** RingBackend.permute's shapes: one entry per output, and out apart from a. */
    static void requirePermutation(long[] a, int[] perm, long[] out) {
        Objects.requireNonNull(a, "permute: source a");
        if (perm.length != out.length) {
            throw new IllegalArgumentException("permutation has " + perm.length + " entries for " + out.length + " outputs");
        }
        if (a == out) {
            throw new IllegalArgumentException("permute: out must not alias a");
        }
    }

    /** What a JNI layer's "first bad position" result means. */
    static IllegalArgumentException badPermutationEntry(int[] perm, int position, int bound) {
        return new IllegalArgumentException(
                "permutation entry " + position + " = " + perm[position] + " is outside [0, " + bound + ")");
    }

    /** RingBackend.keySwitchProduct's shapes. */
    static void requireKeySwitchShapes(long[][] digits, long[][] keyB, long[][] keyA, int[] perm, long[] acc0,
                                       long[] acc1) {
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
    }

    /** RingBackend.rescaleLimb's shapes and ranges. */
    static void requireRescaleArguments(long[] a, long[] top, long t, NttTable table, long s, long[] out) {
        int n = table.n();
        requireLength("a", a, n);
        requireLength("top", top, n);
        requireLength("out", out, n);
        requireResidue(s, table.modulus());
        if (t < 3 || t >= (1L << Modulus.MAX_BITS)) {
            throw new IllegalArgumentException("dropped prime " + t + " is outside [3, 2^31)");
        }
    }

    /** RingBackend.convertBasis's shapes: k input and m output limbs of one length n, k >= 1. */
    static void requireBasisShapes(long[][] in, long[][] out, BasisConverter converter) {
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
    }

    /**
     * A converter's tables as the JNI layers take them: the moduli as values, and [Q/q_i]_{p_j}
     * with its Shoup companions flattened row by row ([m][k]).
     */
    record FlatBasis(long[] fromModuli, long[] toModuli, long[] qHatModP, long[] qHatModPShoup) {
        static FlatBasis of(BasisConverter converter) {
            int k = converter.fromSize();
            int m = converter.toSize();
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
            return new FlatBasis(fromModuli, toModuli, hatModP, hatModPShoup);
        }
    }
}
