// The ring kernels of RingBackend over raw 64-bit words, in a scalar and an AVX2 flavour with
// identical outputs. Callers have validated every length; kernels trust them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>

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
    // acc0 = Σ_j π(d_j)·b_j, acc1 = Σ_j π(d_j)·a_j mod q, π(d)[i] = d[perm[i]] (perm trusted) or
    // the identity when perm is null.
    void (*keySwitchProduct)(const uint64_t* const* digits, const uint64_t* const* keyB,
                             const uint64_t* const* keyA, size_t count, const int32_t* perm,
                             uint64_t* acc0, uint64_t* acc1, size_t n, uint64_t q);
    // out[k] = c(top[k]) mod q, c(v) = v - t for v > floor(t/2), else v; top[k] < t < 2^31.
    void (*liftCentered)(const uint64_t* top, uint64_t t, uint64_t* out, size_t n, uint64_t q);
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

/** True when the CPU runs AES-NI (then AesCtr and sampleUniform may be called). */
bool cpuHasAesNi();

/** An AES-256-CTR keystream, identical to javax.crypto's "AES/CTR/NoPadding" from the same key and counter block. */
class AesCtr {
public:
    AesCtr(const uint8_t* key32, const uint8_t* counterBlock16);
    /** The next `blocks` 16-byte blocks of keystream. */
    void generate(uint8_t* out, size_t blocks);

private:
    alignas(16) unsigned char roundKeys_[15 * 16];
    uint64_t high_;
    uint64_t low_;
};

/**
 * UniformSampler's limb expansion: little-endian 32-bit words of the AES-256-CTR keystream,
 * masked to bits(q), kept when below q, until n are kept.
 */
void sampleUniform(const uint8_t* key32, const uint8_t* counterBlock16, uint64_t q, uint64_t* out, size_t n);

}  // namespace zkllm::fhe
