package ai.zkllm.fhe.ring;

/**
 * The ring kernels every backend implements: the only place where the engine's time goes.
 *
 * <p>A limb is a {@code long[]} of length n holding residues modulo one RNS prime q &lt; 2^31,
 * each in [0, q). Every kernel is a mathematical function of its inputs with a canonical
 * (fully reduced) output, so two correct backends give identical bytes; that is what makes
 * validator replay by digest possible. Inputs must already be reduced; kernels do not check
 * (the engine validates untrusted data before it reaches here). Output arrays may alias an
 * input unless a method says otherwise.
 */
public interface RingBackend {

    /** Short name for logs and benchmarks: "java", "native" or "cuda". */
    String name();

    /**
     * Whether an operation costs this backend more than the arithmetic in it (a GPU: each operation
     * is a kernel launch or a few), so that an algorithm should rather do some more arithmetic in
     * fewer operations. The bytes never depend on it.
     */
    default boolean operationBound() {
        return false;
    }

    /**
     * Waits until the work of earlier calls is done, for a backend that queues it (a GPU); throws
     * with an error of that work. What reads results (the heap accessors of {@link RnsPoly}) waits
     * anyway: this is for timing an operation.
     */
    default void finish() {
    }

    /**
     * Forward negacyclic NTT in place. With ψ = {@code table.psi()} a primitive 2n-th root of
     * unity mod q, the output at index i is a(ψ^(2·brv(i)+1)), brv being the bit reversal
     * on log2(n) bits (the order that Cooley–Tukey with bit-reversed twiddles produces).
     */
    void ntt(long[] a, NttTable table);

    /** Inverse of {@link #ntt}, in place, including the multiplication by n^-1. */
    void inverseNtt(long[] a, NttTable table);

    /** out = a + b mod q. */
    void add(long[] a, long[] b, long[] out, Modulus q);

    /** out = a - b mod q. */
    void sub(long[] a, long[] b, long[] out, Modulus q);

    /** out = -a mod q. */
    void negate(long[] a, long[] out, Modulus q);

    /** out = a · b mod q, pointwise. */
    void mul(long[] a, long[] b, long[] out, Modulus q);

    /** acc = acc + a · b mod q, pointwise. */
    void mulAdd(long[] a, long[] b, long[] acc, Modulus q);

    /** out = a · s mod q for a scalar s in [0, q). */
    void mulScalar(long[] a, long s, long[] out, Modulus q);

    /** out = a + s mod q for a scalar s in [0, q). */
    void addScalar(long[] a, long s, long[] out, Modulus q);

    /** out = (a - b) · s mod q, the step shared by rescaling and modulus-down. */
    void subMulScalar(long[] a, long[] b, long s, long[] out, Modulus q);

    /** out[i] = a[perm[i]]: an automorphism X -&gt; X^g in the NTT domain. out must not alias a. */
    void permute(long[] a, int[] perm, long[] out);

    /**
     * Fast (approximate) basis extension of Bajard et al. / Cheon et al.: from the residues of
     * x in basis {q_0..q_{k-1}} ({@code in}, coefficient domain) to residues in basis
     * {p_0..p_{m-1}} ({@code out}): out_j = (Σ_i [x_i · (Q/q_i)^-1]_{q_i} · [Q/q_i]_{p_j}) mod p_j.
     */
    void convertBasis(long[][] in, long[][] out, BasisConverter converter);

    /**
     * The limb expansion of {@link UniformSampler}: out[j] is the j-th kept word, where the words
     * are the successive little-endian 32-bit words of the AES-256-CTR keystream with key
     * {@code seed} (32 bytes) and initial counter block {@code counterBlock} (16 bytes, one
     * big-endian 128-bit counter, as javax.crypto's "AES/CTR/NoPadding"), each masked to the bit
     * length of q and kept only when below q.
     */
    default void sampleUniform(byte[] seed, byte[] counterBlock, Modulus q, long[] out) {
        UniformSampler.expandWithCipher(seed, counterBlock, q, out);
    }

    /**
     * One limb of dividing by a dropped prime t (rescaling): with top the coefficients in [0, t)
     * of the dropped limb and x[k] = c(top[k]) mod q, where c(v) = v - t when v &gt; floor(t/2) and
     * v otherwise (the centered remainder, so that the division rounds), out = (a - NTT(x)) · s
     * mod q for a in NTT form mod q = {@code table.modulus()} and a scalar s in [0, q). top is
     * not modified; out may alias a.
     */
    default void rescaleLimb(long[] a, long[] top, long t, NttTable table, long s, long[] out) {
        Modulus q = table.modulus();
        long[] lifted = new long[top.length];
        liftCentered(top, t, q, lifted);
        ntt(lifted, table);
        subMulScalar(a, lifted, s, out, q);
    }

    /** x[k] = c(top[k]) mod q with c the centered remainder of {@link #rescaleLimb}: the reference lift. */
    private static void liftCentered(long[] top, long t, Modulus q, long[] out) {
        long half = t >>> 1;
        long qv = q.value();
        long tModQ = t % qv;
        // c(v) mod q = (v - t) mod q = (v mod q + q - t mod q) mod q for v above half.
        long shift = tModQ == 0 ? 0 : qv - tModQ;
        for (int k = 0; k < top.length; k++) {
            long r = top[k];
            long x = q.reduce(r + (r > half ? shift : 0));
            out[k] = x;
        }
    }

    // ---- whole polynomials ----
    // Limb i of a polynomial belongs to the prime of chain[i]; an operation covers the limbs of its
    // output, and its inputs may have more (a higher level). These defaults run the limb kernels
    // above one limb after another on the heap arrays; a backend that keeps polynomials off the heap
    // between operations (cuda) overrides them. The caller checks domains and sets the NTT flag.

    /**
     * Limb i of out[p] = c_p mod q_i for each row c_p = coefficients[p] of signed coefficients (|c| &lt; 2^61),
     * in the coefficient domain: integer polynomials (encodings, a secret) in RNS form, several at once (a
     * matrix's diagonals: one launch for several on a GPU). The outputs are distinct.
     */
    default void fromSigned(long[][] coefficients, RnsPoly[] out, NttTable[] chain) {
        for (int p = 0; p < out.length; p++) {
            for (int i = 0; i < out[p].limbCount(); i++) {
                Modulus q = chain[i].modulus();
                // a multiple of q above 2^61 makes every coefficient non-negative and below 2^63: one
                // Barrett reduction each, no branch (this loop is a large part of an encoding's CPU time)
                long offset = ((1L << 61) / q.value() + 1) * q.value();
                long[] limb = out[p].limb(i);
                long[] c = coefficients[p];
                for (int k = 0; k < c.length; k++) {
                    limb[k] = q.reduce(c[k] + offset);
                }
            }
        }
    }

    /**
     * {@link #ntt} of the listed limbs of each of ps: limbs distinct, in any order, not necessarily
     * contiguous (ModUp's targets around a digit); polynomials distinct (both halves of a key
     * switch's ModDown, which a GPU then transforms in the launches of one NTT).
     */
    default void ntt(RnsPoly[] ps, int[] limbs, NttTable[] chain) {
        for (RnsPoly p : ps) {
            for (int i : limbs) {
                ntt(p.limb(i), chain[i]);
            }
        }
    }

    /** {@link #inverseNtt} of the listed limbs of each of ps (as {@link #ntt(RnsPoly[], int[], NttTable[])}). */
    default void inverseNtt(RnsPoly[] ps, int[] limbs, NttTable[] chain) {
        for (RnsPoly p : ps) {
            for (int i : limbs) {
                inverseNtt(p.limb(i), chain[i]);
            }
        }
    }

    /**
     * The listed limbs (distinct) of outs[p] = {@link #inverseNtt} of those of as[p], which stay as they are
     * (no out is an a; the outs distinct): polynomials' coefficients without a copy of them first, several at
     * once (a GPU: in the launches of one NTT).
     */
    default void inverseNtt(RnsPoly[] as, RnsPoly[] outs, int[] limbs, NttTable[] chain) {
        for (int p = 0; p < outs.length; p++) {
            for (int i : limbs) {
                System.arraycopy(as[p].limb(i), 0, outs[p].limb(i), 0, as[p].n());
                inverseNtt(outs[p].limb(i), chain[i]);
            }
        }
    }

    /** {@link #ntt} of the listed limbs of p (distinct). */
    default void ntt(RnsPoly p, int[] limbs, NttTable[] chain) {
        ntt(new RnsPoly[] {p}, limbs, chain);
    }

    /** {@link #inverseNtt} of the listed limbs of p (distinct). */
    default void inverseNtt(RnsPoly p, int[] limbs, NttTable[] chain) {
        inverseNtt(new RnsPoly[] {p}, limbs, chain);
    }

    /** out = a + b. */
    default void add(RnsPoly a, RnsPoly b, RnsPoly out, NttTable[] chain) {
        for (int i = 0; i < out.limbCount(); i++) {
            add(a.limb(i), b.limb(i), out.limb(i), chain[i].modulus());
        }
    }

    /** out = a - b. */
    default void sub(RnsPoly a, RnsPoly b, RnsPoly out, NttTable[] chain) {
        for (int i = 0; i < out.limbCount(); i++) {
            sub(a.limb(i), b.limb(i), out.limb(i), chain[i].modulus());
        }
    }

    /**
     * out[i] = a[i] + b[i] for every i: a ciphertext's polynomials at once (outputs distinct; out[i] may be
     * a[i] or b[i], not another index's input).
     */
    default void add(RnsPoly[] a, RnsPoly[] b, RnsPoly[] out, NttTable[] chain) {
        for (int i = 0; i < out.length; i++) {
            add(a[i], b[i], out[i], chain);
        }
    }

    /** out[i] = a[i] - b[i] for every i (as {@link #add(RnsPoly[], RnsPoly[], RnsPoly[], NttTable[])}). */
    default void sub(RnsPoly[] a, RnsPoly[] b, RnsPoly[] out, NttTable[] chain) {
        for (int i = 0; i < out.length; i++) {
            sub(a[i], b[i], out[i], chain);
        }
    }

    /** out = -a. */
    default void negate(RnsPoly a, RnsPoly out, NttTable[] chain) {
        for (int i = 0; i < out.limbCount(); i++) {
            negate(a.limb(i), out.limb(i), chain[i].modulus());
        }
    }

    /** out = a · b pointwise. */
    default void mul(RnsPoly a, RnsPoly b, RnsPoly out, NttTable[] chain) {
        for (int i = 0; i < out.limbCount(); i++) {
            mul(a.limb(i), b.limb(i), out.limb(i), chain[i].modulus());
        }
    }

    /** acc = acc + a · b pointwise. */
    default void mulAdd(RnsPoly a, RnsPoly b, RnsPoly acc, NttTable[] chain) {
        for (int i = 0; i < acc.limbCount(); i++) {
            mulAdd(a.limb(i), b.limb(i), acc.limb(i), chain[i].modulus());
        }
    }

    /**
     * For each sum g, out0[g] = Σ_k shared[g][k] · a[g][k] and out1[g] = Σ_k shared[g][k] · b[g][k] pointwise:
     * sums of plaintext products of ciphertexts (a matrix's diagonals, of several sessions or giant steps;
     * a[g][k], b[g][k] the two polynomials of a ciphertext, shared[g][k] a plaintext), each of at least one
     * term, every output of one limb count. The outputs alias nothing. The default multiplies and adds term
     * by term, what a CPU does fastest; the sums are exact, so any order gives the same bytes.
     */
    default void productSums(RnsPoly[][] shared, RnsPoly[][] a, RnsPoly[][] b, RnsPoly[] out0, RnsPoly[] out1,
                             NttTable[] chain) {
        for (int g = 0; g < shared.length; g++) {
            mul(shared[g][0], a[g][0], out0[g], chain);
            mul(shared[g][0], b[g][0], out1[g], chain);
            for (int k = 1; k < shared[g].length; k++) {
                mulAdd(shared[g][k], a[g][k], out0[g], chain);
                mulAdd(shared[g][k], b[g][k], out1[g], chain);
            }
        }
    }

    /** Limb i of out = limb i of a · s[i], each s[i] in [0, q_i). */
    default void mulScalars(RnsPoly a, long[] s, RnsPoly out, NttTable[] chain) {
        for (int i = 0; i < out.limbCount(); i++) {
            mulScalar(a.limb(i), s[i], out.limb(i), chain[i].modulus());
        }
    }

    /** Limb i of out = limb i of a + s[i], each s[i] in [0, q_i). */
    default void addScalars(RnsPoly a, long[] s, RnsPoly out, NttTable[] chain) {
        for (int i = 0; i < out.limbCount(); i++) {
            addScalar(a.limb(i), s[i], out.limb(i), chain[i].modulus());
        }
    }

    /** {@link #permute} of every limb of out; out must not alias a. */
    default void permute(RnsPoly a, int[] perm, RnsPoly out) {
        for (int i = 0; i < out.limbCount(); i++) {
            permute(a.limb(i), perm, out.limb(i));
        }
    }

    /** out = (a - b) · s[i] on limb i, pointwise: {@link #subMulScalar} of every limb of out. */
    default void subMulScalars(RnsPoly a, RnsPoly b, long[] s, RnsPoly out, NttTable[] chain) {
        for (int i = 0; i < out.limbCount(); i++) {
            subMulScalar(a.limb(i), b.limb(i), s[i], out.limb(i), chain[i].modulus());
        }
    }

    /**
     * out[i] = (a[i] - b[i]) · s[l] + π_i(c[i]) on limb l, over the limbs of out[i], without the addend where
     * c[i] is null; π_i is {@link #permute} by perms[i], or nothing where that is null. ModDown's last step
     * and what follows a key switch (a relinearization's addends, a rotation's automorphed c0), for both
     * halves of several key switches at once; no out[i] may be a c[j]. The default is {@link #subMulScalars},
     * {@link #permute}, {@link #add}.
     */
    default void subMulScalarsAdd(RnsPoly[] a, RnsPoly[] b, long[] s, RnsPoly[] c, int[][] perms, RnsPoly[] out,
                                  NttTable[] chain) {
        for (int i = 0; i < out.length; i++) {
            subMulScalars(a[i], b[i], s, out[i], chain);
            if (c[i] != null) {
                RnsPoly addend = c[i];
                if (perms[i] != null) {
                    addend = RnsPoly.zero(out[i].limbCount(), out[i].n(), true);
                    permute(c[i], perms[i], addend);
                }
                add(out[i], addend, out[i], chain);
            }
        }
    }

    /** Limbs outFrom .. outFrom + count - 1 of out = limbs aFrom .. aFrom + count - 1 of a; out must not be a. */
    default void copy(RnsPoly a, int aFrom, RnsPoly out, int outFrom, int count) {
        if (a == out) {
            throw new IllegalArgumentException("copy: out must not be a");
        }
        for (int i = 0; i < count; i++) {
            System.arraycopy(a.limb(aFrom + i), 0, out.limb(outFrom + i), 0, a.n());
        }
    }

    /**
     * {@link #convertBasis} from limbs inFrom .. inFrom + k - 1 of in (coefficient domain; k the
     * converter's source primes) to limbs outLimbs[0..m-1] of out (m its target primes); out must not
     * be in.
     */
    default void convertBasis(RnsPoly in, int inFrom, RnsPoly out, int[] outLimbs, BasisConverter converter) {
        convertBasis(new RnsPoly[] {in}, new int[] {inFrom}, new RnsPoly[] {out}, outLimbs,
                new BasisConverter[] {converter});
    }

    /**
     * {@link #convertBasis(RnsPoly, int, RnsPoly, int[], BasisConverter)} of in[p] from limb inFrom[p]
     * with converters[p] into out[p], for every p: both halves of a key switch's ModDown, or every digit of
     * a ModUp (an input may repeat). Every converter has outLimbs.length target primes; the outputs are
     * distinct, none of them an input.
     */
    default void convertBasis(RnsPoly[] in, int[] inFrom, RnsPoly[] out, int[] outLimbs, BasisConverter[] converters) {
        for (int p = 0; p < in.length; p++) {
            BasisConverter converter = converters[p];
            long[][] from = new long[converter.fromSize()][];
            for (int i = 0; i < from.length; i++) {
                from[i] = in[p].limb(inFrom[p] + i);
            }
            long[][] to = new long[outLimbs.length][];
            for (int j = 0; j < to.length; j++) {
                to[j] = out[p].limb(outLimbs[j]);
            }
            convertBasis(from, to, converter);
        }
    }

    /**
     * {@link #keySwitchProduct} over every limb k of acc0 and acc1: digit j's limb k against limb
     * keyLimbs[k] of keyB[j] and keyA[j] (a switching key's digits, over the ring's whole chain),
     * modulo chain[k]'s prime. acc0 and acc1 are overwritten and alias nothing.
     */
    default void keySwitchProduct(RnsPoly[] digits, RnsPoly[] keyB, RnsPoly[] keyA, int[] keyLimbs, int[] perm,
                                  RnsPoly acc0, RnsPoly acc1, NttTable[] chain) {
        long[][] d = new long[digits.length][];
        long[][] kb = new long[digits.length][];
        long[][] ka = new long[digits.length][];
        for (int k = 0; k < acc0.limbCount(); k++) {
            for (int j = 0; j < digits.length; j++) {
                d[j] = digits[j].limb(k);
                kb[j] = keyB[j].limb(keyLimbs[k]);
                ka[j] = keyA[j].limb(keyLimbs[k]);
            }
            keySwitchProduct(d, kb, ka, perm, acc0.limb(k), acc1.limb(k), chain[k].modulus());
        }
    }

    /**
     * {@link #keySwitchProduct} for several products (sessions' key switches, or rotations by different
     * steps, each with its own digits, keys, permutation perms[g] and outputs) over the same key limbs: a
     * GPU runs them in one launch. No output aliases an input or another output.
     */
    default void keySwitchProducts(RnsPoly[][] digits, RnsPoly[][] keyB, RnsPoly[][] keyA, int[] keyLimbs,
                                   int[][] perms, RnsPoly[] acc0, RnsPoly[] acc1, NttTable[] chain) {
        for (int g = 0; g < digits.length; g++) {
            keySwitchProduct(digits[g], keyB[g], keyA[g], keyLimbs, perms[g], acc0[g], acc1[g], chain);
        }
    }

    /**
     * Division of each as[p] by the prime t of its last limb, rounding (rescaling): outs[p] has one limb
     * fewer, and limb i of it is {@link #rescaleLimb} of limb i of as[p] with the last limb brought to the
     * coefficient domain, and s[i] = t^-1 mod q_i. Every as[p] has as many limbs and is in NTT form; none
     * is modified, and the outputs are distinct polynomials of their own.
     */
    default void rescale(RnsPoly[] as, long[] s, RnsPoly[] outs, NttTable[] chain) {
        for (int p = 0; p < as.length; p++) {
            int last = as[p].limbCount() - 1;
            long[] top = as[p].limb(last).clone();
            inverseNtt(top, chain[last]);
            long t = chain[last].modulus().value();
            for (int i = 0; i < last; i++) {
                rescaleLimb(as[p].limb(i), top, t, chain[i], s[i], outs[p].limb(i));
            }
        }
    }

    /**
     * The gadget inner product of key switching over one limb mod q: acc0 = Σ_j π(d_j) · b_j and
     * acc1 = Σ_j π(d_j) · a_j mod q, pointwise, where π(d)[i] = d[perm[i]] (an automorphism in the
     * NTT domain, see {@link #permute}) or π(d) = d when perm is null. digits, keyB and keyA have
     * one array per digit; acc0 and acc1 are overwritten and must not alias any input.
     */
    default void keySwitchProduct(long[][] digits, long[][] keyB, long[][] keyA, int[] perm, long[] acc0,
                                  long[] acc1, Modulus q) {
        java.util.Arrays.fill(acc0, 0);
        java.util.Arrays.fill(acc1, 0);
        long[] permuted = perm != null ? new long[acc0.length] : null;
        for (int j = 0; j < digits.length; j++) {
            long[] d = digits[j];
            if (perm != null) {
                permute(d, perm, permuted);
                d = permuted;
            }
            mulAdd(d, keyB[j], acc0, q);
            mulAdd(d, keyA[j], acc1, q);
        }
    }
}
