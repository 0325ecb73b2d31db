package ai.zkllm.fhe.circuits;

import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.Encoder;
import ai.zkllm.fhe.ckks.Evaluator;
import ai.zkllm.fhe.ckks.Plaintext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An arbitrary slot-linear map given by its diagonals: y = Σ_k d_k ⊙ rot(x, k), where rot is the
 * left rotation of the slots and k ranges over any set of offsets (taken mod slots). This is the
 * general form of every plaintext linear map on one ciphertext (block-diagonal matrices, several
 * tokens at once, masks, per-slot scalings folded in); {@link LinearTransform} is the special case
 * of one dense matrix in periodic packing.
 *
 * <p><b>Baby-step/giant-step.</b> With stride n1, k = g + b, g a multiple of n1, 0 ≤ b &lt; n1:
 * y = Σ_g rot(Σ_b rot(d_k, -g) ⊙ rot(x, b), g). The baby rotations of x share one hoisted
 * decomposition; diagonals are stored pre-rotated by -g. Several transforms with the same stride
 * can share one set of baby rotations ({@link #accumulate}), and sums of transforms of different
 * inputs can be rescaled once.
 *
 * <p><b>Level and scale.</b> Diagonals are encoded at scale q_level, so {@link #apply} returns one
 * level down at exactly the input's scale. With {@code cacheEncodings} the plaintexts of each level
 * are kept (a megabyte per diagonal and 8 levels at N = 2^14: worth it for a long-lived evaluator
 * that runs a transform at one planned level); otherwise they are encoded per call. Either way the
 * output bytes are the same.
 */
public final class DiagonalTransform {
    /**
     * Products per {@link Evaluator#multiplySum} call and diagonals per {@link Encoder#encodeEach}: bounds the
     * encodings alive at once when they are not cached, and is one GPU launch's worth of products (the cuda
     * backend splits larger sums).
     */
    static final int TERMS_PER_SUM = 64;

    private final int slots;
    private final int babyStride;
    /** Pre-rotated non-zero diagonals by giant offset g, then baby offset b. */
    private final Map<Integer, Map<Integer, double[]>> diagonals = new TreeMap<>();
    private final boolean cacheEncodings;
    private final Map<Integer, Map<Integer, Map<Integer, Plaintext>>> encodedByLevel = new ConcurrentHashMap<>();

    /**
     * @param slots the slot count of the parameter set it will run on
     * @param diagonals offset k → the slot vector d_k (length slots); all-zero diagonals are dropped
     * @param babyStride n1 ≥ 1, or 0 to pick ≈ √(span of the offsets)
     */
    public DiagonalTransform(int slots, Map<Integer, double[]> diagonals, int babyStride) {
        this(slots, diagonals, babyStride, false);
    }

    public DiagonalTransform(int slots, Map<Integer, double[]> diagonals, int babyStride, boolean cacheEncodings) {
        this.cacheEncodings = cacheEncodings;
        this.slots = slots;
        TreeMap<Integer, double[]> normalized = new TreeMap<>();
        for (Map.Entry<Integer, double[]> e : diagonals.entrySet()) {
            if (e.getValue().length != slots) {
                throw new IllegalArgumentException("diagonal " + e.getKey() + " has " + e.getValue().length
                        + " entries, need " + slots);
            }
            boolean nonZero = false;
            for (double v : e.getValue()) {
                nonZero |= v != 0;
            }
            if (nonZero) {
                int k = Math.floorMod(e.getKey(), slots);
                double[] prev = normalized.get(k);
                if (prev == null) {
                    normalized.put(k, e.getValue().clone());
                } else {
                    for (int j = 0; j < slots; j++) {
                        prev[j] += e.getValue()[j];
                    }
                }
            }
        }
        this.babyStride = babyStride > 0 ? babyStride : defaultStride(normalized.isEmpty() ? 1 : normalized.lastKey() + 1);
        for (Map.Entry<Integer, double[]> e : normalized.entrySet()) {
            int k = e.getKey();
            int g = k - k % this.babyStride;
            double[] d = e.getValue();
            double[] shifted = new double[slots];
            for (int j = 0; j < slots; j++) {
                shifted[(j + g) % slots] = d[j];
            }
            this.diagonals.computeIfAbsent(g, x -> new TreeMap<>()).put(k - g, shifted);
        }
    }

    /** n1 = a power of two near √span. */
    public static int defaultStride(int span) {
        int bits = 32 - Integer.numberOfLeadingZeros(Math.max(1, span - 1));
        return 1 << ((bits + 1) / 2);
    }

    public int babyStride() { return babyStride; }

    /** Number of non-zero diagonals (plaintext products per application). */
    public int diagonalCount() {
        return diagonals.values().stream().mapToInt(Map::size).sum();
    }

    /** Non-zero baby rotations of x, ascending. */
    public int[] babySteps() {
        TreeSet<Integer> s = new TreeSet<>();
        diagonals.values().forEach(b -> s.addAll(b.keySet()));
        s.remove(0);
        return s.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Non-zero giant rotations, ascending. */
    public int[] giantSteps() {
        TreeSet<Integer> s = new TreeSet<>(diagonals.keySet());
        s.remove(0);
        return s.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Exactly the left rotations {@link #apply} performs: the Galois keys it needs. */
    public int[] requiredRotations() {
        TreeSet<Integer> s = new TreeSet<>();
        Arrays.stream(babySteps()).forEach(s::add);
        Arrays.stream(giantSteps()).forEach(s::add);
        return s.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Key switches one application costs: baby rotations (hoisted) plus giant rotations. */
    public int rotationCount() {
        return babySteps().length + giantSteps().length;
    }

    /** y = Σ_k d_k ⊙ rot(x, k), rescaled: one level below x, at x's scale. */
    public Ciphertext apply(Evaluator evaluator, Ciphertext x) {
        return evaluator.rescale(accumulate(evaluator, babyRotations(evaluator, x, babySteps())));
    }

    /** The hoisted rotations of x by {@code steps} (plus x itself under key 0). */
    public static Map<Integer, Ciphertext> babyRotations(Evaluator evaluator, Ciphertext x, int[] steps) {
        return babyRotationsEach(List.of(evaluator), List.of(x), steps).get(0);
    }

    /**
     * {@link #babyRotations} of xs[s] by evaluators[s] for each element of a batch (sessions at one
     * level), whose key switches share their launches on a GPU ({@link Evaluator#rotateHoistedEach}).
     */
    public static List<Map<Integer, Ciphertext>> babyRotationsEach(List<Evaluator> evaluators, List<Ciphertext> xs,
            int[] steps) {
        List<Map<Integer, Ciphertext>> hoisted = Evaluator.rotateHoistedEach(evaluators, xs, steps);
        List<Map<Integer, Ciphertext>> out = new ArrayList<>(xs.size());
        for (int s = 0; s < xs.size(); s++) {
            Map<Integer, Ciphertext> rotated = new TreeMap<>(hoisted.get(s));
            rotated.put(0, xs.get(s));
            out.add(rotated);
        }
        return out;
    }

    /**
     * Σ_k d_k ⊙ rot(x, k) before the rescale (scale x.scale()·q_level), from baby rotations of x
     * that include at least {@link #babySteps}. Sums of such results share one rescale.
     */
    public Ciphertext accumulate(Evaluator evaluator, Map<Integer, Ciphertext> rotated) {
        return sumEach(List.of(evaluator), List.of(this), List.of(List.of(rotated))).get(0);
    }

    /**
     * For each element s of a batch, Σ_i T_i(x_(s,i)) before the rescale, for transforms of the same
     * stride on inputs at one level and scale: the giant rotations are shared (one per giant offset
     * for the whole sum), and every diagonal is encoded once for the whole batch. The evaluators share
     * one context, as the sessions of one program do (their keys differ); element s is the bytes its
     * sum would be alone. Encoding dominates a large transform, so a batch of B costs far less than B sums.
     */
    public static List<Ciphertext> sumEach(List<Evaluator> evaluators, List<DiagonalTransform> transforms,
            List<List<Map<Integer, Ciphertext>>> rotatedInputs) {
        Evaluator first = evaluators.get(0);
        int level = rotatedInputs.get(0).get(0).get(0).level();
        for (int s = 0; s < evaluators.size(); s++) {
            if (evaluators.get(s).context() != first.context()) {
                throw new IllegalArgumentException("a batch shares one context; evaluator " + s + " has another");
            }
            for (Map<Integer, Ciphertext> rotated : rotatedInputs.get(s)) {
                if (rotated.get(0).level() != level) {
                    throw new IllegalArgumentException("a batch's inputs share one level: " + level + " and "
                            + rotated.get(0).level());
                }
            }
        }
        if (level < 1) {
            throw new IllegalArgumentException("diagonal transform needs 1 level, the ciphertext has 0 left");
        }
        List<Map<Integer, Map<Integer, Plaintext>>> encoded = new ArrayList<>();
        TreeSet<Integer> giants = new TreeSet<>();
        for (DiagonalTransform t : transforms) {
            if (first.context().slots() != t.slots) {
                throw new IllegalArgumentException("transform over " + t.slots + " slots, evaluator has "
                        + first.context().slots());
            }
            encoded.add(t.cacheEncodings ? t.encodedByLevel.computeIfAbsent(level, l -> t.encodeAt(first, l)) : null);
            giants.addAll(t.diagonals.keySet());
        }
        // each giant step's partial sums and rotations are independent of the others, and the exact modular sum of
        // their results does not depend on the order. On a CPU each step rotates on its own thread as soon as its
        // partials are made (all together would hold every step's digits). On an operation-bound backend (a GPU)
        // every step's giant rotations go to one batch of key switches, which share their launches, and with
        // every diagonal encoded already, so do all steps' partial sums
        List<Integer> offsets = List.copyOf(giants);
        List<List<Ciphertext>> shifted;
        if (!first.context().ring().backend().operationBound()) {
            shifted = offsets.stream().parallel().map(g -> {
                List<Ciphertext> partials = giantPartials(first, transforms, rotatedInputs, encoded, level, g);
                return g == 0 ? partials : Evaluator.rotateEach(evaluators, partials, g);
            }).toList();
        } else {
            List<List<Ciphertext>> partials = encoded.contains(null)
                    ? offsets.stream().parallel()
                            .map(g -> giantPartials(first, transforms, rotatedInputs, encoded, level, g)).toList()
                    : cachedPartials(first, transforms, rotatedInputs, encoded, offsets);
            shifted = rotateTogether(evaluators, offsets, partials);
        }
        if (shifted.isEmpty()) {
            List<Ciphertext> zeros = new ArrayList<>(evaluators.size());
            for (int s = 0; s < evaluators.size(); s++) {
                zeros.add(evaluators.get(s).multiplyConstant(rotatedInputs.get(s).get(0).get(0), 0));
            }
            return zeros;
        }
        return sumAll(first, shifted);
    }

    /**
     * Σ_j terms.get(j) element by element, as a tree whose every level is one {@link Evaluator#addEach} (on a
     * GPU, one launch per 64 polynomials instead of one per term and element); an exact modular sum, the same
     * bytes in any order.
     */
    private static List<Ciphertext> sumAll(Evaluator evaluator, List<List<Ciphertext>> terms) {
        List<List<Ciphertext>> level = terms;
        while (level.size() > 1) {
            int half = level.size() / 2;
            int width = level.get(0).size();
            List<Ciphertext> as = new ArrayList<>(half * width);
            List<Ciphertext> bs = new ArrayList<>(half * width);
            for (int j = 0; j < half; j++) {
                as.addAll(level.get(j));
                bs.addAll(level.get(level.size() - half + j));
            }
            List<Ciphertext> sums = evaluator.addEach(as, bs);
            List<List<Ciphertext>> next = new ArrayList<>(half + 1);
            for (int j = 0; j < half; j++) {
                next.add(sums.subList(j * width, (j + 1) * width));
            }
            if (level.size() % 2 == 1) {
                next.add(level.get(half));  // the middle term waits for the next level
            }
            level = next;
        }
        return level.get(0);
    }

    /** partials.get(j) (one ciphertext per batch element) rotated by offsets.get(j), all in one batch of rotations. */
    private static List<List<Ciphertext>> rotateTogether(List<Evaluator> evaluators, List<Integer> offsets,
            List<List<Ciphertext>> partials) {
        List<Evaluator> owners = new ArrayList<>();
        List<Ciphertext> xs = new ArrayList<>();
        List<Integer> steps = new ArrayList<>();
        for (int j = 0; j < offsets.size(); j++) {
            if (offsets.get(j) != 0) {
                owners.addAll(evaluators);
                xs.addAll(partials.get(j));
                steps.addAll(Collections.nCopies(evaluators.size(), offsets.get(j)));
            }
        }
        List<Ciphertext> rotated = Evaluator.rotateEach(owners, xs, steps.stream().mapToInt(Integer::intValue).toArray());
        List<List<Ciphertext>> out = new ArrayList<>(offsets.size());
        int next = 0;
        for (int j = 0; j < offsets.size(); j++) {
            if (offsets.get(j) == 0) {
                out.add(partials.get(j));
            } else {
                out.add(rotated.subList(next, next + evaluators.size()));
                next += evaluators.size();
            }
        }
        return out;
    }

    /**
     * Per batch element s, Σ over the transforms of Σ_b rot(d_(g+b), -g) ⊙ rot(x_s, b) for giant
     * offset g; each diagonal is encoded once (by the shared context's encoder) for all elements.
     * The products go to {@link Evaluator#multiplySumEach} {@value #TERMS_PER_SUM} at a time, which bounds
     * the encodings alive at once when they are not cached.
     */
    private static List<Ciphertext> giantPartials(Evaluator evaluator, List<DiagonalTransform> transforms,
            List<List<Map<Integer, Ciphertext>>> rotatedInputs, List<Map<Integer, Map<Integer, Plaintext>>> encoded,
            int level, int g) {
        int batch = rotatedInputs.size();
        Ciphertext[] partials = new Ciphertext[batch];
        List<Plaintext> plaintexts = new ArrayList<>();  // null where the diagonal is still to be encoded
        List<double[]> unencoded = new ArrayList<>();  // those diagonals, in order
        List<List<Ciphertext>> terms = new ArrayList<>(batch);
        for (int s = 0; s < batch; s++) {
            terms.add(new ArrayList<>());
        }
        forEachDiagonal(transforms, rotatedInputs, g, (i, baby, diagonal, rotated) -> {
            plaintexts.add(encoded.get(i) != null ? encoded.get(i).get(g).get(baby) : null);
            if (encoded.get(i) == null) {
                unencoded.add(diagonal);
            }
            for (int s = 0; s < batch; s++) {
                terms.get(s).add(rotated.get(s));
            }
            if (plaintexts.size() == TERMS_PER_SUM) {
                addProducts(evaluator, terms, plaintexts, unencoded, level, partials);
            }
        });
        if (!plaintexts.isEmpty()) {
            addProducts(evaluator, terms, plaintexts, unencoded, level, partials);
        }
        return List.of(partials);
    }

    /**
     * {@link #giantPartials} of every offset, the diagonals all encoded already: every offset's and element's
     * sum in one {@link Evaluator#multiplySumEach} (on a GPU one call, the sums packed into its launches).
     */
    private static List<List<Ciphertext>> cachedPartials(Evaluator evaluator, List<DiagonalTransform> transforms,
            List<List<Map<Integer, Ciphertext>>> rotatedInputs, List<Map<Integer, Map<Integer, Plaintext>>> encoded,
            List<Integer> offsets) {
        int batch = rotatedInputs.size();
        List<List<Ciphertext>> terms = new ArrayList<>();  // per (offset, element), offset-major
        List<List<Plaintext>> plaintexts = new ArrayList<>();
        for (int g : offsets) {
            List<Plaintext> diagonals = new ArrayList<>();
            List<List<Ciphertext>> rotations = new ArrayList<>(batch);
            for (int s = 0; s < batch; s++) {
                rotations.add(new ArrayList<>());
            }
            forEachDiagonal(transforms, rotatedInputs, g, (i, baby, diagonal, rotated) -> {
                diagonals.add(encoded.get(i).get(g).get(baby));
                for (int s = 0; s < batch; s++) {
                    rotations.get(s).add(rotated.get(s));
                }
            });
            terms.addAll(rotations);
            plaintexts.addAll(Collections.nCopies(batch, diagonals));
        }
        List<Ciphertext> sums = evaluator.multiplySumEach(terms, plaintexts);
        List<List<Ciphertext>> out = new ArrayList<>(offsets.size());
        for (int j = 0; j < offsets.size(); j++) {
            out.add(sums.subList(j * batch, (j + 1) * batch));
        }
        return out;
    }

    /** What {@link #forEachDiagonal} visits: transform i's diagonal at baby step {@code baby}, and x_s rotated by it. */
    private interface DiagonalVisitor {
        void visit(int transform, int baby, double[] diagonal, List<Ciphertext> rotated);
    }

    /** Each diagonal of giant offset g over the transforms, in order, with every element's input rotated by its baby step. */
    private static void forEachDiagonal(List<DiagonalTransform> transforms,
            List<List<Map<Integer, Ciphertext>>> rotatedInputs, int g, DiagonalVisitor visit) {
        for (int i = 0; i < transforms.size(); i++) {
            Map<Integer, double[]> babies = transforms.get(i).diagonals.get(g);
            if (babies == null) {
                continue;
            }
            for (Map.Entry<Integer, double[]> baby : babies.entrySet()) {
                List<Ciphertext> rotated = new ArrayList<>(rotatedInputs.size());
                for (List<Map<Integer, Ciphertext>> element : rotatedInputs) {
                    Ciphertext r = element.get(i).get(baby.getKey());
                    if (r == null) {
                        throw new IllegalArgumentException("baby rotation " + baby.getKey() + " not supplied");
                    }
                    rotated.add(r);
                }
                visit.visit(i, baby.getKey(), baby.getValue(), rotated);
            }
        }
    }

    /**
     * partials[s] += Σ_k terms[s][k] · plaintexts[k] (the first sum is the partial), the unencoded diagonals
     * encoded first, all at once, into the null plaintexts, every session's sum in one operation; then clears
     * the lists.
     */
    private static void addProducts(Evaluator evaluator, List<List<Ciphertext>> terms, List<Plaintext> plaintexts,
            List<double[]> unencoded, int level, Ciphertext[] partials) {
        Iterator<Plaintext> made = evaluator.encoder()
                .encodeEach(unencoded, level, evaluator.context().qModulus(level).value()).iterator();
        plaintexts.replaceAll(p -> p != null ? p : made.next());
        unencoded.clear();
        List<Ciphertext> sums = evaluator.multiplySumEach(terms, Collections.nCopies(partials.length, plaintexts));
        List<Ciphertext> added = partials[0] == null ? sums : evaluator.addEach(Arrays.asList(partials), sums);
        for (int s = 0; s < partials.length; s++) {
            partials[s] = added.get(s);
            terms.get(s).clear();
        }
        plaintexts.clear();
    }

    /** Every diagonal encoded at level, {@value #TERMS_PER_SUM} at a time ({@link Encoder#encodeEach}). */
    private Map<Integer, Map<Integer, Plaintext>> encodeAt(Evaluator evaluator, int level) {
        double scale = evaluator.context().qModulus(level).value();
        List<int[]> offsets = new ArrayList<>();  // (giant, baby) of each diagonal, in order
        List<double[]> values = new ArrayList<>();
        diagonals.forEach((giant, babies) -> babies.forEach((baby, diagonal) -> {
            offsets.add(new int[] {giant, baby});
            values.add(diagonal);
        }));
        Map<Integer, Map<Integer, Plaintext>> encoded = new TreeMap<>();
        for (int from = 0; from < values.size(); from += TERMS_PER_SUM) {
            int to = Math.min(values.size(), from + TERMS_PER_SUM);
            List<Plaintext> made = evaluator.encoder().encodeEach(values.subList(from, to), level, scale);
            for (int j = from; j < to; j++) {
                encoded.computeIfAbsent(offsets.get(j)[0], g -> new TreeMap<>()).put(offsets.get(j)[1], made.get(j - from));
            }
        }
        return encoded;
    }
}
