package ai.zkllm.fhe.ckks;

import ai.zkllm.fhe.ring.BasisConverter;
import ai.zkllm.fhe.ring.Modulus;
import ai.zkllm.fhe.ring.NttTable;
import ai.zkllm.fhe.ring.RingBackend;
import ai.zkllm.fhe.ring.RingContext;
import ai.zkllm.fhe.ring.RnsPoly;
import java.util.Arrays;

/**
 * The hybrid gadget product (Han–Ki): decompose a level-l polynomial into digits of α chain
 * primes, raise each digit to Q_l ∪ P (ModUp), take the inner product with the key digits and
 * divide by P (ModDown). The decomposition is separate from the product so that several
 * automorphisms can share one ModUp (Halevi–Shoup hoisting).
 *
 * <p>Polynomials over the extended basis of level l have limbs ordered q_0..q_l, p_0..p_{α-1};
 * {@link #extendedPrimes} maps those limbs to ring prime indices. Every basis converter is built
 * here once per (level, digit).
 */
final class KeySwitcher {
    private final RingContext ring;
    private final RingBackend backend;
    private final int alpha;
    private final int firstSpecial;
    /** extendedPrimes[l][k]: ring prime index of limb k of a level-l extended polynomial. */
    private final int[][] extendedPrimes;
    /** modUpConverters[l][j]: digit j of level l to the rest of the extended basis. */
    private final BasisConverter[][] modUpConverters;
    /** modUpTargets[l][j]: extended limb positions that converter writes, in its order. */
    private final int[][][] modUpTargets;
    /**
     * wholeConverters[l][j]: digit j of level l to every prime of the extended basis, its own
     * included (where the conversion gives its residues back exactly); for an operation-bound backend.
     */
    private final BasisConverter[][] wholeConverters;
    /** extendedLimbs[l]: 0..l+α, every limb of a level-l extended polynomial. */
    private final int[][] extendedLimbs;
    /** digitStarts[l]: the first limb of each digit of level l. */
    private final int[][] digitStarts;
    /** extendedChains[l][k]: the NTT table of limb k of a level-l extended polynomial. */
    private final NttTable[][] extendedChains;
    /** chainLimbs[l]: 0..l, the limbs ModDown's conversion writes. */
    private final int[][] chainLimbs;
    /** specialLimbs[l]: l+1..l+α, the limbs of P in a level-l extended polynomial. */
    private final int[][] specialLimbs;
    /** modDownConverters[l]: P to Q_l. */
    private final BasisConverter[] modDownConverters;
    /** P^-1 mod q_i and P mod q_i. */
    private final long[] pInverseModQ;
    private final long[] pModQ;

    KeySwitcher(CkksContext context) {
        this.ring = context.ring();
        this.backend = ring.backend();
        this.alpha = context.specialCount();
        this.firstSpecial = context.firstSpecialIndex();
        int levels = context.maxLevel() + 1;
        Modulus[] special = new Modulus[alpha];
        for (int k = 0; k < alpha; k++) {
            special[k] = ring.modulus(firstSpecial + k);
        }
        pInverseModQ = new long[levels];
        pModQ = new long[levels];
        for (int i = 0; i < levels; i++) {
            Modulus q = ring.modulus(i);
            long p = 1;
            for (Modulus pk : special) {
                p = q.mul(p, q.reduce(pk.value()));
            }
            pModQ[i] = p;
            pInverseModQ[i] = q.inverse(p);
        }
        extendedPrimes = new int[levels][];
        extendedChains = new NttTable[levels][];
        chainLimbs = new int[levels][];
        specialLimbs = new int[levels][];
        modUpConverters = new BasisConverter[levels][];
        modUpTargets = new int[levels][][];
        wholeConverters = new BasisConverter[levels][];
        extendedLimbs = new int[levels][];
        digitStarts = new int[levels][];
        modDownConverters = new BasisConverter[levels];
        for (int l = 0; l < levels; l++) {
            int size = l + 1 + alpha;
            extendedPrimes[l] = new int[size];
            extendedChains[l] = new NttTable[size];
            for (int k = 0; k < size; k++) {
                extendedPrimes[l][k] = k <= l ? k : firstSpecial + (k - l - 1);
                extendedChains[l][k] = ring.table(extendedPrimes[l][k]);
            }
            chainLimbs[l] = java.util.stream.IntStream.rangeClosed(0, l).toArray();
            extendedLimbs[l] = java.util.stream.IntStream.range(0, size).toArray();
            specialLimbs[l] = java.util.stream.IntStream.range(l + 1, size).toArray();
            int digits = digitCount(l);
            modUpConverters[l] = new BasisConverter[digits];
            modUpTargets[l] = new int[digits][];
            wholeConverters[l] = new BasisConverter[digits];
            digitStarts[l] = java.util.stream.IntStream.range(0, digits).map(j -> j * alpha).toArray();
            for (int j = 0; j < digits; j++) {
                int start = j * alpha;
                int end = Math.min(start + alpha, l + 1);
                Modulus[] from = new Modulus[end - start];
                for (int i = start; i < end; i++) {
                    from[i - start] = ring.modulus(i);
                }
                int[] targets = new int[size - from.length];
                Modulus[] to = new Modulus[targets.length];
                for (int k = 0, t = 0; k < size; k++) {
                    if (k < start || k >= end) {
                        targets[t] = k;
                        to[t++] = ring.modulus(extendedPrimes[l][k]);
                    }
                }
                modUpConverters[l][j] = new BasisConverter(from, to);
                modUpTargets[l][j] = targets;
                if (backend.operationBound()) {
                    Modulus[] all = new Modulus[size];
                    for (int k = 0; k < size; k++) {
                        all[k] = ring.modulus(extendedPrimes[l][k]);
                    }
                    wholeConverters[l][j] = new BasisConverter(from, all);
                }
            }
            Modulus[] chain = new Modulus[l + 1];
            for (int i = 0; i <= l; i++) {
                chain[i] = ring.modulus(i);
            }
            modDownConverters[l] = new BasisConverter(special, chain);
        }
    }

    /** Number of digits a level-l polynomial is split into. */
    int digitCount(int level) {
        return (level + alpha) / alpha;
    }

    /** P mod q_i, the gadget factor of chain prime i in its own digit. */
    long pModQ(int i) {
        return pModQ[i];
    }

    /**
     * ModUp: the digits of each c of cs (level l, NTT form) over the extended basis of level l, in NTT
     * form; several polynomials (sessions' ciphertexts) share the operations of one. A digit's own
     * residues are exact: kept in NTT form, or, on an operation-bound backend, converted with the rest
     * (to its own primes the fast conversion gives them back) so that one conversion and one NTT make
     * every digit of every polynomial; the same bytes either way.
     */
    RnsPoly[][] decompose(RnsPoly[] cs, int level) {
        int n = ring.n();
        int size = level + 1 + alpha;
        int count = digitCount(level);
        NttTable[] chain = extendedChains[level];
        RnsPoly[][] digits = new RnsPoly[cs.length][count];
        RnsPoly[] coefficients = ring.coefficients(cs, level + 1);
        for (int s = 0; s < cs.length; s++) {
            for (int j = 0; j < count; j++) {
                digits[s][j] = RnsPoly.zero(size, n, true);
            }
        }
        if (backend.operationBound()) {
            RnsPoly[] sources = new RnsPoly[cs.length * count];
            RnsPoly[] targets = new RnsPoly[sources.length];
            int[] from = new int[sources.length];
            BasisConverter[] converters = new BasisConverter[sources.length];
            for (int s = 0, t = 0; s < cs.length; s++) {
                for (int j = 0; j < count; j++, t++) {
                    sources[t] = coefficients[s];
                    targets[t] = digits[s][j];
                    from[t] = digitStarts[level][j];
                    converters[t] = wholeConverters[level][j];
                }
            }
            backend.convertBasis(sources, from, targets, extendedLimbs[level], converters);
            backend.ntt(targets, extendedLimbs[level], chain);
            return digits;
        }
        for (int s = 0; s < cs.length; s++) {
            for (int j = 0; j < count; j++) {
                int start = digitStarts[level][j];
                backend.copy(cs[s], start, digits[s][j], start, Math.min(alpha, level + 1 - start));
                backend.convertBasis(coefficients[s], start, digits[s][j], modUpTargets[level][j],
                        modUpConverters[level][j]);
                backend.ntt(digits[s][j], modUpTargets[level][j], chain);  // the limbs below the digit's and above it
            }
        }
        return digits;
    }

    /**
     * The gadget product of each polynomial's decomposed digits with its key, then ModDown: (k0, k1)
     * over Q_l in NTT form with k0 + k1·s ≈ c·s' for the c that was decomposed, plus addends[i] where
     * not null (what the caller adds to the switched polynomials, added by ModDown's last step); one
     * ModDown for the whole batch. Where {@code galoisElements[i]} is non-zero, product i's digits and
     * addends are first mapped by X -&gt; X^g (a hoisted automorphism: a rotation's key switch of c1, to
     * which its c0, rotated, is added); the products of a batch may rotate by different steps. The rows of
     * {@code digits} may repeat one decomposition (several rotations of one polynomial).
     */
    RnsPoly[][] multiplyByKey(RnsPoly[][] digits, SwitchingKey[] keys, int level, int[] galoisElements,
            RnsPoly[][] addends) {
        int n = ring.n();
        int size = level + 1 + alpha;
        int batch = digits.length;
        int[][] perms = new int[2 * batch][];  // each product's, for its k0 and its k1
        for (int s = 0; s < batch; s++) {
            perms[s] = galoisElements[s] != 0 ? ring.galoisPermutation(galoisElements[s]) : null;
            perms[batch + s] = perms[s];
        }
        RnsPoly[][] keyB = new RnsPoly[batch][];
        RnsPoly[][] keyA = new RnsPoly[batch][];
        RnsPoly[] accumulators = new RnsPoly[2 * batch];  // every k0, then every k1
        RnsPoly[] allAddends = new RnsPoly[2 * batch];
        for (int s = 0; s < batch; s++) {
            keyB[s] = new RnsPoly[digits[s].length];
            keyA[s] = new RnsPoly[digits[s].length];
            for (int j = 0; j < digits[s].length; j++) {
                keyB[s][j] = keys[s].b(j);
                keyA[s][j] = keys[s].a(j);
            }
            accumulators[s] = RnsPoly.zero(size, n, true);
            accumulators[batch + s] = RnsPoly.zero(size, n, true);
            allAddends[s] = addends[s][0];
            allAddends[batch + s] = addends[s][1];
        }
        backend.keySwitchProducts(digits, keyB, keyA, extendedPrimes[level], Arrays.copyOfRange(perms, 0, batch),
                Arrays.copyOfRange(accumulators, 0, batch), Arrays.copyOfRange(accumulators, batch, 2 * batch),
                extendedChains[level]);
        RnsPoly[] switched = modDown(accumulators, level, allAddends, perms);
        RnsPoly[][] out = new RnsPoly[batch][];
        for (int s = 0; s < batch; s++) {
            out[s] = new RnsPoly[] {switched[s], switched[batch + s]};
        }
        return out;
    }

    /** Key switching of one polynomial: {@link #decompose} then {@link #multiplyByKey}. */
    RnsPoly[] switchKey(RnsPoly c, SwitchingKey key, int level, RnsPoly[] addends) {
        return multiplyByKey(decompose(new RnsPoly[] {c}, level), new SwitchingKey[] {key}, level, new int[1],
                new RnsPoly[][] {addends})[0];
    }

    /**
     * (x - [x]_P lifted to Q_l) · P^-1 + π_i(addend) over Q_l for each x = xs[i] (an addend may be null;
     * π_i the NTT-domain permutation perms[i], or nothing), over the extended basis in NTT form (xs are spent);
     * each step on all of them at once on an operation-bound backend (a GPU's launches for both halves of a
     * key switch), one polynomial at a time elsewhere: interleaving the steps doubled a CPU's working set
     * between reuses and made a GPT-2-shaped token some 40 % slower.
     */
    private RnsPoly[] modDown(RnsPoly[] xs, int level, RnsPoly[] addends, int[][] perms) {
        if (!backend.operationBound() && xs.length > 1) {
            RnsPoly[] out = new RnsPoly[xs.length];
            for (int i = 0; i < xs.length; i++) {
                out[i] = modDown(new RnsPoly[] {xs[i]}, level, new RnsPoly[] {addends[i]}, new int[][] {perms[i]})[0];
            }
            return out;
        }
        int n = ring.n();
        NttTable[] chain = extendedChains[level];
        backend.inverseNtt(xs, specialLimbs[level], chain);
        RnsPoly[] lifted = new RnsPoly[xs.length];
        RnsPoly[] out = new RnsPoly[xs.length];
        for (int i = 0; i < xs.length; i++) {
            lifted[i] = RnsPoly.zero(level + 1, n, false);
            out[i] = RnsPoly.zero(level + 1, n, true);
        }
        int[] from = new int[xs.length];
        Arrays.fill(from, level + 1);
        BasisConverter[] converters = new BasisConverter[xs.length];
        Arrays.fill(converters, modDownConverters[level]);
        backend.convertBasis(xs, from, lifted, chainLimbs[level], converters);
        backend.ntt(lifted, chainLimbs[level], chain);
        backend.subMulScalarsAdd(xs, lifted, pInverseModQ, addends, perms, out, chain);
        return out;
    }
}
