// Per-element arithmetic and per-thread index mappings of the CUDA ring kernels.
//
// Every function here is __host__ __device__ and is the ONLY place where the kernels in
// zkllm_cuda.cu compute: the kernels are thin launchers that compute a thread's element index
// and call these. The host harness (src/test/cuda/host_check.cpp) compiles this same header with
// g++ and replays each kernel's grid on the CPU (host_emulation.hpp) against the scalar CPU
// kernels of src/main/cpp, so the arithmetic and the index mapping are checked without a GPU.
//
// Contracts are RingBackend's: residues of primes q < 2^31 held in 64-bit words, canonical
// outputs in [0, q), and the same formulas (lazy ranges included) as modular.hpp, so the bytes
// are identical to kernels_scalar.cpp and kernels_avx2.cpp.
#pragma once

#include <cstddef>
#include <cstdint>

#include "zkllm_cuda.h"

#if defined(__CUDACC__)
#define ZK_HD __host__ __device__ __forceinline__
#else
#define ZK_HD inline
#endif

namespace zkllm::cuda {

/** x - bound when x >= bound. */
ZK_HD uint64_t reduceOnce(uint64_t x, uint64_t bound) { return x >= bound ? x - bound : x; }

/** x · w mod q in [0, 2q) for x < 2^32, with ws = floor(w · 2^32 / q) (Shoup). */
ZK_HD uint64_t mulShoupLazy(uint64_t x, uint64_t w, uint64_t ws, uint64_t q) {
    return x * w - ((x * ws) >> 32) * q;
}

/** Canonical Shoup product. */
ZK_HD uint64_t mulShoup(uint64_t x, uint64_t w, uint64_t ws, uint64_t q) {
    return reduceOnce(mulShoupLazy(x, w, ws, q), q);
}

/**
 * Barrett constants of modular.hpp's Barrett (HAC 14.42, base 2), computed once on the host per
 * modulus: with L = bits(q), lowShift = L - 1, highShift = L + 1, mu = floor(2^(2L) / q).
 */
struct BarrettConst {
    uint64_t q;
    uint64_t mu;
    uint32_t lowShift;
    uint32_t highShift;
};

inline BarrettConst makeBarrett(uint64_t q) {
    unsigned bits = 0;
    while ((q >> bits) != 0) bits++;
    return BarrettConst{q, (uint64_t{1} << (2 * bits)) / q, bits - 1, bits + 1};
}

/** x mod q for x < 2^(2L): the quotient estimate undershoots by at most 2. */
ZK_HD uint64_t barrettReduce(uint64_t x, const BarrettConst& b) {
    uint64_t estimate = ((x >> b.lowShift) * b.mu) >> b.highShift;
    return reduceOnce(reduceOnce(x - estimate * b.q, 2 * b.q), b.q);
}

// ---- pointwise operations (one output element each) ----------------------------------------

ZK_HD uint64_t opAdd(uint64_t a, uint64_t b, uint64_t q) { return reduceOnce(a + b, q); }
ZK_HD uint64_t opSub(uint64_t a, uint64_t b, uint64_t q) { return reduceOnce(a - b + q, q); }
ZK_HD uint64_t opNegate(uint64_t a, uint64_t q) { return reduceOnce(q - a, q); }
ZK_HD uint64_t opMul(uint64_t a, uint64_t b, const BarrettConst& br) { return barrettReduce(a * b, br); }
ZK_HD uint64_t opMulAdd(uint64_t a, uint64_t b, uint64_t acc, const BarrettConst& br) {
    return barrettReduce(a * b + acc, br);
}
ZK_HD uint64_t opMulScalar(uint64_t a, uint64_t s, uint64_t sShoup, uint64_t q) {
    return mulShoup(a, s, sShoup, q);
}
ZK_HD uint64_t opAddScalar(uint64_t a, uint64_t s, uint64_t q) { return reduceOnce(a + s, q); }
ZK_HD uint64_t opSubMulScalar(uint64_t a, uint64_t b, uint64_t s, uint64_t sShoup, uint64_t q) {
    return mulShoup(a - b + q, s, sShoup, q);
}

/** c(r) mod q with c the centered remainder mod t (RingBackend.rescaleLimb), r < t < 2^31. */
ZK_HD uint64_t opLiftCentered(uint64_t r, uint64_t t, uint64_t q) {
    uint64_t half = t >> 1;
    uint64_t shift = (q - t % q) % q;
    uint64_t oneShoup = (uint64_t{1} << 32) / q;
    uint64_t rq = mulShoup(r, 1, oneShoup, q);
    uint64_t shifted = reduceOnce(rq + shift, q);
    return r > half ? shifted : rq;
}

/** One step of the key-switching inner product: s + d·k mod q (kernels_scalar's order). */
ZK_HD uint64_t opKeySwitchStep(uint64_t s, uint64_t d, uint64_t k, const BarrettConst& br) {
    return reduceOnce(s + barrettReduce(d * k, br), br.q);
}

// ---- negacyclic NTT -------------------------------------------------------------------------

/** Cooley–Tukey butterfly on lazy values in [0, 4q); outputs stay in [0, 4q). */
ZK_HD void forwardButterfly(uint64_t& u, uint64_t& x, uint64_t w, uint64_t ws, uint64_t q) {
    uint64_t twoQ = 2 * q;
    uint64_t u2 = reduceOnce(u, twoQ);
    uint64_t v = mulShoupLazy(reduceOnce(x, twoQ), w, ws, q);
    u = u2 + v;
    x = u2 - v + twoQ;
}

/** Gentleman–Sande butterfly on lazy values in [0, 2q); outputs stay in [0, 2q). */
ZK_HD void inverseButterfly(uint64_t& u, uint64_t& x, uint64_t w, uint64_t ws, uint64_t q) {
    uint64_t twoQ = 2 * q;
    uint64_t sum = reduceOnce(u + x, twoQ);
    uint64_t difference = reduceOnce(u - x + twoQ, twoQ);
    u = sum;
    x = mulShoupLazy(difference, w, ws, q);
}

/**
 * Where butterfly k (0 <= k < n/2) of the stage with half-width t = 2^logT acts: on elements
 * `first` and first + t, with twiddle index m + k/t, m = n / (2t). This is the loop nest
 * "for i < m, for j < t: (2it + j, 2it + j + t), w[m + i]" of kernels_scalar.cpp flattened, so
 * the stage computes exactly the CPU's butterflies (each butterfly of a stage is independent).
 */
struct ButterflyIndex {
    size_t first;
    size_t twiddle;
};

ZK_HD ButterflyIndex butterflyIndex(size_t k, unsigned logT, unsigned logN) {
    size_t t = size_t{1} << logT;
    size_t i = k >> logT;
    size_t j = k & (t - 1);
    size_t m = size_t{1} << (logN - 1 - logT);
    return ButterflyIndex{2 * i * t + j, m + i};
}

/** Forward butterfly k of stage logT on one limb a (global or shared memory). */
ZK_HD void forwardStageElement(uint64_t* a, size_t k, unsigned logT, unsigned logN, const uint64_t* w,
                               const uint64_t* ws, uint64_t q) {
    ButterflyIndex b = butterflyIndex(k, logT, logN);
    size_t t = size_t{1} << logT;
    uint64_t u = a[b.first], x = a[b.first + t];
    forwardButterfly(u, x, w[b.twiddle], ws[b.twiddle], q);
    a[b.first] = u;
    a[b.first + t] = x;
}

/** The forward NTT's final reduction of lazy [0, 4q) values to [0, q). */
ZK_HD uint64_t forwardFinish(uint64_t v, uint64_t q) { return reduceOnce(reduceOnce(v, 2 * q), q); }

/**
 * Inverse butterfly k of stage logT; on the last stage (t = n/2) with `scale` set it also
 * multiplies both outputs by n^-1 (the CPU's final mulScalar, fused: same formula, same input).
 */
ZK_HD void inverseStageElement(uint64_t* a, size_t k, unsigned logT, unsigned logN, const uint64_t* w,
                               const uint64_t* ws, uint64_t q, bool scale, uint64_t nInverse,
                               uint64_t nInverseShoup) {
    ButterflyIndex b = butterflyIndex(k, logT, logN);
    size_t t = size_t{1} << logT;
    uint64_t u = a[b.first], x = a[b.first + t];
    inverseButterfly(u, x, w[b.twiddle], ws[b.twiddle], q);
    if (scale) {
        u = mulShoup(u, nInverse, nInverseShoup, q);
        x = mulShoup(x, nInverse, nInverseShoup, q);
    }
    a[b.first] = u;
    a[b.first + t] = x;
}

/**
 * The shared-memory NTT kernel works on aligned tiles of kTile elements with kTile / 2 threads:
 * a butterfly of half-width t <= kTile / 2 never leaves its tile. Butterfly k of the limb lies in
 * tile k / (kTile / 2); tid = k mod (kTile / 2).
 */
constexpr unsigned kLogTile = 11;
constexpr size_t kTile = size_t{1} << kLogTile;      // 2048 words = 16 KiB of shared memory
constexpr size_t kTileThreads = kTile / 2;           // 1024 butterflies per stage

// ---- basis extension ------------------------------------------------------------------------

/**
 * Flattened constants of one fast basis extension (kernels.hpp's BasisConversion), in one
 * buffer so the device copy is a single allocation: fromModuli[k], qHatInverse[k],
 * qHatInverseShoup[k], toModuli[m], qHatModP[m*k], qHatModPShoup[m*k].
 */
struct BasisView {
    size_t k;
    size_t m;
    const uint64_t* fromModuli;
    const uint64_t* qHatInverse;
    const uint64_t* qHatInverseShoup;
    const uint64_t* toModuli;
    const uint64_t* qHatModP;
    const uint64_t* qHatModPShoup;
};

ZK_HD BasisView basisView(const uint64_t* flat, size_t k, size_t m) {
    return BasisView{k, m, flat, flat + k, flat + 2 * k, flat + 3 * k, flat + 3 * k + m,
                     flat + 3 * k + m + m * k};
}

ZK_HD size_t basisFlatWords(size_t k, size_t m) { return 3 * k + m + 2 * m * k; }

/**
 * out_j[x] for one column x: Σ_i [in_i[x] · qHatInv_i]_{q_i} · [Q/q_i]_{p_j} mod p_j, with the
 * CPU's exact reduction order. in points at limb 0 of the input poly (k limbs of n words).
 */
ZK_HD uint64_t convertBasisElement(const uint64_t* in, size_t n, size_t x, size_t j, const BasisView& c) {
    uint64_t p = c.toModuli[j];
    const uint64_t* hat = c.qHatModP + j * c.k;
    const uint64_t* hatShoup = c.qHatModPShoup + j * c.k;
    uint64_t acc = 0;
    for (size_t i = 0; i < c.k; i++) {
        uint64_t qi = c.fromModuli[i];
        uint64_t y = mulShoup(in[i * n + x], c.qHatInverse[i], c.qHatInverseShoup[i], qi);
        acc = reduceOnce(acc + mulShoup(y, hat[i], hatShoup[i], p), p);
    }
    return acc;
}

}  // namespace zkllm::cuda

// ---- per-thread bodies: what one CUDA thread does, given its flat index --------------------
// zkllm_cuda.cu's kernels are grid-stride loops over these; host_emulation.hpp runs the same
// loops sequentially (stage by stage where the kernel synchronizes).

namespace zkllm::cuda {

/** Per-limb constants of a set of RNS primes of one ring degree n = 2^logN (device or host). */
struct LimbSet {
    size_t limbs;
    unsigned logN;
    const uint64_t* q;               // [limbs]
    const BarrettConst* barrett;     // [limbs]
    const uint64_t* psi;             // [limbs][n]  ψ^brv(i)
    const uint64_t* psiShoup;        // [limbs][n]
    const uint64_t* inversePsi;      // [limbs][n]  ψ^-brv(i)
    const uint64_t* inversePsiShoup; // [limbs][n]
    const uint64_t* nInverse;        // [limbs]
    const uint64_t* nInverseShoup;   // [limbs]
};

/** Rows [first, first + count) of a LimbSet (pointer offsets only). */
inline LimbSet shiftRows(const LimbSet& s, size_t first, size_t count) {
    size_t n = size_t{1} << s.logN;
    return LimbSet{count, s.logN, s.q + first, s.barrett + first, s.psi + first * n, s.psiShoup + first * n,
                   s.inversePsi + first * n, s.inversePsiShoup + first * n, s.nInverse + first,
                   s.nInverseShoup + first};
}

/** Per-limb scalars of the scalar kernels, passed by value as a kernel parameter. */
constexpr size_t kMaxScalarLimbs = 64;
struct LimbScalars {
    uint64_t s[kMaxScalarLimbs];
    uint64_t sShoup[kMaxScalarLimbs];
};

/**
 * Where the rows of a kernel's work are, passed by value. Listed (count > 0): the same `count` rows
 * of each of `polys` polynomials at at[p]; work row r is row row[r mod count] of polynomial
 * r / count (and uses that row of the limb table, for the NTTs). Contiguous (count 0): work row r
 * is the r-th row of n words from at[0] (a [polys][limbs][n] batch; table row r mod limbs).
 */
constexpr size_t kMaxPolys = ZKC_MAX_POLYS;
struct RowMap {
    uint32_t count;
    uint32_t polys;
    uint32_t row[kMaxScalarLimbs];
    uint64_t* at[kMaxPolys];
};

/** The row of work row r within its polynomial (its limb table row, modulo the table's limbs). */
ZK_HD size_t mappedRow(const RowMap& m, size_t r) { return m.count == 0 ? r : m.row[r % m.count]; }

/** The first word of work row r. */
ZK_HD uint64_t* rowWords(const RowMap& m, size_t r, unsigned logN) {
    return m.count == 0 ? m.at[0] + (r << logN) : m.at[r / m.count] + (static_cast<size_t>(m.row[r % m.count]) << logN);
}

/** Element e of `polys` × `limbs` × n words lies in limb (e / n) mod limbs. */
ZK_HD size_t limbOf(size_t e, unsigned logN, size_t limbs) { return (e >> logN) % limbs; }

enum PointwiseOp : int {
    kAdd = ZKC_ADD, kSub = ZKC_SUB, kNegate = ZKC_NEGATE, kMul = ZKC_MUL, kMulAdd = ZKC_MUL_ADD,
    kMulScalar = ZKC_MUL_SCALAR, kAddScalar = ZKC_ADD_SCALAR, kSubMulScalar = ZKC_SUB_MUL_SCALAR
};

/** Word w of a pointwise kernel's output in limb l (out[w] is the accumulator of kMulAdd; b unread by the unary ops). */
template <int Op>
ZK_HD uint64_t pointwiseValue(const uint64_t* a, const uint64_t* b, const uint64_t* out, size_t w, size_t l,
                              const LimbSet& set, const LimbScalars& s) {
    uint64_t q = set.q[l];
    if constexpr (Op == kAdd) return opAdd(a[w], b[w], q);
    else if constexpr (Op == kSub) return opSub(a[w], b[w], q);
    else if constexpr (Op == kNegate) return opNegate(a[w], q);
    else if constexpr (Op == kMul) return opMul(a[w], b[w], set.barrett[l]);
    else if constexpr (Op == kMulAdd) return opMulAdd(a[w], b[w], out[w], set.barrett[l]);
    else if constexpr (Op == kMulScalar) return opMulScalar(a[w], s.s[l], s.sShoup[l], q);
    else if constexpr (Op == kAddScalar) return opAddScalar(a[w], s.s[l], q);
    else return opSubMulScalar(a[w], b[w], s.s[l], s.sShoup[l], q);
}

/** out[e] of a pointwise kernel over a [polys][limbs][n] batch. */
template <int Op>
ZK_HD void pointwiseThread(size_t e, const uint64_t* a, const uint64_t* b, uint64_t* out,
                           const LimbSet& set, const LimbScalars& s) {
    out[e] = pointwiseValue<Op>(a, b, out, e, limbOf(e, set.logN, set.limbs), set, s);
}

/** Polynomials of [limbs][n] words by address, passed by value; null where an operand is absent. */
struct PolyList {
    const uint64_t* at[kMaxPolys];
};

/** A permutation per polynomial of a PolyList (NULL: none), passed by value. */
struct PermList {
    const int32_t* at[kMaxPolys];
};

/** Element e of polys × limbs × n of a pointwise kernel over polynomials by address (zkc_pointwise_polys). */
template <int Op>
ZK_HD void pointwiseListThread(size_t e, const PolyList& a, const PolyList& b, const PolyList& out, const LimbSet& set,
                               const LimbScalars& s) {
    size_t words = set.limbs << set.logN;
    size_t p = e / words, w = e % words;
    const_cast<uint64_t*>(out.at[p])[w] = pointwiseValue<Op>(a.at[p], b.at[p], out.at[p], w, w >> set.logN, set, s);
}

/**
 * Element e of polys × limbs × n: out = (a - b)·s_l + c, c read through perm when there is one, the add
 * skipped where c's address is null (zkc_sub_mul_scalar_add): the CPU's subMulScalar, permute and add.
 */
ZK_HD void subMulScalarAddThread(size_t e, const PolyList& a, const PolyList& b, const PolyList& c, const PermList& perms,
                                 const PolyList& out, const LimbSet& set, const LimbScalars& s) {
    size_t words = set.limbs << set.logN;
    size_t p = e / words, w = e % words, l = w >> set.logN;
    size_t i = w & ((size_t{1} << set.logN) - 1);
    uint64_t q = set.q[l];
    uint64_t v = opSubMulScalar(a.at[p][w], b.at[p][w], s.s[l], s.sShoup[l], q);
    const int32_t* perm = perms.at[p];
    size_t from = perm != nullptr ? (w - i) + static_cast<size_t>(perm[i]) : w;
    const_cast<uint64_t*>(out.at[p])[w] = c.at[p] != nullptr ? opAdd(v, c.at[p][from], q) : v;
}

/**
 * Element e of [polys][limbs][n]: coefficient i = e mod n of poly p's signed row c + p·n, |c| < 2^62,
 * modulo limb l's prime, to out.at[p]'s word l·n + i. With |c| = hi·2^31 + lo, every Barrett step's
 * input stays below 2^(2L) when q >= 2^15.
 */
ZK_HD void fromSignedThread(size_t e, const int64_t* c, const PolyList& out, const LimbSet& set) {
    size_t words = set.limbs << set.logN;
    size_t p = e / words, w = e % words, l = w >> set.logN;
    size_t i = w & ((size_t{1} << set.logN) - 1);
    const BarrettConst& br = set.barrett[l];
    int64_t v = c[(p << set.logN) + i];
    uint64_t u = v < 0 ? uint64_t{0} - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
    uint64_t twoPow31 = barrettReduce(uint64_t{1} << 31, br);
    uint64_t high = barrettReduce(barrettReduce(u >> 31, br) * twoPow31, br);
    uint64_t r = reduceOnce(high + barrettReduce(u & 0x7fffffffu, br), br.q);
    const_cast<uint64_t*>(out.at[p])[w] = v < 0 ? reduceOnce(br.q - r, br.q) : r;
}

/**
 * Thread g of a global NTT kernel with 2^logPerRow threads per work row: its row's words, the limb
 * of the table it uses (mappedRow mod limbs), and its index k within the row.
 */
struct StageThread {
    uint64_t* words;
    size_t limb;
    size_t k;
};

ZK_HD StageThread stageThread(size_t g, unsigned logPerRow, const LimbSet& set, const RowMap& rows) {
    size_t r = g >> logPerRow;
    return StageThread{rowWords(rows, r, set.logN), mappedRow(rows, r) % set.limbs,
                       g & ((size_t{1} << logPerRow) - 1)};
}

/** Butterfly g of one global forward stage over the work rows (n/2 each). */
ZK_HD void forwardGlobalThread(size_t g, unsigned logT, const LimbSet& set, const RowMap& rows) {
    unsigned logN = set.logN;
    size_t n = size_t{1} << logN;
    StageThread s = stageThread(g, logN - 1, set, rows);
    size_t l = s.limb;
    forwardStageElement(s.words, s.k, logT, logN, set.psi + l * n, set.psiShoup + l * n, set.q[l]);
}

/**
 * Two consecutive global forward stages in one pass: group g (n/4 per row) holds the four words
 * b, b + t/2, b + t, b + 3t/2 of its row (t = 2^logT, b = 2·t·i + j, j < t/2), which stage logT
 * pairs as (b, b + t), (b + t/2, b + 3t/2) with twiddle m + i (m = n / 2t), and stage logT - 1 then
 * as (b, b + t/2) and (b + t, b + 3t/2) with twiddles 2m + 2i and 2m + 2i + 1. These are the CPU's
 * butterflies on the same words in the same order, so the bytes are the same; the group is closed
 * under both stages, so one launch does what two did, reading and writing the row once.
 */
ZK_HD void forwardPairThread(size_t g, unsigned logT, const LimbSet& set, const RowMap& rows) {
    unsigned logN = set.logN;
    size_t n = size_t{1} << logN;
    StageThread s = stageThread(g, logN - 2, set, rows);
    size_t l = s.limb;
    size_t t = size_t{1} << logT, half = t / 2;
    size_t i = s.k >> (logT - 1);
    size_t b = 2 * t * i + (s.k & (half - 1));
    size_t m = n / (2 * t);
    uint64_t* p = s.words;
    const uint64_t* w = set.psi + l * n;
    const uint64_t* ws = set.psiShoup + l * n;
    uint64_t q = set.q[l];
    uint64_t v0 = p[b], v1 = p[b + half], v2 = p[b + t], v3 = p[b + t + half];
    forwardButterfly(v0, v2, w[m + i], ws[m + i], q);
    forwardButterfly(v1, v3, w[m + i], ws[m + i], q);
    forwardButterfly(v0, v1, w[2 * m + 2 * i], ws[2 * m + 2 * i], q);
    forwardButterfly(v2, v3, w[2 * m + 2 * i + 1], ws[2 * m + 2 * i + 1], q);
    p[b] = v0, p[b + half] = v1, p[b + t] = v2, p[b + t + half] = v3;
}

/** Butterfly g of one global inverse stage (rows as forwardGlobalThread's); the stage t = n/2 also scales by n^-1. */
ZK_HD void inverseGlobalThread(size_t g, unsigned logT, const LimbSet& set, const RowMap& rows) {
    unsigned logN = set.logN;
    size_t n = size_t{1} << logN;
    StageThread s = stageThread(g, logN - 1, set, rows);
    size_t l = s.limb;
    bool last = logT == logN - 1;
    inverseStageElement(s.words, s.k, logT, logN, set.inversePsi + l * n, set.inversePsiShoup + l * n,
                        set.q[l], last, set.nInverse[l], set.nInverseShoup[l]);
}

/**
 * Two consecutive global inverse stages, logT and logT + 1, in one pass: group g holds the words b,
 * b + t, b + 2t, b + 3t (t = 2^logT, b = 4·t·i + j, j < t), which stage logT pairs as (b, b + t) and
 * (b + 2t, b + 3t) with twiddles m + 2i and m + 2i + 1 (m = n / 2t), and stage logT + 1 then as
 * (b, b + 2t), (b + t, b + 3t) with twiddle m/2 + i, scaling by n^-1 when that is the last stage:
 * the CPU's butterflies on the same words in the same order (see forwardPairThread).
 */
ZK_HD void inversePairThread(size_t g, unsigned logT, const LimbSet& set, const RowMap& rows) {
    unsigned logN = set.logN;
    size_t n = size_t{1} << logN;
    StageThread s = stageThread(g, logN - 2, set, rows);
    size_t l = s.limb;
    size_t t = size_t{1} << logT;
    size_t i = s.k >> logT;
    size_t b = 4 * t * i + (s.k & (t - 1));
    size_t m = n / (2 * t);
    uint64_t* p = s.words;
    const uint64_t* w = set.inversePsi + l * n;
    const uint64_t* ws = set.inversePsiShoup + l * n;
    uint64_t q = set.q[l];
    uint64_t v0 = p[b], v1 = p[b + t], v2 = p[b + 2 * t], v3 = p[b + 3 * t];
    inverseButterfly(v0, v1, w[m + 2 * i], ws[m + 2 * i], q);
    inverseButterfly(v2, v3, w[m + 2 * i + 1], ws[m + 2 * i + 1], q);
    inverseButterfly(v0, v2, w[m / 2 + i], ws[m / 2 + i], q);
    inverseButterfly(v1, v3, w[m / 2 + i], ws[m / 2 + i], q);
    if (logT + 1 == logN - 1) {
        uint64_t s = set.nInverse[l], ss = set.nInverseShoup[l];
        v0 = mulShoup(v0, s, ss, q), v1 = mulShoup(v1, s, ss, q), v2 = mulShoup(v2, s, ss, q), v3 = mulShoup(v3, s, ss, q);
    }
    p[b] = v0, p[b + t] = v1, p[b + 2 * t] = v2, p[b + 3 * t] = v3;
}

/** Geometry of the tile kernel: a tile of min(n, kTile) words, half as many threads. */
ZK_HD unsigned tileLog(unsigned logN) { return logN < kLogTile ? logN : kLogTile; }

/**
 * Butterfly tid of tile `tile` (tile index within its row) at stage logT, on the tile's copy (shared
 * memory on the GPU): the butterfly index within the limb is tile · threads + tid, and its elements
 * are at their limb index minus the tile's first index, `first` and `first + t`.
 */
struct TileButterfly {
    size_t first;
    size_t t;
    size_t twiddle;
};

ZK_HD TileButterfly tileButterfly(size_t tile, size_t tid, unsigned logT, unsigned logN) {
    size_t threads = (size_t{1} << tileLog(logN)) / 2;
    ButterflyIndex b = butterflyIndex(tile * threads + tid, logT, logN);
    return TileButterfly{b.first - tile * 2 * threads, size_t{1} << logT, b.twiddle};
}

ZK_HD void forwardTileThread(uint64_t* sh, size_t tile, size_t tid, unsigned logT, size_t l,
                             const LimbSet& set) {
    size_t n = size_t{1} << set.logN;
    TileButterfly b = tileButterfly(tile, tid, logT, set.logN);
    uint64_t u = sh[b.first], x = sh[b.first + b.t];
    forwardButterfly(u, x, set.psi[l * n + b.twiddle], set.psiShoup[l * n + b.twiddle], set.q[l]);
    sh[b.first] = u;
    sh[b.first + b.t] = x;
}

ZK_HD void inverseTileThread(uint64_t* sh, size_t tile, size_t tid, unsigned logT, size_t l,
                             const LimbSet& set) {
    unsigned logN = set.logN;
    size_t n = size_t{1} << logN;
    TileButterfly b = tileButterfly(tile, tid, logT, logN);
    uint64_t u = sh[b.first], x = sh[b.first + b.t];
    inverseButterfly(u, x, set.inversePsi[l * n + b.twiddle], set.inversePsiShoup[l * n + b.twiddle], set.q[l]);
    if (logT == logN - 1) {  // the whole NTT fits in one tile: this is the last stage
        u = mulShoup(u, set.nInverse[l], set.nInverseShoup[l], set.q[l]);
        x = mulShoup(x, set.nInverse[l], set.nInverseShoup[l], set.q[l]);
    }
    sh[b.first] = u;
    sh[b.first + b.t] = x;
}

/**
 * Stages done in the tile kernel: logT < tileLog(logN); global stages: logT >= tileLog(logN).
 * Block b of the tile kernel handles tile b mod tilesPerRow of work row b / tilesPerRow, read from
 * that row of `from` (the same rows of other polynomials: an inverse NTT out of place, whose tile
 * kernel runs first) or of `rows` itself, and written to `rows`.
 */
struct TileBlock {
    size_t tile;
    size_t limb;
    size_t threads;          // blockDim.x = tile words / 2
    uint64_t* words;         // the tile's first word
    const uint64_t* source;  // where the tile is read from
};

ZK_HD TileBlock tileBlock(size_t block, const LimbSet& set, const RowMap& rows, const RowMap& from) {
    unsigned logTile = tileLog(set.logN);
    size_t tilesPerRow = size_t{1} << (set.logN - logTile);
    size_t r = block / tilesPerRow;
    size_t tile = block % tilesPerRow;
    size_t threads = (size_t{1} << logTile) / 2;
    size_t offset = tile * 2 * threads;
    return TileBlock{tile, mappedRow(rows, r) % set.limbs, threads, rowWords(rows, r, set.logN) + offset,
                     rowWords(from, r, set.logN) + offset};
}

/** Thread tid's share of loading a tile: words tid and tid + threads. */
ZK_HD void tileLoadThread(uint64_t* sh, const TileBlock& b, size_t tid) {
    sh[tid] = b.source[tid];
    sh[tid + b.threads] = b.source[tid + b.threads];
}

/** Storing a tile after the forward stages: the final reduction to [0, q). */
ZK_HD void tileStoreForwardThread(const uint64_t* sh, const TileBlock& b, size_t tid, const LimbSet& set) {
    uint64_t q = set.q[b.limb];
    b.words[tid] = forwardFinish(sh[tid], q);
    b.words[tid + b.threads] = forwardFinish(sh[tid + b.threads], q);
}

ZK_HD void tileStoreInverseThread(const uint64_t* sh, const TileBlock& b, size_t tid) {
    b.words[tid] = sh[tid];
    b.words[tid + b.threads] = sh[tid + b.threads];
}

/**
 * Element e = (g · limbs + l) · n + i of the key-switching inner products: word i of limb l of product g
 * (zkc_key_switch says where the operands are, zkc_key_switch_outputs which each product sums and where it writes).
 */
ZK_HD void keySwitchThread(size_t e, const zkc_key_switch& ops, const zkc_key_switch_outputs& outputs,
                           const LimbSet& set, size_t limbs) {
    unsigned logN = set.logN;
    size_t i = e & ((size_t{1} << logN) - 1);
    size_t row = e >> logN;
    size_t g = row / limbs;  // the product
    size_t l = row - g * limbs;
    const int32_t* perm = outputs.perm[g];
    size_t source = (l << logN) + (perm != nullptr ? static_cast<size_t>(perm[i]) : i);
    size_t key = (static_cast<size_t>(ops.keyLimbs[l]) << logN) + i;
    const BarrettConst br = set.barrett[l];
    uint64_t s0 = 0, s1 = 0;
    for (size_t j = outputs.start[g]; j < outputs.start[g + 1]; j++) {
        uint64_t d = ops.digits[j][source];
        s0 = opKeySwitchStep(s0, d, ops.keyB[j][key], br);
        s1 = opKeySwitchStep(s1, d, ops.keyA[j][key], br);
    }
    outputs.acc0[g][(l << logN) + i] = s0;
    outputs.acc1[g][(l << logN) + i] = s1;
}

/** out element e of permute over rows of n words: out[row][i] = a[row][perm[i]]. */
ZK_HD void permuteThread(size_t e, const uint64_t* a, const int32_t* perm, uint64_t* out, unsigned logN) {
    size_t n = size_t{1} << logN;
    size_t i = e & (n - 1);
    out[e] = a[(e - i) + static_cast<size_t>(perm[i])];
}

/**
 * The bases of a conversion kernel, passed by value: the distinct ones (all to the same m primes) and
 * the one of each polynomial, b[of[p]] (a view per polynomial would be 4 KB of parameters at 64).
 */
constexpr size_t kMaxBases = ZKC_MAX_BASES;
struct BasisList {
    BasisView b[kMaxBases];
    uint8_t of[kMaxPolys];
};

/**
 * Element e = w · n + x of the basis extension: column x of target j = w mod m of polynomial
 * p = w / m with its basis, from its k source rows at in.at[p] (consecutive rows of n words), written
 * to out's work row w.
 */
ZK_HD void convertBasisThread(size_t e, const PolyList& in, const RowMap& out, unsigned logN, const BasisList& bases) {
    size_t n = size_t{1} << logN;
    size_t x = e & (n - 1);
    size_t w = e >> logN;
    size_t m = bases.b[0].m;
    size_t p = w / m;
    rowWords(out, w, logN)[x] = convertBasisElement(in.at[p], n, x, w % m, bases.b[bases.of[p]]);
}

/**
 * Element e = (poly · kept + l) · n + x of rescale's lifted scratch: the centered lift of the top row's
 * coefficient x (top: [polys][n]) mod q_l. `set` has the kept rows and then the divisor's.
 */
ZK_HD void liftThread(size_t e, const uint64_t* top, uint64_t* lifted, const LimbSet& set) {
    unsigned logN = set.logN;
    size_t kept = set.limbs - 1;
    size_t x = e & ((size_t{1} << logN) - 1);
    size_t row = e >> logN;
    lifted[e] = opLiftCentered(top[((row / kept) << logN) + x], set.q[kept], set.q[row % kept]);
}

/**
 * Element e of polys × limbs × n of rescale's last step: out = (a - NTT(lift)) · s_l, with a and out
 * by address (a has one limb more, unread here) and lifted the compact [polys][limbs][n] scratch.
 */
ZK_HD void rescaleFinishThread(size_t e, const PolyList& a, const uint64_t* lifted, const PolyList& out,
                               const LimbSet& set, const LimbScalars& s) {
    size_t words = set.limbs << set.logN;
    size_t p = e / words, w = e % words, l = w >> set.logN;
    const_cast<uint64_t*>(out.at[p])[w] = opSubMulScalar(a.at[p][w], lifted[e], s.s[l], s.sShoup[l], set.q[l]);
}

}  // namespace zkllm::cuda
