// Host-side glue shared by the two implementations of zkllm_cuda.h, the CUDA library
// (zkllm_cuda.cu) and its host emulation (src/test/cuda/host_emulation.cpp): argument checks and
// the packed layouts of limb tables, basis tables and scalar blocks. The two then differ only in
// where memory lives and how a grid runs.
#pragma once

#include "zkllm_cuda_arith.cuh"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

// The limits in the refusals' words, from the header's numbers.
#define ZKC_TEXT(x) #x
#define ZKC_NUMBER(x) ZKC_TEXT(x)
#define ZKC_POLYS_TEXT "1 to " ZKC_NUMBER(ZKC_MAX_POLYS) " polynomials"

namespace zkllm::cuda {

/** log2 of n, rounded up. */
inline unsigned log2Ceil(size_t n) {
    unsigned l = 0;
    while ((size_t{1} << l) < n) l++;
    return l;
}

/** Null when a table of `limbs` limbs of degree n can be made, else why not. */
inline const char* limbTableError(size_t limbs, size_t n) {
    unsigned logN = log2Ceil(n);
    return limbs == 0 || n < 2 || (size_t{1} << logN) != n || logN > 17
               ? "n must be a power of two in [2, 2^17] and limbs > 0"
               : nullptr;
}

/** Null when the first `limbs` limbs of `set` (null: no table) can be used, else why not. */
inline const char* limbsError(const LimbSet* set, size_t limbs) {
    return set == nullptr || limbs == 0 || limbs > set->limbs ? "limbs out of range for the table" : nullptr;
}

/** The first `limbs` limbs of a table. */
inline LimbSet firstLimbs(const LimbSet& set, size_t limbs) {
    LimbSet s = set;
    s.limbs = limbs;
    return s;
}

/**
 * Words of a packed limb table: per limb q, n^-1 and its Shoup constant ([limbs] each), the
 * Barrett constants (3 words per limb), then the four twiddle tables ([limbs][n] each).
 */
inline size_t limbTableWords(size_t limbs, size_t n) { return 6 * limbs + 4 * limbs * n; }

inline void packLimbTable(uint64_t* p, size_t limbs, size_t n, const uint64_t* moduli, const uint64_t* psi,
                          const uint64_t* psiShoup, const uint64_t* inversePsi, const uint64_t* inversePsiShoup,
                          const uint64_t* nInverse, const uint64_t* nInverseShoup) {
    static_assert(sizeof(BarrettConst) == 24, "BarrettConst is 3 words");
    std::memcpy(p, moduli, limbs * 8);
    std::memcpy(p + limbs, nInverse, limbs * 8);
    std::memcpy(p + 2 * limbs, nInverseShoup, limbs * 8);
    for (size_t l = 0; l < limbs; l++) {
        BarrettConst b = makeBarrett(moduli[l]);
        std::memcpy(p + 3 * limbs + 3 * l, &b, sizeof b);
    }
    const uint64_t* tables[4] = {psi, psiShoup, inversePsi, inversePsiShoup};
    for (int t = 0; t < 4; t++) std::memcpy(p + 6 * limbs + t * limbs * n, tables[t], limbs * n * 8);
}

/** The LimbSet over a table packed by packLimbTable at `base` (device or host memory). */
inline LimbSet limbSetOver(const uint64_t* base, size_t limbs, size_t n) {
    const uint64_t* tab = base + 6 * limbs;
    return LimbSet{limbs, log2Ceil(n), base, reinterpret_cast<const BarrettConst*>(base + 3 * limbs), tab,
                   tab + limbs * n, tab + 2 * limbs * n, tab + 3 * limbs * n, base + limbs, base + 2 * limbs};
}

/** Packs a basis converter's tables in the layout basisView reads (basisFlatWords(k, m) words). */
inline void packBasis(uint64_t* p, size_t k, size_t m, const uint64_t* fromModuli, const uint64_t* qHatInverse,
                      const uint64_t* qHatInverseShoup, const uint64_t* toModuli, const uint64_t* qHatModP,
                      const uint64_t* qHatModPShoup) {
    std::memcpy(p, fromModuli, k * 8);
    std::memcpy(p + k, qHatInverse, k * 8);
    std::memcpy(p + 2 * k, qHatInverseShoup, k * 8);
    std::memcpy(p + 3 * k, toModuli, m * 8);
    std::memcpy(p + 3 * k + m, qHatModP, m * k * 8);
    std::memcpy(p + 3 * k + m + m * k, qHatModPShoup, m * k * 8);
}

/**
 * Null and the per-limb scalars (zeros when s is null) in `out`, or why `limbs` does not fit the
 * kernels' scalar block. sShoup may be null (kernels that add a scalar do not use it).
 */
inline const char* packScalars(const uint64_t* s, const uint64_t* sShoup, size_t limbs, LimbScalars& out) {
    std::memset(&out, 0, sizeof out);
    if (s == nullptr) return nullptr;
    if (limbs > kMaxScalarLimbs) return "scalar kernels take at most 64 limbs";
    for (size_t l = 0; l < limbs; l++) {
        out.s[l] = s[l];
        out.sShoup[l] = sShoup != nullptr ? sShoup[l] : 0;
    }
    return nullptr;
}

/**
 * The global stages of an NTT of degree 2^logN in launch order, two per launch where two remain
 * (forwardPairThread, inversePairThread), one otherwise: pass(logT, 2) runs stages logT and the next,
 * pass(logT, 1) stage logT alone. Forward: logT from logN - 1 down to tileLog(logN); inverse: from
 * tileLog(logN) up to logN - 1. Returns the first nonzero pass result.
 */
template <class Pass>
int globalStages(unsigned logN, bool inverse, Pass pass) {
    int tile = static_cast<int>(tileLog(logN));
    int top = static_cast<int>(logN) - 1;
    if (!inverse) {
        for (int logT = top; logT >= tile; logT -= 2) {
            int stages = logT - 1 >= tile ? 2 : 1;
            if (int r = pass(static_cast<unsigned>(logT), stages)) return r;
        }
    } else {
        for (int logT = tile; logT <= top; logT += 2) {
            int stages = logT + 1 <= top ? 2 : 1;
            if (int r = pass(static_cast<unsigned>(logT), stages)) return r;
        }
    }
    return 0;
}

/** The rows of a [polys][limbs][n] batch at a, in order. */
inline RowMap contiguousRows(const uint64_t* a) {
    RowMap m{};
    m.polys = 1;
    m.at[0] = const_cast<uint64_t*>(a);
    return m;
}

/**
 * Null and, in `out`, rows rows[0..count-1] (null: 0..count-1) of each of the polynomials at
 * polys[0..polyCount-1]; or why they do not fit a RowMap.
 */
inline const char* listRows(const uint64_t* const* polys, size_t polyCount, const uint32_t* rows, size_t count,
                            RowMap& out) {
    out = RowMap{};
    if (polys == nullptr || polyCount == 0 || polyCount > kMaxPolys) return ZKC_POLYS_TEXT;
    if (count == 0 || count > kMaxScalarLimbs) return "1 to " ZKC_NUMBER(ZKC_MAX_SCALAR_LIMBS) " rows of each polynomial";
    out.count = static_cast<uint32_t>(count);
    out.polys = static_cast<uint32_t>(polyCount);
    for (size_t j = 0; j < count; j++) out.row[j] = rows == nullptr ? static_cast<uint32_t>(j) : rows[j];
    for (size_t p = 0; p < polyCount; p++) {
        if (polys[p] == nullptr) return "a null polynomial";
        out.at[p] = const_cast<uint64_t*>(polys[p]);
    }
    return nullptr;
}

/** Null when every listed row of `m` is a row of `set`'s table, else why not. */
inline const char* tableRowsError(const LimbSet* set, const RowMap& m) {
    if (set == nullptr) return "no table";
    for (size_t j = 0; j < m.count; j++) {
        if (m.row[j] >= set->limbs) return "a row outside the table";
    }
    return nullptr;
}

/** Null and the work rows of zkc_ntt_*_rows (rows of each listed polynomial, all in the table) in `map`, or why not. */
inline const char* nttRows(const LimbSet* set, uint64_t* const* polys, size_t polyCount, const uint32_t* rows,
                           size_t count, RowMap& map) {
    if (const char* error = listRows(polys, polyCount, rows, count, map)) return error;
    return tableRowsError(set, map);
}

/** Null and, in `out`, map's rows read from the polynomials at from[p] instead (from null: map itself), or why not. */
inline const char* sourceRows(const RowMap& map, const uint64_t* const* from, RowMap& out) {
    out = map;
    if (from == nullptr) return nullptr;
    for (size_t p = 0; p < map.polys; p++) {
        if (from[p] == nullptr) return "a null source";
        out.at[p] = const_cast<uint64_t*>(from[p]);
    }
    return nullptr;
}

/**
 * Null and the operands of a conversion of `polys` polynomials (zkc_convert_basis): their bases (each
 * implementation's zkc_basis, which holds its BasisView as `view`), the sources by address, the target
 * rows (contiguous for one polynomial without outRows, else listed); or why they do not fit.
 */
template <class Basis>
const char* conversionOperands(const Basis* const* bases, const uint64_t* const* in, const uint64_t* const* out,
                               size_t polys, const uint32_t* outRows, BasisList& list, PolyList& from, RowMap& to) {
    if (bases == nullptr || in == nullptr || out == nullptr || polys == 0 || polys > kMaxPolys) return ZKC_POLYS_TEXT;
    size_t distinct = 0;
    for (size_t p = 0; p < polys; p++) {
        if (bases[p] == nullptr || in[p] == nullptr) return "a null basis or source";
        if (bases[p]->view.m != bases[0]->view.m) return "bases to different numbers of primes";
        size_t b = 0;
        while (b < p && bases[b] != bases[p]) b++;
        if (b == p) {  // a basis not seen before
            if (distinct == kMaxBases) return "more than " ZKC_NUMBER(ZKC_MAX_BASES) " distinct bases";
            list.b[distinct] = bases[p]->view;
            list.of[p] = static_cast<uint8_t>(distinct++);
        } else {
            list.of[p] = list.of[b];
        }
        from.at[p] = in[p];
    }
    if (polys == 1 && outRows == nullptr) {
        to = contiguousRows(out[0]);
        return nullptr;
    }
    return listRows(out, polys, outRows, bases[0]->view.m, to);
}

/** Null and the list of 1..kMaxPolys outputs, or why not. */
inline const char* outputList(uint64_t* const* out, size_t polys, PolyList& list) {
    if (out == nullptr || polys == 0 || polys > kMaxPolys) return ZKC_POLYS_TEXT;
    for (size_t p = 0; p < polys; p++) {
        if (out[p] == nullptr) return "a null operand";
        list.at[p] = out[p];
    }
    return nullptr;
}

/**
 * Null and the scalars and lists of zkc_sub_mul_scalar_add's operands, or why not: 1..kMaxPolys
 * polynomials, a, b and out present, c and its permutation (perms may be null: none) present or null
 * per polynomial.
 */
inline const char* subMulScalarAddOperands(const uint64_t* const* a, const uint64_t* const* b, const uint64_t* const* c,
                                           const int32_t* const* perms, uint64_t* const* out, size_t polys,
                                           const uint64_t* s, const uint64_t* sShoup, size_t limbs, PolyList lists[4],
                                           PermList& permList, LimbScalars& scalars) {
    if (const char* error = packScalars(s, sShoup, limbs, scalars)) return error;
    if (a == nullptr || b == nullptr || c == nullptr || out == nullptr || polys == 0 || polys > kMaxPolys) {
        return ZKC_POLYS_TEXT " of each operand";
    }
    for (size_t p = 0; p < polys; p++) {
        if (a[p] == nullptr || b[p] == nullptr || out[p] == nullptr) return "a null operand";
        lists[0].at[p] = a[p], lists[1].at[p] = b[p], lists[2].at[p] = c[p], lists[3].at[p] = out[p];
        permList.at[p] = perms != nullptr ? perms[p] : nullptr;
    }
    return nullptr;
}

/**
 * Null and the lists of zkc_pointwise_polys' operands and its scalars, or why not: 1..kMaxPolys polynomials,
 * a and out present, b present for the binary ops.
 */
inline const char* pointwiseOperands(int op, const uint64_t* const* a, const uint64_t* const* b, uint64_t* const* out,
                                     size_t polys, const uint64_t* s, const uint64_t* sShoup, size_t limbs,
                                     PolyList lists[3], LimbScalars& scalars) {
    bool binary = op == kAdd || op == kSub || op == kMul || op == kMulAdd || op == kSubMulScalar;
    bool scalar = op == kMulScalar || op == kAddScalar || op == kSubMulScalar;
    if (op < kAdd || op > kSubMulScalar) return "unknown pointwise kernel";
    if (scalar && s == nullptr) return "a scalar kernel without scalars";
    if (const char* error = packScalars(scalar ? s : nullptr, sShoup, limbs, scalars)) return error;
    if (a == nullptr || out == nullptr || (binary && b == nullptr) || polys == 0 || polys > kMaxPolys) {
        return ZKC_POLYS_TEXT " of each operand";
    }
    for (size_t p = 0; p < polys; p++) {
        if (a[p] == nullptr || out[p] == nullptr || (binary && b[p] == nullptr)) return "a null operand";
        lists[0].at[p] = a[p], lists[1].at[p] = binary ? b[p] : nullptr, lists[2].at[p] = out[p];
    }
    return nullptr;
}

/** What zkc_rescale works on: views of the table, the halves of its scratch, the polynomials by address. */
struct RescaleOperands {
    LimbSet withTop;    // the kept rows, then the divisor's: the lift
    LimbSet kept;       // the output's rows
    LimbSet top;        // the divisor's row alone: the top rows' inverse NTT
    RowMap topRows;     // contiguous at the scratch: every polynomial's top row, [polys][n]
    RowMap topSources;  // row `limbs` of each a[p], where the inverse NTT reads
    uint64_t* lifted;   // the scratch after the top rows: [polys][limbs][n]
    PolyList a, out;
    LimbScalars scalars;
};

/**
 * Null and zkc_rescale's operands over `table` (limbs + 1 rows or more: the caller's checkLimbs), or why not:
 * 1..kMaxPolys polynomials a and out, at least one kept limb, the scalars and the scratch present.
 */
inline const char* rescaleOperands(const LimbSet& table, const uint64_t* const* a, uint64_t* const* out,
                                   const uint64_t* s, const uint64_t* sShoup, uint64_t* scratch, size_t polys,
                                   size_t limbs, RescaleOperands& ops) {
    if (limbs == 0) return "rescale keeps at least one limb";
    if (s == nullptr || sShoup == nullptr || scratch == nullptr) return "rescale needs its scalars and scratch";
    if (const char* error = packScalars(s, sShoup, limbs, ops.scalars)) return error;
    uint32_t topRow = static_cast<uint32_t>(limbs);
    if (const char* error = listRows(a, polys, &topRow, 1, ops.topSources)) return error;
    if (const char* error = outputList(out, polys, ops.out)) return error;
    ops.a = PolyList{};
    for (size_t p = 0; p < polys; p++) ops.a.at[p] = a[p];
    ops.withTop = firstLimbs(table, limbs + 1);
    ops.kept = firstLimbs(table, limbs);
    ops.top = shiftRows(table, limbs, 1);
    ops.topRows = contiguousRows(scratch);
    ops.lifted = scratch + (polys << table.logN);
    return nullptr;
}

/** f(std::integral_constant<int, op>()) for a pointwise kernel's op code (checked by pointwiseOperands). */
template <class F>
int withPointwiseOp(int op, F f) {
    switch (op) {
        case kAdd: return f(std::integral_constant<int, kAdd>());
        case kSub: return f(std::integral_constant<int, kSub>());
        case kNegate: return f(std::integral_constant<int, kNegate>());
        case kMul: return f(std::integral_constant<int, kMul>());
        case kMulAdd: return f(std::integral_constant<int, kMulAdd>());
        case kMulScalar: return f(std::integral_constant<int, kMulScalar>());
        case kAddScalar: return f(std::integral_constant<int, kAddScalar>());
        default: return f(std::integral_constant<int, kSubMulScalar>());
    }
}

/** Why a key-switching product's operands are refused, or nullptr. */
inline const char* keySwitchError(const zkc_key_switch* ops, const zkc_key_switch_outputs* outputs, size_t limbs) {
    if (ops == nullptr || ops->count == 0 || ops->count > ZKC_MAX_DIGITS) return "digit count out of range";
    if (limbs > ZKC_MAX_SCALAR_LIMBS) return "the key-switching kernel takes at most 64 limbs";
    for (size_t j = 0; j < ops->count; j++) {
        if (ops->digits[j] == nullptr || ops->keyB[j] == nullptr || ops->keyA[j] == nullptr) return "null operand";
    }
    if (outputs == nullptr || outputs->count == 0 || outputs->count > ZKC_MAX_PRODUCTS) return "product count out of range";
    if (outputs->start[0] != 0 || outputs->start[outputs->count] != ops->count) return "products do not cover the operands";
    for (size_t g = 0; g < outputs->count; g++) {
        if (outputs->start[g] >= outputs->start[g + 1]) return "a product without operands";
        if (outputs->acc0[g] == nullptr || outputs->acc1[g] == nullptr) return "null output";
    }
    return nullptr;
}

}  // namespace zkllm::cuda
