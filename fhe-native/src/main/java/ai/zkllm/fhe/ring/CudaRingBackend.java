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
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ring kernels on an NVIDIA GPU: the CUDA kernels (src/main/cuda) through JNI
 * (src/main/cpp/cuda_jni.cpp). Outputs equal {@link JavaRingBackend}'s bit for bit.
 *
 * <p>This first version copies per kernel call: every call uploads its arrays, runs one kernel
 * and downloads the result, so the PCIe copies dominate and it is slower than
 * {@link NativeRingBackend} ("auto" never picks it). Keeping a round's ciphertexts resident on
 * the device, with kernels batched over limbs and polys, is the later step that makes it pay.
 *
 * <p>What does stay on the device: the switching keys' rows, uploaded at their first key switch and
 * kept by array identity ({@link DeviceRowCache}: at most the bytes the system property
 * {@value #KEY_CACHE_PROPERTY} gives, default 4 GiB, least recently used freed first), and one limb
 * table per prime and row length: from the
 * {@link NttTable} for the NTTs and rescaling, and for the pointwise and key-switching kernels,
 * which read only q, from the NttTable seen for that (q, n) or else a twiddle-free one. Rows that
 * are not a power of two long are zero-padded on the device. Calls are serialized on the
 * context's one stream, so threads may share the backend. {@link #sampleUniform} keeps
 * RingBackend's default (the kernels have no AES). Sizes are checked before any native code
 * runs; device failures raise {@link IllegalStateException}.
 */
public final class CudaRingBackend implements RingBackend, AutoCloseable {
    /** The pointwise kernels, in the order of cuda_jni.cpp's PointwiseOp: whether each reads b, and a scalar. */
    private enum Op {
        ADD(true, false), SUB(true, false), NEGATE(false, false), MUL(true, false), MUL_ADD(true, false),
        MUL_SCALAR(false, true), ADD_SCALAR(false, true), SUB_MUL_SCALAR(true, true);

        final boolean binary;
        final boolean scalar;

        Op(boolean binary, boolean scalar) {
            this.binary = binary;
            this.scalar = scalar;
        }
    }

    private record TableKey(long q, int n) {}

    /** System property: the bytes of key rows kept on the device. */
    public static final String KEY_CACHE_PROPERTY = "zkllm.cuda.keyCacheBytes";

    private final long context;
    private final DeviceRowCache keyRows;
    private final Map<TableKey, Long> nttTables = new HashMap<>();
    private final Map<TableKey, Long> arithmeticTables = new HashMap<>();
    private boolean closed;

    private CudaRingBackend() {
        this.context = nativeCreate(0);
        this.keyRows = new DeviceRowCache(Long.getLong(KEY_CACHE_PROPERTY, 4L << 30),
                (row, stride) -> nativeUploadRow(context, row, stride), row -> nativeFreeRow(context, row));
    }

    /**
     * The kernels on CUDA device 0 through the library on the classpath.
     *
     * @throws IllegalStateException saying why when no library was built or no GPU is visible
     */
    public static CudaRingBackend create() {
        CudaLibrary.loadFromClasspath();
        return open();
    }

    /** The kernels through the JNI library at {@code library}: the tests' host emulation. */
    static CudaRingBackend create(Path library) {
        CudaLibrary.load(library);
        return open();
    }

    private static CudaRingBackend open() {
        try {
            return new CudaRingBackend();
        } catch (IllegalStateException e) {
            throw new IllegalStateException("cuda ring backend unavailable: " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return "cuda";
    }

    /** Frees the device tables and the context; later calls throw {@link IllegalStateException}. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        keyRows.clear();
        for (Map<TableKey, Long> tables : List.of(nttTables, arithmeticTables)) {
            tables.values().forEach(table -> nativeDestroyTable(context, table));
            tables.clear();
        }
        nativeDestroy(context);
    }

    @Override
    public synchronized void ntt(long[] a, NttTable table) {
        requireLength("a", a, table.n());
        nativeNtt(context(), nttTable(table), a, false);
    }

    @Override
    public synchronized void inverseNtt(long[] a, NttTable table) {
        requireLength("a", a, table.n());
        nativeNtt(context(), nttTable(table), a, true);
    }

    @Override
    public void add(long[] a, long[] b, long[] out, Modulus q) {
        pointwise(Op.ADD, a, b, 0, out, q);
    }

    @Override
    public void sub(long[] a, long[] b, long[] out, Modulus q) {
        pointwise(Op.SUB, a, b, 0, out, q);
    }

    @Override
    public void negate(long[] a, long[] out, Modulus q) {
        pointwise(Op.NEGATE, a, null, 0, out, q);
    }

    @Override
    public void mul(long[] a, long[] b, long[] out, Modulus q) {
        pointwise(Op.MUL, a, b, 0, out, q);
    }

    @Override
    public void mulAdd(long[] a, long[] b, long[] acc, Modulus q) {
        pointwise(Op.MUL_ADD, a, b, 0, acc, q);
    }

    @Override
    public void mulScalar(long[] a, long s, long[] out, Modulus q) {
        pointwise(Op.MUL_SCALAR, a, null, s, out, q);
    }

    @Override
    public void addScalar(long[] a, long s, long[] out, Modulus q) {
        pointwise(Op.ADD_SCALAR, a, null, s, out, q);
    }

    @Override
    public void subMulScalar(long[] a, long[] b, long s, long[] out, Modulus q) {
        pointwise(Op.SUB_MUL_SCALAR, a, b, s, out, q);
    }

    /** Checks the shapes (and the scalar) of {@code op}, then runs it; b is null for the unary ops. */
    private synchronized void pointwise(Op op, long[] a, long[] b, long s, long[] out, Modulus q) {
        if (op.binary) {
            requireSameLengths(a, b, out);
        } else {
            requireSameLengths(a, out);
        }
        if (op.scalar) {
            requireResidue(s, q);
        }
        if (out.length > 0) {
            nativePointwise(context(), arithmeticTable(q, out.length), op.ordinal(), a, b, s, q.shoup(s), out);
        }
    }

    @Override
    public synchronized void permute(long[] a, int[] perm, long[] out) {
        requirePermutation(a, perm, out);
        if (out.length == 0) {
            return;
        }
        int bad = nativePermute(context(), a, perm, out);
        if (bad >= 0) {
            throw badPermutationEntry(perm, bad, a.length);
        }
    }

    @Override
    public synchronized void convertBasis(long[][] in, long[][] out, BasisConverter converter) {
        requireBasisShapes(in, out, converter);
        if (in[0].length == 0) {
            return;
        }
        FlatBasis flat = FlatBasis.of(converter);
        nativeConvertBasis(context(), in, out, flat.fromModuli(), converter.qHatInverse(),
                converter.qHatInverseShoup(), flat.toModuli(), flat.qHatModP(), flat.qHatModPShoup());
    }

    @Override
    public synchronized void rescaleLimb(long[] a, long[] top, long t, NttTable table, long s, long[] out) {
        requireRescaleArguments(a, top, t, table, s, out);
        nativeRescaleLimb(context(), nttTable(table), a, top, t, s, table.modulus().shoup(s), out);
    }

    @Override
    public synchronized void keySwitchProduct(long[][] digits, long[][] keyB, long[][] keyA, int[] perm, long[] acc0,
                                              long[] acc1, Modulus q) {
        requireKeySwitchShapes(digits, keyB, keyA, perm, acc0, acc1);
        if (acc0.length == 0) {
            return;
        }
        long table = arithmeticTable(q, acc0.length);
        int stride = rowLength(acc0.length);
        long[] rowsB = new long[keyB.length];
        long[] rowsA = new long[keyA.length];
        int bad;
        try {
            for (int j = 0; j < keyB.length; j++) {
                rowsB[j] = keyRows.device(keyB[j], stride);
                rowsA[j] = keyRows.device(keyA[j], stride);
            }
            bad = nativeKeySwitchProduct(context(), table, digits, rowsB, rowsA, perm, acc0, acc1);
        } finally {
            keyRows.trim();
        }
        if (bad >= 0) {
            throw badPermutationEntry(perm, bad, acc0.length);
        }
    }

    /** Bytes of key rows on the device now, and how many rows were uploaded so far (for tests). */
    synchronized long[] keyCacheState() {
        return new long[] {keyRows.bytes(), keyRows.uploads()};
    }

    private long context() {
        if (closed) {
            throw new IllegalStateException("cuda ring backend is closed");
        }
        return context;
    }

    /** The device table of {@code table}'s prime and n, uploaded on first use. */
    private long nttTable(NttTable table) {
        return nttTables.computeIfAbsent(new TableKey(table.modulus().value(), table.n()),
                key -> nativeCreateTable(context(), key.q(), table.psiPowers(), table.psiPowersShoup(),
                        table.inversePsiPowers(), table.inversePsiPowersShoup(), table.nInverse(),
                        table.nInverseShoup()));
    }

    /** A device table of q for rows of {@code length} words (padded to a power of two, at least 2). */
    private long arithmeticTable(Modulus q, int length) {
        int n = rowLength(length);
        TableKey key = new TableKey(q.value(), n);
        Long ntt = nttTables.get(key);
        if (ntt != null) {
            return ntt;
        }
        return arithmeticTables.computeIfAbsent(key, k -> {
            long[] zeros = new long[n];  // the twiddles: these kernels never read them
            return nativeCreateTable(context(), k.q(), zeros, zeros, zeros, zeros, 0, 0);
        });
    }

    /** The kernels' row length for {@code length} words: the smallest power of two ≥ it, at least 2. */
    private static int rowLength(int length) {
        return Math.max(2, Integer.highestOneBit(length - 1) << 1);
    }

    private static native long nativeCreate(int device);

    private static native void nativeDestroy(long context);

    /** A one-limb table of prime q with n = psi.length. */
    private static native long nativeCreateTable(long context, long q, long[] psi, long[] psiShoup,
            long[] inversePsi, long[] inversePsiShoup, long nInverse, long nInverseShoup);

    private static native void nativeDestroyTable(long context, long table);

    private static native void nativeNtt(long context, long table, long[] a, boolean inverse);

    /** b is unused by the unary ops, s and sShoup by the ops without a scalar; out is also the acc of MUL_ADD. */
    private static native void nativePointwise(long context, long table, int op, long[] a, long[] b, long s,
            long sShoup, long[] out);

    /** Returns -1, or the first position of perm whose index is out of range (then out is untouched). */
    private static native int nativePermute(long context, long[] a, int[] perm, long[] out);

    /** A device copy of row zero-padded to stride words, for {@link DeviceRowCache}. */
    private static native long nativeUploadRow(long context, long[] row, int stride);

    private static native void nativeFreeRow(long context, long row);

    /**
     * keyB and keyA hold device rows of the table's n words (nativeUploadRow), one per digit. Returns -1,
     * or the first out-of-range position of perm (then nothing is written).
     */
    private static native int nativeKeySwitchProduct(long context, long table, long[][] digits, long[] keyB,
            long[] keyA, int[] perm, long[] acc0, long[] acc1);

    private static native void nativeConvertBasis(long context, long[][] in, long[][] out, long[] fromModuli,
            long[] qHatInverse, long[] qHatInverseShoup, long[] toModuli, long[] qHatModP, long[] qHatModPShoup);

    private static native void nativeRescaleLimb(long context, long table, long[] a, long[] top, long t, long s,
            long sShoup, long[] out);
}
