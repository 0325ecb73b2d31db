package ai.zkllm.fhe.ring;

import static ai.zkllm.fhe.ring.NativeArguments.badPermutationEntry;
import static ai.zkllm.fhe.ring.NativeArguments.requireBasisShapes;
import static ai.zkllm.fhe.ring.NativeArguments.requireKeySwitchShapes;
import static ai.zkllm.fhe.ring.NativeArguments.requireLength;
import static ai.zkllm.fhe.ring.NativeArguments.requirePermutation;
import static ai.zkllm.fhe.ring.NativeArguments.requireResidue;
import static ai.zkllm.fhe.ring.NativeArguments.requireSameLengths;

import ai.zkllm.fhe.ring.NativeArguments.FlatBasis;
import java.lang.ref.Cleaner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ring kernels on an NVIDIA GPU: the CUDA kernels (src/main/cuda) through JNI
 * (src/main/cpp/cuda_jni.cpp). Outputs equal {@link JavaRingBackend}'s bit for bit.
 *
 * <p>Two ways in. The operations on whole polynomials (RingBackend's {@link RnsPoly} methods, which
 * {@link RingContext} and so the evaluator use) keep their polynomials on the device between
 * operations ({@link DevicePolys}): an input goes up at its first use, a result stays there until
 * the heap reads it ({@link RnsPoly#limbs}) or it is collected, and each operation is one kernel
 * over all its limbs, queued on the stream without waiting (what reads a result waits; so does
 * {@link #finish}). The limb kernels (the {@code long[]} methods) copy per call: they upload
 * their arrays, run one kernel and download the result, so PCIe copies dominate them.
 *
 * <p>The polynomial kernels read one device table per ring chain (the {@link NttTable}[] a
 * RingContext or the key switcher passes), one per basis conversion and one device copy per Galois
 * permutation, each kept while its heap object lives ({@link DeviceObjects}).
 *
 * <p>What the limb kernels keep on the device: one limb table per prime and row length: from the
 * {@link NttTable} for the NTTs, and for the pointwise and key-switching kernels, which read only
 * q, from the NttTable seen for that (q, n) or else a twiddle-free one. Rows that are not a power
 * of two long are zero-padded on the device. Calls are serialized on the context's one stream, so
 * threads may share the backend. {@link #sampleUniform} keeps RingBackend's default (the kernels
 * have no AES), and so does {@link #rescaleLimb}: the device rescales whole polynomials, reading the
 * dropped limb's table for its inverse NTT, which one limb's arguments do not carry. Sizes are
 * checked before any native code runs; device failures raise {@link IllegalStateException}.
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

    /** Terms of one key-switching product kernel (zkllm_cuda.h's ZKC_MAX_DIGITS). */
    static final int MAX_TERMS = 64;
    /** Rows of a polynomial one kernel reads or writes through a row map (zkllm_cuda.h's ZKC_MAX_SCALAR_LIMBS). */
    static final int MAX_ROWS = 64;
    /** Polynomials one NTT or conversion kernel takes (zkllm_cuda.h's ZKC_MAX_POLYS); the JNI layer launches per so many. */
    static final int MAX_POLYS = 64;
    /** System property: the JNI library to load instead of the classpath's (libzkllm_cuda_emulated.so). */
    public static final String LIBRARY_PROPERTY = "zkllm.cuda.library";
    /** System property: at most this many bytes of polynomials held on the device (default: as many as fit). */
    public static final String POLY_BYTES_PROPERTY = "zkllm.cuda.polyBytes";

    /** One thread for every backend, to see held polynomials and device objects' heap keys collected. */
    private static final Cleaner CLEANER = Cleaner.create();

    private final long context;
    private final Map<TableKey, Long> nttTables = new HashMap<>();
    private final Map<TableKey, Long> arithmeticTables = new HashMap<>();
    private final DevicePolys polys;
    /** What the polynomial kernels read, kept while their heap objects live. */
    private final DeviceObjects<NttTable[]> chainTables;
    private final DeviceObjects<BasisConverter> bases;
    private final DeviceObjects<int[]> permutations;
    private boolean closed;

    private CudaRingBackend() {
        this.context = nativeCreate(0);
        this.chainTables = new DeviceObjects<>(CLEANER, table -> nativeDestroyTable(context, table));
        this.bases = new DeviceObjects<>(CLEANER, basis -> nativeDestroyBasis(context, basis));
        this.permutations = new DeviceObjects<>(CLEANER, words -> nativeFree(context, words));
        this.polys = new DevicePolys(this, new DevicePolys.Device() {
            @Override
            public long alloc(long words) {
                return nativeAlloc(context, words);
            }

            @Override
            public void free(long address) {
                nativeFree(context, address);
            }

            @Override
            public void upload(long address, long[][] limbs, int count, int n) {
                nativeUploadLimbs(context, address, limbs, count, n);
            }

            @Override
            public void download(long address, long[][] limbs, int count, int n) {
                nativeDownloadLimbs(context, address, limbs, count, n);
            }

            @Override
            public void zero(long address, long words) {
                nativeZero(context, address, words);
            }
        }, CLEANER, Long.getLong(POLY_BYTES_PROPERTY, Long.MAX_VALUE));
    }

    /**
     * The kernels on CUDA device 0 through the library on the classpath, or through the library the
     * system property {@value #LIBRARY_PROPERTY} names (the host emulation, which counts a
     * computation's launches and bytes without a GPU, slowly; then "cuda" and "auto" mean it).
     *
     * @throws IllegalStateException saying why when no library was built or no GPU is visible
     */
    public static CudaRingBackend create() {
        String library = System.getProperty(LIBRARY_PROPERTY);
        if (library != null) {
            return create(Path.of(library));
        }
        CudaLibrary.loadFromClasspath();
        return open();
    }

    /**
     * The kernels through the JNI library at {@code library}: the host emulation of the kernels that
     * the native build leaves in target/native-build (libzkllm_cuda_emulated.so), which tests on a
     * machine without a GPU run the cuda path through. One cuda library per JVM: the first loaded stays.
     */
    public static CudaRingBackend create(Path library) {
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

    @Override
    public boolean operationBound() {
        return true;
    }

    /**
     * Brings every polynomial held on the device back to the heap, frees the device tables and the
     * context; later calls throw {@link IllegalStateException}.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        polys.clear();
        closed = true;
        for (Map<TableKey, Long> tables : List.of(nttTables, arithmeticTables)) {
            tables.values().forEach(table -> nativeDestroyTable(context, table));
            tables.clear();
        }
        chainTables.clear();
        bases.clear();
        permutations.clear();
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
    public synchronized void keySwitchProduct(long[][] digits, long[][] keyB, long[][] keyA, int[] perm, long[] acc0,
                                              long[] acc1, Modulus q) {
        requireKeySwitchShapes(digits, keyB, keyA, perm, acc0, acc1);
        if (acc0.length == 0) {
            return;
        }
        int bad = nativeKeySwitchProduct(context(), arithmeticTable(q, acc0.length), digits, keyB, keyA, perm, acc0,
                acc1);
        if (bad >= 0) {
            throw badPermutationEntry(perm, bad, acc0.length);
        }
    }

    // ---- whole polynomials, held on the device between operations ----

    @Override
    public synchronized void ntt(RnsPoly[] ps, int[] limbs, NttTable[] chain) {
        polyNtt(null, ps, limbs, chain, false);
    }

    @Override
    public synchronized void inverseNtt(RnsPoly[] ps, int[] limbs, NttTable[] chain) {
        polyNtt(null, ps, limbs, chain, true);
    }

    /** The inverse NTT's first kernel reads as[p] and writes outs[p]: no copy of them first. */
    @Override
    public synchronized void inverseNtt(RnsPoly[] as, RnsPoly[] outs, int[] limbs, NttTable[] chain) {
        if (as.length != outs.length) {
            throw new IllegalArgumentException("inverseNtt: " + as.length + " sources for " + outs.length + " outputs");
        }
        for (RnsPoly out : outs) {
            for (RnsPoly a : as) {
                if (a == out) {
                    throw new IllegalArgumentException("inverseNtt: an output is also a source");
                }
            }
        }
        polyNtt(as, outs, limbs, chain, true);
    }

    /**
     * The listed limbs' NTTs of every polynomial in the launches of one NTT (per {@value #MAX_ROWS} limbs
     * and {@value #MAX_POLYS} polynomials), in place, or (from not null, a source per polynomial) an inverse
     * NTT from those limbs of from[p]; limbs and polynomials distinct, since they are transformed at once.
     */
    private void polyNtt(RnsPoly[] from, RnsPoly[] ps, int[] limbs, NttTable[] chain, boolean inverse) {
        beginOperation();
        if (limbs.length == 0 || ps.length == 0) {
            return;
        }
        requireDistinct(ps);
        int highest = highestDistinct(limbs, "ntt");
        for (RnsPoly p : ps) {
            requireRange(highest, 1, p);
        }
        long table = chainTable(chain, highest + 1, ps);
        long[] sources = null;
        if (from != null) {
            sources = new long[from.length];
            for (int p = 0; p < from.length; p++) {
                requireRange(highest, 1, from[p]);
                requirePolys(0, ps[0], from[p]);
                sources[p] = polys.input(from[p]);
            }
        }
        long[] addresses = new long[ps.length];
        for (int i = 0; i < ps.length; i++) {
            boolean whole = from != null && limbs.length == ps[i].limbCount();  // every limb written: nothing to keep
            addresses[i] = whole ? polys.output(ps[i]) : polys.inputOutput(ps[i]);
        }
        nativePolyNtt(context, table, sources, addresses, limbs, inverse);
    }

    /** The highest of the listed limbs, after checking that they are distinct and not negative. */
    private static int highestDistinct(int[] limbs, String operation) {
        int highest = -1;
        BitSet listed = new BitSet();
        for (int limb : limbs) {
            if (limb < 0 || listed.get(limb)) {
                throw new IllegalArgumentException(operation + ": limb " + limb + (limb < 0 ? " is negative" : " listed twice"));
            }
            listed.set(limb);
            highest = Math.max(highest, limb);
        }
        return highest;
    }

    /**
     * No out[i] is another index's input (inputs[k][j], j != i): one launch reads and writes every index at
     * once, so only an element's own input may be overwritten (in place).
     */
    private static void requireOwnInputsOnly(RnsPoly[] out, RnsPoly[]... inputs) {
        for (RnsPoly[] operand : inputs) {
            for (int j = 0; operand != null && j < operand.length; j++) {
                for (int i = 0; i < out.length; i++) {
                    if (i != j && operand[j] == out[i]) {
                        throw new IllegalArgumentException("output " + i + " is the input of polynomial " + j);
                    }
                }
            }
        }
    }

    /** No polynomial twice (the kernels would write it from two places at once). */
    private static void requireDistinct(RnsPoly... ps) {
        Set<RnsPoly> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (RnsPoly p : ps) {
            if (!seen.add(p)) {
                throw new IllegalArgumentException("a polynomial listed twice where each is written");
            }
        }
    }

    @Override
    public void add(RnsPoly a, RnsPoly b, RnsPoly out, NttTable[] chain) {
        polyPointwise(Op.ADD, a, b, null, out, chain);
    }

    @Override
    public void sub(RnsPoly a, RnsPoly b, RnsPoly out, NttTable[] chain) {
        polyPointwise(Op.SUB, a, b, null, out, chain);
    }

    @Override
    public void negate(RnsPoly a, RnsPoly out, NttTable[] chain) {
        polyPointwise(Op.NEGATE, a, null, null, out, chain);
    }

    @Override
    public void mul(RnsPoly a, RnsPoly b, RnsPoly out, NttTable[] chain) {
        polyPointwise(Op.MUL, a, b, null, out, chain);
    }

    @Override
    public void mulAdd(RnsPoly a, RnsPoly b, RnsPoly acc, NttTable[] chain) {
        polyPointwise(Op.MUL_ADD, a, b, null, acc, chain);
    }

    @Override
    public void subMulScalars(RnsPoly a, RnsPoly b, long[] s, RnsPoly out, NttTable[] chain) {
        polyPointwise(Op.SUB_MUL_SCALAR, a, b, s, out, chain);
    }

    /** One kernel per {@value #MAX_POLYS} polynomials: the subtraction, the scaling and the (permuted) addend together. */
    @Override
    public synchronized void subMulScalarsAdd(RnsPoly[] a, RnsPoly[] b, long[] s, RnsPoly[] c, int[][] perms,
                                              RnsPoly[] out, NttTable[] chain) {
        beginOperation();
        int count = out.length;
        if (count == 0 || a.length != count || b.length != count || c.length != count || perms.length != count) {
            throw new IllegalArgumentException("subMulScalarsAdd: " + a.length + ", " + b.length + ", " + c.length
                    + ", " + perms.length + " permutations and " + count + " polynomials; needs as many of each, at"
                    + " least one");
        }
        requireDistinct(out);
        requireOwnInputsOnly(out, a, b);
        for (RnsPoly addend : c) {
            for (RnsPoly o : out) {
                if (addend == o) {
                    throw new IllegalArgumentException("subMulScalarsAdd: an output is also an addend");
                }
            }
        }
        int limbs = out[0].limbCount();
        long table = chainTable(chain, limbs, out[0]);
        long[] pa = new long[count];
        long[] pb = new long[count];
        long[] pc = new long[count];
        long[] pp = new long[count];
        long[] po = new long[count];
        for (int i = 0; i < count; i++) {
            if (out[i].limbCount() != limbs) {
                throw new IllegalArgumentException("subMulScalarsAdd: outputs of " + limbs + " and " + out[i].limbCount()
                        + " limbs");
            }
            requirePolys(limbs, c[i] == null ? new RnsPoly[] {out[0], a[i], b[i]} : new RnsPoly[] {out[0], a[i], b[i], c[i]});
            pa[i] = polys.input(a[i]);
            pb[i] = polys.input(b[i]);
            pc[i] = c[i] == null ? 0 : polys.input(c[i]);
            pp[i] = perms[i] == null ? 0 : permutation(perms[i], out[0].n());
        }
        for (int i = 0; i < count; i++) {
            po[i] = polys.output(out[i]);  // after every input: an output may be one of them
        }
        nativePolySubMulScalarAdd(context, table, pa, pb, pc, pp, s, scalarShoups(s, limbs, chain), po, limbs);
    }

    @Override
    public void mulScalars(RnsPoly a, long[] s, RnsPoly out, NttTable[] chain) {
        polyPointwise(Op.MUL_SCALAR, a, null, s, out, chain);
    }

    @Override
    public void addScalars(RnsPoly a, long[] s, RnsPoly out, NttTable[] chain) {
        polyPointwise(Op.ADD_SCALAR, a, null, s, out, chain);
    }

    @Override
    public void add(RnsPoly[] a, RnsPoly[] b, RnsPoly[] out, NttTable[] chain) {
        polyPointwise(Op.ADD, a, b, null, out, chain);
    }

    @Override
    public void sub(RnsPoly[] a, RnsPoly[] b, RnsPoly[] out, NttTable[] chain) {
        polyPointwise(Op.SUB, a, b, null, out, chain);
    }

    /** {@code op} over out's limbs; b is null for the unary ops, s (one scalar per limb) for those without one. */
    private void polyPointwise(Op op, RnsPoly a, RnsPoly b, long[] s, RnsPoly out, NttTable[] chain) {
        polyPointwise(op, new RnsPoly[] {a}, op.binary ? new RnsPoly[] {b} : null, s, new RnsPoly[] {out}, chain);
    }

    /**
     * {@code op} over the limbs of every out[i]: one kernel per {@value #MAX_POLYS} polynomials of one limb
     * count (a ciphertext's polynomials, a batch of sessions' in one launch). b is null for the unary ops.
     */
    private synchronized void polyPointwise(Op op, RnsPoly[] a, RnsPoly[] b, long[] s, RnsPoly[] out, NttTable[] chain) {
        int count = out.length;
        if (count == 0 || a.length != count || (op.binary && b.length != count)) {
            throw new IllegalArgumentException(op + ": " + a.length + (op.binary ? ", " + b.length : "") + " and "
                    + count + " polynomials; needs as many of each, at least one");
        }
        requireDistinct(out);
        requireOwnInputsOnly(out, a, b);
        Map<Integer, List<Integer>> byLimbs = new LinkedHashMap<>();  // a kernel takes one limb count
        for (int i = 0; i < count; i++) {
            byLimbs.computeIfAbsent(out[i].limbCount(), k -> new ArrayList<>()).add(i);
        }
        for (Map.Entry<Integer, List<Integer>> group : byLimbs.entrySet()) {
            int[] members = group.getValue().stream().mapToInt(Integer::intValue).toArray();
            beginOperation();
            pointwiseOfOneLimbCount(op, pick(a, members), op.binary ? pick(b, members) : null, s, pick(out, members),
                    group.getKey(), chain);
        }
    }

    private static RnsPoly[] pick(RnsPoly[] ps, int[] indices) {
        return Arrays.stream(indices).mapToObj(i -> ps[i]).toArray(RnsPoly[]::new);
    }

    private void pointwiseOfOneLimbCount(Op op, RnsPoly[] a, RnsPoly[] b, long[] s, RnsPoly[] out, int limbs,
                                         NttTable[] chain) {
        int count = out.length;
        long table = chainTable(chain, limbs, out[0]);
        long[] shoup = op.scalar ? scalarShoups(s, limbs, chain) : null;
        long[] pa = new long[count];
        long[] pb = new long[count];
        long[] po = new long[count];
        for (int i = 0; i < count; i++) {
            requirePolys(limbs, op.binary ? new RnsPoly[] {out[i], a[i], b[i]} : new RnsPoly[] {out[i], a[i]});
            pa[i] = polys.input(a[i]);
            pb[i] = op.binary ? polys.input(b[i]) : 0;
        }
        for (int i = 0; i < count; i++) {  // after every input: an output may be one of them
            po[i] = op == Op.MUL_ADD ? polys.inputOutput(out[i]) : polys.output(out[i]);
        }
        nativePolyPointwise(context, table, op.ordinal(), pa, pb, s, shoup, po, limbs);
    }

    @Override
    public synchronized void fromSigned(long[][] coefficients, RnsPoly[] out, NttTable[] chain) {
        beginOperation();
        if (out.length == 0 || coefficients.length != out.length) {
            throw new IllegalArgumentException("fromSigned: " + coefficients.length + " rows for " + out.length
                    + " polynomials; needs one per polynomial, at least one");
        }
        requireDistinct(out);
        int limbs = out[0].limbCount();
        long table = chainTable(chain, limbs, out[0]);
        for (int i = 0; i < limbs; i++) {
            if (chain[i].modulus().value() < 1L << 15) {  // below the kernel's Barrett steps' range
                RingBackend.super.fromSigned(coefficients, out, chain);
                return;
            }
        }
        long[] addresses = new long[out.length];
        for (int p = 0; p < out.length; p++) {
            requireLength("coefficients", coefficients[p], out[p].n());
            requirePolys(limbs, out[0], out[p]);
            if (out[p].limbCount() != limbs) {
                throw new IllegalArgumentException("fromSigned: outputs of " + limbs + " and " + out[p].limbCount()
                        + " limbs");
            }
            addresses[p] = polys.output(out[p]);
        }
        long scratch = polys.scratch((long) coefficients.length * out[0].n());
        try {
            nativePolyFromSigned(context, table, coefficients, addresses, limbs, scratch);
        } finally {
            polys.freeScratch(scratch);
        }
        polys.countUpload(8L * coefficients.length * out[0].n());
    }

    @Override
    public synchronized void permute(RnsPoly a, int[] perm, RnsPoly out) {
        beginOperation();
        if (a == out) {
            throw new IllegalArgumentException("permute: out must not alias a");
        }
        requirePolys(out.limbCount(), out, a);
        long device = permutation(perm, out.n());
        long pa = polys.input(a);
        nativePolyPermute(context, pa, device, polys.output(out), out.limbCount(), out.n());
    }

    @Override
    public synchronized void copy(RnsPoly a, int aFrom, RnsPoly out, int outFrom, int count) {
        beginOperation();
        if (a == out) {
            throw new IllegalArgumentException("copy: out must not be a");  // device copies must not overlap
        }
        requireRange(aFrom, count, a);
        requireRange(outFrom, count, out);
        requirePolys(0, a, out);
        if (count == 0) {
            return;
        }
        long n = out.n();
        long pa = polys.input(a);
        long po = count == out.limbCount() ? polys.output(out) : polys.inputOutput(out);  // a part: keep the rest
        nativeCopy(context, po + 8 * outFrom * n, pa + 8 * aFrom * n, count * n);
    }

    /** One kernel per {@value #MAX_POLYS} polynomials, each with its converter, writing the target limbs in place. */
    @Override
    public synchronized void convertBasis(RnsPoly[] in, int[] inFrom, RnsPoly[] out, int[] outLimbs,
                                          BasisConverter[] converters) {
        beginOperation();
        int count = in.length;
        if (count == 0 || out.length != count || inFrom.length != count || converters.length != count) {
            throw new IllegalArgumentException("convertBasis: " + count + " polynomials in, " + out.length + " out, "
                    + inFrom.length + " first limbs, " + converters.length + " converters; needs as many of each");
        }
        if (outLimbs.length > MAX_ROWS) {
            throw new IllegalArgumentException(outLimbs.length + " target limbs (the kernel writes at most " + MAX_ROWS + ")");
        }
        RnsPoly[] all = Arrays.copyOf(in, 2 * count);
        System.arraycopy(out, 0, all, count, count);
        requireDistinct(out);
        requirePolys(0, all);
        int highest = highestDistinct(outLimbs, "convertBasis");
        long[] bases = new long[count];
        long[] pin = new long[count];
        long[] po = new long[count];
        for (int p = 0; p < count; p++) {
            BasisConverter converter = converters[p];
            if (converter.toSize() != outLimbs.length) {
                throw new IllegalArgumentException(outLimbs.length + " target limbs for a conversion to "
                        + converter.toSize() + " primes");
            }
            for (RnsPoly input : in) {
                if (input == out[p]) {
                    throw new IllegalArgumentException("convertBasis: an output is also an input");
                }
            }
            requireRange(inFrom[p], converter.fromSize(), in[p]);
            requireRange(highest, 1, out[p]);
            bases[p] = basis(converter);
            pin[p] = polys.input(in[p]) + 8L * inFrom[p] * in[p].n();
        }
        for (int p = 0; p < count; p++) {
            po[p] = outLimbs.length == out[p].limbCount() ? polys.output(out[p]) : polys.inputOutput(out[p]);
        }
        nativePolyConvertBasis(context, bases, pin, po, outLimbs, out[0].n());
    }

    @Override
    public void keySwitchProduct(RnsPoly[] digits, RnsPoly[] keyB, RnsPoly[] keyA, int[] keyLimbs, int[] perm,
                                 RnsPoly acc0, RnsPoly acc1, NttTable[] chain) {
        keySwitchProducts(new RnsPoly[][] {digits}, new RnsPoly[][] {keyB}, new RnsPoly[][] {keyA}, keyLimbs,
                new int[][] {perm}, new RnsPoly[] {acc0}, new RnsPoly[] {acc1}, chain);
    }

    /** One call: the JNI layer launches a kernel per 8 products (ZKC_MAX_PRODUCTS) of {@value #MAX_TERMS} digits in all. */
    @Override
    public synchronized void keySwitchProducts(RnsPoly[][] digits, RnsPoly[][] keyB, RnsPoly[][] keyA, int[] keyLimbs,
                                               int[][] perms, RnsPoly[] acc0, RnsPoly[] acc1, NttTable[] chain) {
        int products = digits.length;
        if (products == 0 || keyB.length != products || keyA.length != products || acc0.length != products
                || acc1.length != products || perms.length != products) {
            throw new IllegalArgumentException("key switching products: " + products + " digit lists, " + keyB.length
                    + " and " + keyA.length + " key lists, " + perms.length + " permutations, " + acc0.length + " and "
                    + acc1.length + " outputs");
        }
        for (int g = 0; g < products; g++) {
            int count = digits[g].length;
            if (count == 0 || count > MAX_TERMS || keyB[g].length != count || keyA[g].length != count
                    || keyLimbs.length < acc0[g].limbCount()) {
                throw new IllegalArgumentException("key switching product: " + count + " digits (at most " + MAX_TERMS
                        + "), " + keyB[g].length + " and " + keyA[g].length + " key digits, " + keyLimbs.length
                        + " key limbs for " + acc0[g].limbCount());
            }
        }
        long[] devicePerms = new long[products];
        for (int g = 0; g < products; g++) {
            devicePerms[g] = perms[g] == null ? 0 : permutation(perms[g], acc0[0].n());
        }
        beginOperation();
        innerProducts(digits, keyB, keyA, keyLimbs, devicePerms, acc0, acc1, chain);
    }

    /**
     * The sums cut into pieces of at most {@value #MAX_TERMS} terms, packed into the key-switching kernel as
     * {@link #keySwitchProducts} packs products (the plaintexts as digits, the ciphertexts' polynomials as keys):
     * a sum's first piece writes its outputs, each later one a fresh pair then added to them, one addition of
     * every sum's piece r at a time.
     */
    @Override
    public synchronized void productSums(RnsPoly[][] shared, RnsPoly[][] a, RnsPoly[][] b, RnsPoly[] out0,
                                         RnsPoly[] out1, NttTable[] chain) {
        int sums = shared.length;
        if (sums == 0 || a.length != sums || b.length != sums || out0.length != sums || out1.length != sums) {
            throw new IllegalArgumentException("productSums: " + sums + ", " + a.length + " and " + b.length
                    + " term lists for " + out0.length + " and " + out1.length + " outputs; needs as many of each");
        }
        int limbs = out0[0].limbCount();
        List<RnsPoly[]> digits = new ArrayList<>();
        List<RnsPoly[]> keyB = new ArrayList<>();
        List<RnsPoly[]> keyA = new ArrayList<>();
        List<RnsPoly> acc0 = new ArrayList<>();
        List<RnsPoly> acc1 = new ArrayList<>();
        List<List<RnsPoly>> outs = new ArrayList<>();  // outs.get(r - 1), addends.get(r - 1): the sums with a piece r
        List<List<RnsPoly>> addends = new ArrayList<>();
        for (int g = 0; g < sums; g++) {
            if (out0[g].limbCount() != limbs || out1[g].limbCount() != limbs) {
                throw new IllegalArgumentException("productSums: outputs of " + limbs + " and " + out0[g].limbCount()
                        + " limbs");
            }
            for (int from = 0, r = 0; from < shared[g].length; from += MAX_TERMS, r++) {
                int to = Math.min(shared[g].length, from + MAX_TERMS);
                digits.add(Arrays.copyOfRange(shared[g], from, to));
                keyB.add(Arrays.copyOfRange(a[g], from, to));
                keyA.add(Arrays.copyOfRange(b[g], from, to));
                RnsPoly piece0 = r == 0 ? out0[g] : RnsPoly.zero(limbs, out0[g].n(), true);
                RnsPoly piece1 = r == 0 ? out1[g] : RnsPoly.zero(limbs, out0[g].n(), true);
                acc0.add(piece0);
                acc1.add(piece1);
                if (r > 0) {
                    if (outs.size() < r) {
                        outs.add(new ArrayList<>());
                        addends.add(new ArrayList<>());
                    }
                    outs.get(r - 1).addAll(List.of(out0[g], out1[g]));
                    addends.get(r - 1).addAll(List.of(piece0, piece1));
                }
            }
        }
        int[] rows = new int[limbs];
        Arrays.setAll(rows, k -> k);
        keySwitchProducts(digits.toArray(RnsPoly[][]::new), keyB.toArray(RnsPoly[][]::new),
                keyA.toArray(RnsPoly[][]::new), rows, new int[digits.size()][], acc0.toArray(RnsPoly[]::new),
                acc1.toArray(RnsPoly[]::new), chain);
        for (int r = 0; r < outs.size(); r++) {
            RnsPoly[] targets = outs.get(r).toArray(RnsPoly[]::new);
            add(targets, addends.get(r).toArray(RnsPoly[]::new), targets, chain);
        }
    }

    /**
     * For each product g: acc0[g] = Σ_j π_g(digits[g][j]) · keyB[g][j], acc1[g] = Σ_j π_g(digits[g][j]) · keyA[g][j]
     * over the outputs' limbs (all of one count), the keys' limb keyLimbs[k] for limb k, π_g the device
     * permutation perms[g] (0: none); the JNI layer packs them into kernels of at most 8 (ZKC_MAX_PRODUCTS)
     * products and {@value #MAX_TERMS} terms, each product at most {@value #MAX_TERMS} terms.
     */
    private void innerProducts(RnsPoly[][] digits, RnsPoly[][] keyB, RnsPoly[][] keyA, int[] keyLimbs, long[] perms,
                               RnsPoly[] acc0, RnsPoly[] acc1, NttTable[] chain) {
        int limbs = acc0[0].limbCount();
        long table = chainTable(chain, limbs, acc0[0]);
        int lowest = keyLimbs[0];
        int highest = keyLimbs[0];
        for (int k = 1; k < limbs; k++) {
            lowest = Math.min(lowest, keyLimbs[k]);
            highest = Math.max(highest, keyLimbs[k]);
        }
        int rows = highest - lowest + 1;  // the key rows read lie in these
        int terms = 0;
        int[] starts = new int[digits.length + 1];
        for (int g = 0; g < digits.length; g++) {
            terms += digits[g].length;
            starts[g + 1] = terms;
        }
        RnsPoly[] outputs = new RnsPoly[2 * digits.length];
        for (int g = 0; g < digits.length; g++) {
            outputs[2 * g] = acc0[g];
            outputs[2 * g + 1] = acc1[g];
            requirePolys(limbs, acc0[g], acc1[g]);
        }
        requireDistinct(outputs);
        long[] pd = new long[terms];
        long[] pb = new long[terms];
        long[] pa = new long[terms];
        for (int g = 0, t = 0; g < digits.length; g++) {
            for (int j = 0; j < digits[g].length; j++, t++) {
                RnsPoly d = digits[g][j];
                RnsPoly kb = keyB[g][j];
                RnsPoly ka = keyA[g][j];
                requirePolys(limbs, d);
                requireRange(lowest, rows, kb);
                requireRange(lowest, rows, ka);
                requirePolys(0, acc0[g], d, kb, ka);
                pd[t] = polys.input(d);
                pb[t] = polys.input(kb);
                pa[t] = polys.input(ka);
            }
        }
        long[] p0 = new long[digits.length];
        long[] p1 = new long[digits.length];
        for (int g = 0; g < digits.length; g++) {  // after every input
            p0[g] = polys.output(acc0[g]);
            p1[g] = polys.output(acc1[g]);
        }
        nativePolyKeySwitchProducts(context, table, pd, pb, pa, starts, keyLimbs, perms, p0, p1, limbs);
    }

    /** The launches of one rescale per {@value #MAX_POLYS} polynomials. */
    @Override
    public synchronized void rescale(RnsPoly[] as, long[] s, RnsPoly[] outs, NttTable[] chain) {
        beginOperation();
        if (as.length == 0 || outs.length != as.length) {
            throw new IllegalArgumentException("rescale: " + as.length + " polynomials and " + outs.length
                    + " outputs; needs as many of each, at least one");
        }
        int limbs = as[0].limbCount();
        for (int p = 0; p < as.length; p++) {  // an output has fewer limbs than any input: none aliases one
            if (limbs < 2 || as[p].limbCount() != limbs || outs[p].limbCount() != limbs - 1) {
                throw new IllegalArgumentException("rescale: " + as[p].limbCount() + " limbs to " + outs[p].limbCount()
                        + "; needs " + Math.max(limbs, 2) + ", as the first polynomial, and one fewer out");
            }
            requirePolys(limbs - 1, as[0], outs[p]);
        }
        requireDistinct(outs);
        long table = chainTable(chain, limbs, as);
        long[] shoup = scalarShoups(s, limbs - 1, chain);
        long[] pa = new long[as.length];
        long[] po = new long[outs.length];
        for (int p = 0; p < as.length; p++) {
            pa[p] = polys.input(as[p]);
        }
        for (int p = 0; p < outs.length; p++) {
            po[p] = polys.output(outs[p]);  // after every input
        }
        long scratch = polys.scratch((long) Math.min(as.length, MAX_POLYS) * limbs * as[0].n());
        try {
            nativePolyRescale(context, table, pa, limbs, s, shoup, po, scratch);
        } finally {
            polys.freeScratch(scratch);
        }
    }

    @Override
    public synchronized void finish() {
        nativeFinish(context());
    }

    /** What the polynomial operations hold on the device and have moved and run so far (tests, benchmarks). */
    public synchronized DeviceTraffic traffic() {
        return polys.traffic(nativeLaunches(context()), nativeWaitNanos(context()));
    }

    /**
     * The device table of chain for operations over {@code limbs} limbs of the given polynomials,
     * after checking that they have that many limbs of the chain's n.
     */
    private long chainTable(NttTable[] chain, int limbs, RnsPoly... operands) {
        if (limbs < 1 || limbs > chain.length) {
            throw new IllegalArgumentException(limbs + " limbs for a chain of " + chain.length + " primes");
        }
        requirePolys(limbs, operands);
        int n = chain[0].n();
        if (operands[0].n() != n) {
            throw new IllegalArgumentException("polynomials of degree " + operands[0].n() + " for a ring of degree " + n);
        }
        return chainTables.of(chain, this::createTable);
    }

    /** Limbs from .. from + count - 1 exist in p. */
    private static void requireRange(int from, int count, RnsPoly p) {
        if (from < 0 || count < 0 || from + count > p.limbCount()) {
            throw new IllegalArgumentException("limbs " + from + ".." + (from + count - 1) + " of a polynomial of "
                    + p.limbCount());
        }
    }

    /** The device tables of converter, kept while it lives. */
    private long basis(BasisConverter converter) {
        return bases.of(converter, c -> {
            FlatBasis flat = FlatBasis.of(c);
            return nativeCreateBasis(context, flat.fromModuli(), c.qHatInverse(), c.qHatInverseShoup(),
                    flat.toModuli(), flat.qHatModP(), flat.qHatModPShoup());
        });
    }

    /** Every operand has at least {@code limbs} limbs, all of one degree. */
    private void requirePolys(int limbs, RnsPoly... operands) {
        int n = operands[0].n();
        for (RnsPoly p : operands) {
            if (p.limbCount() < limbs) {
                throw new IllegalArgumentException("a polynomial of " + p.limbCount() + " limbs where " + limbs
                        + " are needed");
            }
            if (p.n() != n) {
                throw new IllegalArgumentException("polynomials of degrees " + n + " and " + p.n());
            }
        }
    }

    /** The Shoup companions of s[i] mod chain[i]'s prime, after checking each is a residue. */
    private static long[] scalarShoups(long[] s, int limbs, NttTable[] chain) {
        if (s.length < limbs) {
            throw new IllegalArgumentException(s.length + " scalars for " + limbs + " limbs");
        }
        long[] shoup = new long[limbs];
        for (int i = 0; i < limbs; i++) {
            Modulus q = chain[i].modulus();
            requireResidue(s[i], q);
            shoup[i] = q.shoup(s[i]);
        }
        return shoup;
    }

    /** The device copy of perm (checked once: a permutation of [0, n)). */
    private long permutation(int[] perm, int n) {
        return permutations.of(perm, p -> {
            if (p.length != n) {
                throw new IllegalArgumentException("permutation has " + p.length + " entries for rows of " + n);
            }
            for (int i = 0; i < n; i++) {
                if (p[i] < 0 || p[i] >= n) {
                    throw badPermutationEntry(p, i, n);
                }
            }
            return nativeUploadPermutation(context, p);
        });
    }

    /** Starts an operation on polynomials: refuses on a closed backend, frees what was collected. */
    private void beginOperation() {
        context();
        polys.beginOperation();
        chainTables.destroyCollected();
        bases.destroyCollected();
        permutations.destroyCollected();
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
                key -> createTable(new NttTable[] {table}));
    }

    /** A device table whose limb i is tables[i] (all of one n). */
    private long createTable(NttTable[] tables) {
        int k = tables.length;
        int n = tables[0].n();
        long[] moduli = new long[k];
        long[][] twiddles = new long[4][k * n];
        long[][] inverses = new long[2][k];
        for (int i = 0; i < k; i++) {
            NttTable t = tables[i];
            moduli[i] = t.modulus().value();
            long[][] rows = {t.psiPowers(), t.psiPowersShoup(), t.inversePsiPowers(), t.inversePsiPowersShoup()};
            for (int r = 0; r < rows.length; r++) {
                System.arraycopy(rows[r], 0, twiddles[r], i * n, n);
            }
            inverses[0][i] = t.nInverse();
            inverses[1][i] = t.nInverseShoup();
        }
        return nativeCreateTable(context(), moduli, twiddles[0], twiddles[1], twiddles[2], twiddles[3], inverses[0],
                inverses[1]);
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
            return nativeCreateTable(context(), new long[] {k.q()}, zeros, zeros, zeros, zeros, new long[1], new long[1]);
        });
    }

    /** The kernels' row length for {@code length} words: the smallest power of two ≥ it, at least 2. */
    private static int rowLength(int length) {
        return Math.max(2, Integer.highestOneBit(length - 1) << 1);
    }

    private static native long nativeCreate(int device);

    private static native void nativeDestroy(long context);

    /** A table of k = moduli.length limbs; the twiddles are [k][n] (flat), nInverse and nInverseShoup [k]. */
    private static native long nativeCreateTable(long context, long[] moduli, long[] psi, long[] psiShoup,
            long[] inversePsi, long[] inversePsiShoup, long[] nInverse, long[] nInverseShoup);

    private static native void nativeDestroyTable(long context, long table);

    private static native void nativeNtt(long context, long table, long[] a, boolean inverse);

    /** b is unused by the unary ops, s and sShoup by the ops without a scalar; out is also the acc of MUL_ADD. */
    private static native void nativePointwise(long context, long table, int op, long[] a, long[] b, long s,
            long sShoup, long[] out);

    /** Returns -1, or the first position of perm whose index is out of range (then out is untouched). */
    private static native int nativePermute(long context, long[] a, int[] perm, long[] out);

    /** Frees device words (a polynomial's, a permutation's). */
    private static native void nativeFree(long context, long address);

    /** Returns -1, or the first out-of-range position of perm (then nothing is written). */
    private static native int nativeKeySwitchProduct(long context, long table, long[][] digits, long[][] keyB,
            long[][] keyA, int[] perm, long[] acc0, long[] acc1);

    private static native void nativeConvertBasis(long context, long[][] in, long[][] out, long[] fromModuli,
            long[] qHatInverse, long[] qHatInverseShoup, long[] toModuli, long[] qHatModP, long[] qHatModPShoup);

    // Polynomial kernels over device words at addresses DevicePolys holds: [limbs][n] each.

    /** Device words, or 0 when the device has no room. */
    private static native long nativeAlloc(long context, long words);

    private static native void nativeUploadLimbs(long context, long address, long[][] limbs, int count, int n);

    private static native void nativeDownloadLimbs(long context, long address, long[][] limbs, int count, int n);

    private static native void nativeCopy(long context, long dst, long src, long words);

    private static native void nativeFinish(long context);

    /** Kernels launched and device copies and fills queued on the context so far (zkc_launches). */
    private static native long nativeLaunches(long context);

    /** Nanoseconds blocked in the stream's synchronizations so far (zkc_wait_nanos). */
    private static native long nativeWaitNanos(long context);

    private static native void nativeZero(long context, long address, long words);

    /**
     * The listed limbs (distinct) of the [limbs][n] words at each address, with the table's rows of the same
     * index; an inverse NTT reads from[p]'s limbs when from is not null.
     */
    private static native void nativePolyNtt(long context, long table, long[] from, long[] polys, int[] limbs,
            boolean inverse);

    /** Device tables of a conversion, from FlatBasis's layout. */
    private static native long nativeCreateBasis(long context, long[] fromModuli, long[] qHatInverse,
            long[] qHatInverseShoup, long[] toModuli, long[] qHatModP, long[] qHatModPShoup);

    private static native void nativeDestroyBasis(long context, long basis);

    /** The k source rows of bases[p] at in[p] (n words each) to rows outLimbs[t] of the polynomial at out[p], every p. */
    private static native void nativePolyConvertBasis(long context, long[] bases, long[] in, long[] out, int[] outLimbs,
            int n);

    /**
     * RingBackend.keySwitchProducts over {@code limbs} limbs in one call: product g sums the terms
     * [starts[g], starts[g + 1]) of digits, keyB and keyA (device addresses) into acc0[g] and acc1[g]; key limb
     * keyLimbs[k] pairs with limb k; product g reads its digits through the device permutation perms[g] (0: none).
     * Products of at most 64 terms each, packed into kernels of 8 products and 64 terms; at most 64 limbs (zkllm_cuda.h).
     */
    private static native void nativePolyKeySwitchProducts(long context, long table, long[] digits, long[] keyB,
            long[] keyA, int[] starts, int[] keyLimbs, long[] perms, long[] acc0, long[] acc1, int limbs);

    /**
     * op over device polynomials by address, one kernel per 64; s and sShoup: one scalar per limb, for the scalar
     * ops (else null); b's addresses are unused by the unary ops.
     */
    private static native void nativePolyPointwise(long context, long table, int op, long[] a, long[] b, long[] s,
            long[] sShoup, long[] out, int limbs);

    /**
     * out[p] = (a[p] - b[p])·s + π_p(c[p]) over {@code limbs} limbs of device polynomials by address, c[p] = 0
     * meaning no addend, π_p the device permutation perms[p] (0: none); one kernel per 64 polynomials.
     */
    private static native void nativePolySubMulScalarAdd(long context, long table, long[] a, long[] b, long[] c,
            long[] perms, long[] s, long[] sShoup, long[] out, int limbs);

    /**
     * c[p]: n signed coefficients of out[p] (device addresses), |c| < 2^61; every prime of the table's first
     * limbs at least 2^15. One copy up into scratch (c.length·n device words), one kernel per 64 polynomials.
     */
    private static native void nativePolyFromSigned(long context, long table, long[][] c, long[] out, int limbs,
                                                    long scratch);

    private static native long nativeUploadPermutation(long context, int[] perm);

    private static native void nativePolyPermute(long context, long a, long perm, long out, int limbs, int n);

    /** a has {@code limbs} limbs, out one fewer; t is the prime of a's last limb; scratch: min(a.length, 64)·limbs·n words. */
    private static native void nativePolyRescale(long context, long table, long[] a, int limbs, long[] s, long[] sShoup,
                                                 long[] out, long scratch);
}
