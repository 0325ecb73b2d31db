package ai.zkllm.fhe.ckks;

import ai.zkllm.fhe.ring.RingContext;
import ai.zkllm.fhe.ring.RnsPoly;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Homomorphic operations with the public evaluation keys. Inputs are never modified; every
 * result is a new ciphertext. Binary operations bring both operands to the lower level; scales
 * must agree (relative difference at most {@link #SCALE_TOLERANCE}). Whatever cannot be computed
 * correctly throws: a missing key, an exhausted level, mismatched scales.
 */
public final class Evaluator {
    /** Largest relative difference between scales that add or subtract. */
    public static final double SCALE_TOLERANCE = 1e-9;

    private final CkksContext context;
    private final RingContext ring;
    private final KeySwitcher keySwitcher;
    private final EvaluationKeys keys;

    public Evaluator(CkksContext context, EvaluationKeys keys) {
        this.context = context;
        this.ring = context.ring();
        this.keySwitcher = context.keySwitcher();
        this.keys = keys;
    }

    /** The context every operand must belong to (its parameters and ring backend). */
    public CkksContext context() {
        return context;
    }

    /** The context's encoder, for plaintext operands at the level and scale an operation needs. */
    public Encoder encoder() {
        return context.encoder();
    }

    // ---- addition ----

    public Ciphertext add(Ciphertext a, Ciphertext b) {
        return combine(List.of(a), List.of(b), false, "add").get(0);
    }

    public Ciphertext sub(Ciphertext a, Ciphertext b) {
        return combine(List.of(a), List.of(b), true, "sub").get(0);
    }

    /**
     * as[s] + bs[s] for each s (several sessions' ciphertexts of this context): the same bytes as one
     * by one, in one ring operation (on a GPU one launch for up to 64 polynomials).
     */
    public List<Ciphertext> addEach(List<Ciphertext> as, List<Ciphertext> bs) {
        return combine(as, bs, false, "add");
    }

    public Ciphertext add(Ciphertext a, Plaintext p) {
        return combinePlain(a, p, false, "add");
    }

    public Ciphertext sub(Ciphertext a, Plaintext p) {
        return combinePlain(a, p, true, "sub");
    }

    /** a + c in every slot, c encoded at the ciphertext's scale. */
    public Ciphertext add(Ciphertext a, double c) {
        RnsPoly[] polys = copyPolys(a);
        ring.addConstant(polys[0], constantResidues(c * a.scale(), a.level()), polys[0]);
        return new Ciphertext(polys, a.level(), a.scale());
    }

    public Ciphertext sub(Ciphertext a, double c) {
        return add(a, -c);
    }

    public Ciphertext negate(Ciphertext a) {
        RnsPoly[] polys = copyPolys(a);
        for (RnsPoly p : polys) {
            ring.negate(p, p);
        }
        return new Ciphertext(polys, a.level(), a.scale());
    }

    // ---- multiplication ----

    /** The tensor product (a_0 b_0, a_0 b_1 + a_1 b_0, a_1 b_1): 3 polynomials, scale a·b. */
    public Ciphertext multiply(Ciphertext a, Ciphertext b) {
        requireSize(a, 2, "multiply");
        requireSize(b, 2, "multiply");
        int level = Math.min(a.level(), b.level());
        double scale = productScale(a.scale(), b.scale(), level, "multiply");
        int limbs = level + 1;
        int n = ring.n();
        RnsPoly d0 = RnsPoly.zero(limbs, n, true);
        RnsPoly d1 = RnsPoly.zero(limbs, n, true);
        RnsPoly d2 = RnsPoly.zero(limbs, n, true);
        ring.mul(a.poly(0), b.poly(0), d0);
        ring.mul(a.poly(0), b.poly(1), d1);
        ring.mulAdd(a.poly(1), b.poly(0), d1);
        ring.mul(a.poly(1), b.poly(1), d2);
        return new Ciphertext(new RnsPoly[] {d0, d1, d2}, level, scale);
    }

    /** Back from 3 polynomials to 2 with the relinearization key. */
    public Ciphertext relinearize(Ciphertext a) {
        if (a.size() == 2) {
            return a;
        }
        if (keys.relinearization() == null) {
            throw new IllegalArgumentException("relinearize: no relinearization key in the evaluation keys");
        }
        RnsPoly[] switched = keySwitcher.switchKey(a.poly(2), keys.relinearization().key(), a.level(),
                new RnsPoly[] {a.poly(0), a.poly(1)});  // d0 and d1 added by ModDown's last step
        return new Ciphertext(switched, a.level(), a.scale());
    }

    public Ciphertext multiplyRelin(Ciphertext a, Ciphertext b) {
        return relinearize(multiply(a, b));
    }

    /** a · p, scale a·p; a plaintext at scale 1 (integer polynomial) costs no level. */
    public Ciphertext multiply(Ciphertext a, Plaintext p) {
        int level = Math.min(a.level(), p.level());
        double scale = productScale(a.scale(), p.scale(), level, "multiply(plaintext)");
        RnsPoly[] polys = new RnsPoly[a.size()];
        for (int i = 0; i < polys.length; i++) {
            polys[i] = RnsPoly.zero(level + 1, ring.n(), true);
            ring.mul(a.poly(i), p.poly(), polys[i]);
        }
        return new Ciphertext(polys, level, scale);
    }

    /**
     * Σ_k xs[k] · ps[k], the sum a matrix's diagonals spend their time on: every product at one
     * level and scale. The same bytes as multiplying and adding term by term, as one ring operation
     * ({@link RingContext#productSums}: on a GPU one kernel instead of two per term).
     */
    public Ciphertext multiplySum(List<Ciphertext> xs, List<Plaintext> ps) {
        return multiplySumEach(List.of(xs), List.of(ps)).get(0);
    }

    /**
     * {@link #multiplySum}(xs[g], ps[g]) for each g (several sessions' or giant steps' sums, all at one level):
     * the same bytes as one by one, in one ring operation (on a GPU, up to 8 sums share a launch).
     */
    public List<Ciphertext> multiplySumEach(List<List<Ciphertext>> xs, List<List<Plaintext>> ps) {
        if (xs.size() != ps.size()) {
            throw new IllegalArgumentException("multiplySum: " + xs.size() + " and " + ps.size() + " sums");
        }
        int sums = xs.size();
        RnsPoly[][] shared = new RnsPoly[sums][];
        RnsPoly[][] c0 = new RnsPoly[sums][];
        RnsPoly[][] c1 = new RnsPoly[sums][];
        RnsPoly[] out0 = new RnsPoly[sums];
        RnsPoly[] out1 = new RnsPoly[sums];
        int level = -1;  // the first sum's: every sum's
        double[] scales = new double[sums];
        for (int g = 0; g < sums; g++) {
            List<Ciphertext> x = xs.get(g);
            List<Plaintext> p = ps.get(g);
            if (x.isEmpty() || x.size() != p.size()) {
                throw new IllegalArgumentException("multiplySum: " + x.size() + " ciphertexts and " + p.size()
                        + " plaintexts; needs as many of each, at least one");
            }
            int sumLevel = Math.min(x.get(0).level(), p.get(0).level());
            level = g == 0 ? sumLevel : level;
            if (sumLevel != level) {
                throw new IllegalArgumentException("multiplySum: sums at levels " + level + " and " + sumLevel);
            }
            double scale = scales[g] = productScale(x.get(0).scale(), p.get(0).scale(), level, "multiplySum");
            shared[g] = new RnsPoly[x.size()];
            c0[g] = new RnsPoly[x.size()];
            c1[g] = new RnsPoly[x.size()];
            for (int k = 0; k < x.size(); k++) {
                requireSize(x.get(k), 2, "multiplySum");
                if (Math.min(x.get(k).level(), p.get(k).level()) != level) {
                    throw new IllegalArgumentException("multiplySum: term " + k + " is a product at level "
                            + Math.min(x.get(k).level(), p.get(k).level()) + ", term 0 at " + level);
                }
                requireSameScale(scale, x.get(k).scale() * p.get(k).scale(), "multiplySum");
                shared[g][k] = p.get(k).poly();
                c0[g][k] = x.get(k).poly(0);
                c1[g][k] = x.get(k).poly(1);
            }
            out0[g] = RnsPoly.zero(level + 1, ring.n(), true);
            out1[g] = RnsPoly.zero(level + 1, ring.n(), true);
        }
        ring.productSums(shared, c0, c1, out0, out1);
        List<Ciphertext> out = new ArrayList<>(sums);
        for (int g = 0; g < sums; g++) {
            out.add(new Ciphertext(new RnsPoly[] {out0[g], out1[g]}, level, scales[g]));
        }
        return out;
    }

    /** a · c for an integer c: exact, scale and level unchanged. */
    public Ciphertext multiplyInteger(Ciphertext a, long c) {
        RnsPoly[] polys = copyPolys(a);
        for (RnsPoly p : polys) {
            ring.mulInteger(p, c, p);
        }
        return new Ciphertext(polys, a.level(), a.scale());
    }

    /**
     * a · c for a real c, encoded at scale q_level so that the next {@link #rescale} brings the
     * scale back to exactly a.scale(); c is quantized to a multiple of 1/q_level.
     */
    public Ciphertext multiplyConstant(Ciphertext a, double c) {
        double constantScale = context.qModulus(a.level()).value();
        double scale = productScale(a.scale(), constantScale, a.level(), "multiplyConstant");
        long[] residues = constantResidues(c * constantScale, a.level());
        RnsPoly[] polys = copyPolys(a);
        for (RnsPoly p : polys) {
            ring.mulConstant(p, residues, p);
        }
        return new Ciphertext(polys, a.level(), scale);
    }

    // ---- levels ----

    /** Divides by the last prime q_l, rounding: level - 1, scale / q_l. */
    public Ciphertext rescale(Ciphertext a) {
        return rescaleEach(List.of(a)).get(0);
    }

    /**
     * {@link #rescale} of each of as (several sessions' ciphertexts of this context, at one level): the same
     * bytes as one by one, in one ring operation (on a GPU the launches of one rescale per 64 polynomials).
     */
    public List<Ciphertext> rescaleEach(List<Ciphertext> as) {
        if (as.isEmpty()) {
            return List.of();
        }
        int level = as.get(0).level();
        if (level == 0) {
            throw new IllegalStateException("rescale: ciphertext is at level 0, no prime left to divide by (scale 2^"
                    + String.format("%.1f", Math.log(as.get(0).scale()) / Math.log(2)) + ")");
        }
        RnsPoly[] polys = as.stream().flatMap(a -> {
            if (a.level() != level) {
                throw new IllegalArgumentException("rescale: a batch shares one level: " + level + " and " + a.level());
            }
            return IntStream.range(0, a.size()).mapToObj(a::poly);
        }).toArray(RnsPoly[]::new);
        RnsPoly[] rescaled = ring.rescale(polys, context.rescaleInverse(level));
        double divisor = ring.modulus(level).value();
        List<Ciphertext> out = new ArrayList<>(as.size());
        int next = 0;
        for (Ciphertext a : as) {
            out.add(new Ciphertext(Arrays.copyOfRange(rescaled, next, next + a.size()), level - 1, a.scale() / divisor));
            next += a.size();
        }
        return out;
    }

    /** Drops the top primes down to {@code toLevel}; the message and scale are unchanged. */
    public Ciphertext dropLevel(Ciphertext a, int toLevel) {
        if (toLevel < 0 || toLevel > a.level()) {
            throw new IllegalArgumentException("dropLevel: target level " + toLevel + " outside [0, " + a.level() + "]");
        }
        RnsPoly[] polys = new RnsPoly[a.size()];
        for (int i = 0; i < polys.length; i++) {
            polys[i] = ring.prefix(a.poly(i), toLevel + 1);
        }
        return new Ciphertext(polys, toLevel, a.scale());
    }

    // ---- automorphisms ----

    /** Left rotation of the slots by k (negative k rotates right). */
    public Ciphertext rotate(Ciphertext a, int k) {
        return rotateEach(List.of(this), List.of(a), k).get(0);
    }

    /**
     * {@link #rotate}(xs[s], k) by evaluators[s] for each s: several sessions' ciphertexts, each under
     * its own keys, in one context and at one level. The same bytes as one by one; on a GPU the batch
     * shares the launches of the key switches' ModUp and ModDown.
     */
    public static List<Ciphertext> rotateEach(List<Evaluator> evaluators, List<Ciphertext> xs, int k) {
        int[] steps = new int[xs.size()];
        Arrays.fill(steps, k);
        return rotateEach(evaluators, xs, steps);
    }

    /**
     * {@link #rotate}(xs[i], steps[i]) by evaluators[i] for each i: ciphertexts of one context and level, each
     * with its own step and keys (a matrix's giant steps, of one session or several). The same bytes as one
     * by one; on a GPU their key switches share launches.
     */
    public static List<Ciphertext> rotateEach(List<Evaluator> evaluators, List<Ciphertext> xs, int[] steps) {
        if (steps.length != xs.size()) {
            throw new IllegalArgumentException("rotate: " + steps.length + " steps for " + xs.size() + " ciphertexts");
        }
        requireBatch(evaluators, xs, "rotate");
        if (xs.isEmpty()) {
            return List.of();
        }
        int[][] elements = Arrays.stream(rotationElements(evaluators.get(0).context, steps))
                .mapToObj(g -> new int[] {g}).toArray(int[][]::new);
        return Arrays.stream(applyGalois(evaluators, xs, elements, "rotate by " + Arrays.toString(steps)))
                .map(rotated -> rotated[0]).toList();
    }

    /** Complex conjugation of every slot. */
    public Ciphertext conjugate(Ciphertext a) {
        int g = context.galoisElementForConjugation();
        return applyGalois(List.of(this), List.of(a), new int[][] {{g}}, "conjugate")[0][0];
    }

    /**
     * Several rotations of one ciphertext sharing a single decomposition (Halevi–Shoup hoisting):
     * only the gadget product and ModDown are paid per step. Results equal {@link #rotate}'s
     * bit for bit, since rotate is this with one step. Keyed by the requested step, in order.
     */
    public Map<Integer, Ciphertext> rotateHoisted(Ciphertext a, int[] steps) {
        return rotateHoistedEach(List.of(this), List.of(a), steps).get(0);
    }

    /** {@link #rotateHoisted}(xs[s], steps) by evaluators[s] for each s, batched as {@link #rotateEach}. */
    public static List<Map<Integer, Ciphertext>> rotateHoistedEach(List<Evaluator> evaluators, List<Ciphertext> xs,
            int[] steps) {
        requireBatch(evaluators, xs, "rotate");
        if (xs.isEmpty()) {
            return List.of();
        }
        int[] elements = rotationElements(evaluators.get(0).context, steps);
        int[][] everyOne = new int[xs.size()][];
        Arrays.fill(everyOne, elements);
        Ciphertext[][] rotated = applyGalois(evaluators, xs, everyOne, "rotate by " + Arrays.toString(steps));
        List<Map<Integer, Ciphertext>> out = new ArrayList<>(xs.size());
        for (Ciphertext[] each : rotated) {
            Map<Integer, Ciphertext> byStep = new LinkedHashMap<>();
            for (int i = 0; i < steps.length; i++) {
                byStep.put(steps[i], each[i]);
            }
            out.add(byStep);
        }
        return out;
    }

    /**
     * Σ_(j&lt;n) rotate(a, j·batch): every slot receives the sum of n blocks of {@code batch}
     * slots, with O(log n) rotations by the steps {@link #innerSumSteps} lists.
     */
    public Ciphertext innerSum(Ciphertext a, int batch, int n) {
        if (batch < 1 || n < 1) {
            throw new IllegalArgumentException("innerSum: batch and n must be positive, got " + batch + " and " + n);
        }
        // Binary method: 'power' sums 2^bit consecutive blocks; the set bits of n are added at 'shift'.
        Ciphertext result = null;
        Ciphertext power = a;
        int shift = 0;
        for (int bit = 0; (n >> bit) != 0; bit++) {
            if (((n >> bit) & 1) != 0) {
                Ciphertext term = shift == 0 ? power : rotate(power, shift * batch);
                result = result == null ? term : add(result, term);
                shift += 1 << bit;
            }
            if ((n >> (bit + 1)) != 0) {
                power = add(power, rotate(power, (1 << bit) * batch));
            }
        }
        return result;
    }

    /** The rotation steps {@link #innerSum}(·, batch, n) needs keys for. */
    public static int[] innerSumSteps(int batch, int n) {
        List<Integer> steps = new ArrayList<>();
        int shift = 0;
        for (int bit = 0; (n >> bit) != 0; bit++) {
            if (((n >> bit) & 1) != 0) {
                if (shift != 0) {
                    steps.add(shift * batch);
                }
                shift += 1 << bit;
            }
            if ((n >> (bit + 1)) != 0) {
                steps.add((1 << bit) * batch);
            }
        }
        return steps.stream().distinct().mapToInt(Integer::intValue).toArray();
    }

    /**
     * X -&gt; X^g for g = elements[s][i] and each as[s] under evaluators[s]'s keys: out[s][i] (every row of
     * elements as long). One shared ModUp of every c_1 (its rotations hoisted), then the gadget products and
     * ModDowns: on an operation-bound backend (a GPU) all of them in one batch, whose launches they share;
     * elsewhere one batch per column i, the columns side by side (a matrix's baby steps on a CPU's cores).
     */
    private static Ciphertext[][] applyGalois(List<Evaluator> evaluators, List<Ciphertext> as, int[][] elements,
            String op) {
        Evaluator first = evaluators.get(0);  // callers pass as many evaluators as ciphertexts, at least one
        int batch = as.size();
        int columns = elements[0].length;
        int level = as.get(0).level();
        RnsPoly[] c1 = new RnsPoly[batch];
        SwitchingKey[][] switchingKeys = new SwitchingKey[batch][columns];
        boolean switching = false;
        for (int s = 0; s < batch; s++) {
            Evaluator evaluator = evaluators.get(s);
            Ciphertext a = as.get(s);
            requireSize(a, 2, op);
            if (evaluator.context != first.context) {
                throw new IllegalArgumentException(op + ": a batch shares one context; evaluator " + s + " has another");
            }
            if (a.level() != level) {
                throw new IllegalArgumentException(op + ": a batch shares one level: " + level + " and " + a.level());
            }
            c1[s] = a.poly(1);
            if (elements[s].length != columns) {
                throw new IllegalArgumentException(op + ": " + elements[s].length + " and " + columns + " automorphisms");
            }
            for (int i = 0; i < columns; i++) {
                if (elements[s][i] != 1) {
                    switching = true;
                    switchingKeys[s][i] = evaluator.keys.galois().get(elements[s][i]);
                    if (switchingKeys[s][i] == null) {
                        throw new IllegalArgumentException(op + ": no Galois key for element " + elements[s][i]
                                + "; generated: " + evaluator.keys.galois().elements());
                    }
                }
            }
        }
        RnsPoly[][] digits = switching ? first.keySwitcher.decompose(c1, level) : null;
        Ciphertext[][] out = new Ciphertext[batch][columns];
        List<int[]> switches = new ArrayList<>();  // (s, i) of each key switch, in order
        for (int s = 0; s < batch; s++) {
            for (int i = 0; i < columns; i++) {
                if (elements[s][i] == 1) {
                    out[s][i] = new Ciphertext(first.copyPolys(as.get(s)), level, as.get(s).scale());
                } else {
                    switches.add(new int[] {s, i});
                }
            }
        }
        // the batches share only the read-only digits, so they run side by side
        Collection<List<int[]>> batches = first.context.ring().backend().operationBound() ? List.of(switches)
                : switches.stream().collect(Collectors.groupingBy(si -> si[1])).values();
        batches.parallelStream().filter(products -> !products.isEmpty()).forEach(products -> {
            int count = products.size();
            RnsPoly[][] rows = new RnsPoly[count][];
            SwitchingKey[] keys = new SwitchingKey[count];
            int[] galoisElements = new int[count];
            RnsPoly[][] addends = new RnsPoly[count][];
            for (int p = 0; p < count; p++) {
                int s = products.get(p)[0];
                int i = products.get(p)[1];
                rows[p] = digits[s];
                keys[p] = switchingKeys[s][i];
                galoisElements[p] = elements[s][i];
                addends[p] = new RnsPoly[] {as.get(s).poly(0), null};  // c0, automorphed with the digits
            }
            RnsPoly[][] switched = first.keySwitcher.multiplyByKey(rows, keys, level, galoisElements, addends);
            for (int p = 0; p < count; p++) {
                int s = products.get(p)[0];
                out[s][products.get(p)[1]] = new Ciphertext(switched[p], level, as.get(s).scale());
            }
        });
        return out;
    }

    /** The Galois element of a left rotation by each step. */
    private static int[] rotationElements(CkksContext context, int[] steps) {
        return Arrays.stream(steps).map(context::galoisElementForRotation).toArray();
    }

    private static void requireBatch(List<Evaluator> evaluators, List<Ciphertext> xs, String op) {
        if (evaluators.size() != xs.size()) {
            throw new IllegalArgumentException(op + ": " + evaluators.size() + " evaluators for " + xs.size()
                    + " ciphertexts");
        }
    }

    // ---- helpers ----

    /** as[s] ± bs[s] for each s: the polynomials both have, of every s, in one ring operation. */
    private List<Ciphertext> combine(List<Ciphertext> as, List<Ciphertext> bs, boolean subtract, String op) {
        if (as.size() != bs.size()) {
            throw new IllegalArgumentException(op + ": " + as.size() + " and " + bs.size() + " ciphertexts");
        }
        List<RnsPoly> left = new ArrayList<>();
        List<RnsPoly> right = new ArrayList<>();
        List<RnsPoly> both = new ArrayList<>();
        RnsPoly[][] polysOf = new RnsPoly[as.size()][];
        for (int s = 0; s < as.size(); s++) {
            Ciphertext a = as.get(s);
            Ciphertext b = bs.get(s);
            requireSameScale(a.scale(), b.scale(), op);
            int level = Math.min(a.level(), b.level());
            RnsPoly[] polys = polysOf[s] = new RnsPoly[Math.max(a.size(), b.size())];
            for (int i = 0; i < polys.length; i++) {
                if (i < Math.min(a.size(), b.size())) {
                    polys[i] = RnsPoly.zero(level + 1, ring.n(), true);
                    left.add(a.poly(i));
                    right.add(b.poly(i));
                    both.add(polys[i]);
                } else if (i < a.size()) {
                    polys[i] = ring.prefix(a.poly(i), level + 1);
                } else {
                    polys[i] = ring.prefix(b.poly(i), level + 1);
                    if (subtract) {
                        ring.negate(polys[i], polys[i]);
                    }
                }
            }
        }
        RnsPoly[] l = left.toArray(RnsPoly[]::new);
        RnsPoly[] r = right.toArray(RnsPoly[]::new);
        RnsPoly[] out = both.toArray(RnsPoly[]::new);
        if (subtract) {
            ring.sub(l, r, out);
        } else {
            ring.add(l, r, out);
        }
        List<Ciphertext> results = new ArrayList<>(as.size());
        for (int s = 0; s < as.size(); s++) {
            results.add(new Ciphertext(polysOf[s], Math.min(as.get(s).level(), bs.get(s).level()), as.get(s).scale()));
        }
        return results;
    }

    private Ciphertext combinePlain(Ciphertext a, Plaintext p, boolean subtract, String op) {
        requireSameScale(a.scale(), p.scale(), op + "(plaintext)");
        int level = Math.min(a.level(), p.level());
        RnsPoly[] polys = new RnsPoly[a.size()];
        polys[0] = RnsPoly.zero(level + 1, ring.n(), true);  // the sum straight into it, no copy of c0 first
        if (subtract) {
            ring.sub(a.poly(0), p.poly(), polys[0]);
        } else {
            ring.add(a.poly(0), p.poly(), polys[0]);
        }
        for (int i = 1; i < polys.length; i++) {
            polys[i] = ring.prefix(a.poly(i), level + 1);
        }
        return new Ciphertext(polys, level, a.scale());
    }

    private long[] constantResidues(double scaled, int level) {
        double integral = Math.rint(scaled);
        long[] residues = new long[level + 1];
        for (int i = 0; i <= level; i++) {
            residues[i] = Encoder.residue(integral, ring.modulus(i));
        }
        return residues;
    }

    /** The scale of a product, refused when it leaves no room below Q_level. */
    private double productScale(double a, double b, int level, String op) {
        double scale = a * b;
        double logScale = Math.log(scale) / Math.log(2);
        double logQ = context.logQ(level);
        if (logScale >= logQ) {
            throw new IllegalStateException(String.format(
                    "%s: level exhausted: product scale 2^%.1f does not fit Q at level %d (2^%.1f); rescale earlier or use more depth",
                    op, logScale, level, logQ));
        }
        return scale;
    }

    private static void requireSameScale(double a, double b, String op) {
        if (Math.abs(a - b) > SCALE_TOLERANCE * Math.max(a, b)) {
            throw new IllegalArgumentException(String.format(
                    "%s: mismatched scales 2^%.6f and 2^%.6f (relative difference %.3g > %.0e)",
                    op, Math.log(a) / Math.log(2), Math.log(b) / Math.log(2), Math.abs(a - b) / Math.max(a, b),
                    SCALE_TOLERANCE));
        }
    }

    private static void requireSize(Ciphertext a, int size, String op) {
        if (a.size() != size) {
            throw new IllegalArgumentException(op + ": needs a ciphertext of " + size + " polynomials, got "
                    + a.size() + " (relinearize first)");
        }
    }

    private RnsPoly[] copyPolys(Ciphertext a) {
        RnsPoly[] polys = new RnsPoly[a.size()];
        for (int i = 0; i < polys.length; i++) {
            polys[i] = ring.prefix(a.poly(i), a.poly(i).limbCount());
        }
        return polys;
    }
}
