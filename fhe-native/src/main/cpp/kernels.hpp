// The ring kernels of RingBackend over raw 64-bit words, in a scalar and an AVX2 flavour with
// identical outputs. Callers have validated every length; kernels trust them.
#pragma once

#include <cstddef>
#include <cstdint>

namespace zkllm::fhe {

/** Constants of one fast basis extension, flattened by the Java side. */
struct BasisConversion {
    size_t fromCount;                 // k
    size_t toCount;                   // m
    const uint64_t* fromModuli;       // q_i
    const uint64_t* qHatInverse;      // [(Q/q_i)^-1]_{q_i}
    const uint64_t* qHatInverseShoup;
    const uint64_t* toModuli;         // p_j
    const uint64_t* qHatModP;         // row j, column i: [Q/q_i]_{p_j}
    const uint64_t* qHatModPShoup;
};

struct RingKernels {
    void (*forwardNtt)(uint64_t* a, size_t n, const uint64_t* w, const uint64_t* ws, uint64_t q);
    void (*inverseNtt)(uint64_t* a, size_t n, const uint64_t* w, const uint64_t* ws, uint64_t q,
                       uint64_t nInverse, uint64_t nInverseShoup);
    void (*add)(const uint64_t* a, const uint64_t* b, uint64_t* out, size_t n, uint64_t q);
    void (*sub)(const uint64_t* a, const uint64_t* b, uint64_t* out, size_t n, uint64_t q);
    void (*negate)(const uint64_t* a, uint64_t* out, size_t n, uint64_t q);
    void (*mul)(const uint64_t* a, const uint64_t* b, uint64_t* out, size_t n, uint64_t q);
    void (*mulAdd)(const uint64_t* a, const uint64_t* b, uint64_t* acc, size_t n, uint64_t q);
    void (*mulScalar)(const uint64_t* a, uint64_t s, uint64_t sShoup, uint64_t* out, size_t n,
                      uint64_t q);
    void (*addScalar)(const uint64_t* a, uint64_t s, uint64_t* out, size_t n, uint64_t q);
    void (*subMulScalar)(const uint64_t* a, const uint64_t* b, uint64_t s, uint64_t sShoup,
                         uint64_t* out, size_t n, uint64_t q);
    // Converts columns [begin, end). out[j] may alias in[i]: each block of columns is read in
    // full before it is written. scratch holds fromCount * kBasisBlock words.
    void (*convertBasis)(const uint64_t* const* in, uint64_t* const* out, size_t begin,
                         size_t end, const BasisConversion& conversion, uint64_t* scratch);
};

const RingKernels& scalarKernels();
/** Only call when the CPU supports AVX2. */
const RingKernels& avx2Kernels();

/** Columns handled per pass of convertBasis: bounds its scratch buffer and keeps it in L1. */
constexpr size_t kBasisBlock = 64;

}  // namespace zkllm::fhe
