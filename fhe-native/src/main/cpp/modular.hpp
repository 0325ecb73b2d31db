// Scalar modular arithmetic on residues of a prime q < 2^31, held in 64-bit words.
// Every formula here has a lane-wise twin in kernels_avx2.cpp; both only use products of two
// operands below 2^32, which is exactly what _mm256_mul_epu32 computes.
#pragma once

#include <cstdint>

namespace zkllm::fhe {

/**
 * x - bound when x >= bound: one step of lazy-to-canonical reduction. Written with a mask
 * because GCC otherwise emits a branch, which random residues mispredict half the time.
 */
inline uint64_t reduceOnce(uint64_t x, uint64_t bound) {
    uint64_t subtractMask = uint64_t{0} - static_cast<uint64_t>(x >= bound);
    return x - (bound & subtractMask);
}

/** x · w mod q in [0, 2q) for x < 2^32, with ws = floor(w · 2^32 / q) (Shoup). */
inline uint64_t mulShoupLazy(uint64_t x, uint64_t w, uint64_t ws, uint64_t q) {
    return x * w - ((x * ws) >> 32) * q;
}

/**
 * Barrett reduction of x < 2^(2L), L being the bit length of q (HAC 14.42 with base 2): the
 * quotient estimate floor(floor(x / 2^(L-1)) · mu / 2^(L+1)) uses two factors below 2^32 and
 * undershoots by at most 2, so the remainder lies in [0, 3q).
 */
struct Barrett {
    uint64_t q;
    unsigned lowShift;
    unsigned highShift;
    uint64_t mu;

    explicit Barrett(uint64_t modulus) : q(modulus) {
        unsigned bits = 64 - __builtin_clzll(modulus);
        lowShift = bits - 1;
        highShift = bits + 1;
        mu = (uint64_t{1} << (2 * bits)) / modulus;
    }

    uint64_t reduce(uint64_t x) const {
        uint64_t estimate = ((x >> lowShift) * mu) >> highShift;
        return reduceOnce(reduceOnce(x - estimate * q, 2 * q), q);
    }
};

/** Cooley–Tukey butterfly on lazy values in [0, 4q); outputs stay in [0, 4q). */
inline void forwardButterfly(uint64_t& u, uint64_t& x, uint64_t w, uint64_t ws, uint64_t q) {
    uint64_t twoQ = 2 * q;
    uint64_t u2 = reduceOnce(u, twoQ);
    uint64_t v = mulShoupLazy(reduceOnce(x, twoQ), w, ws, q);
    u = u2 + v;
    x = u2 - v + twoQ;
}

/** Gentleman–Sande butterfly on lazy values in [0, 2q); outputs stay in [0, 2q). */
inline void inverseButterfly(uint64_t& u, uint64_t& x, uint64_t w, uint64_t ws, uint64_t q) {
    uint64_t twoQ = 2 * q;
    uint64_t sum = reduceOnce(u + x, twoQ);
    uint64_t difference = reduceOnce(u - x + twoQ, twoQ);
    u = sum;
    x = mulShoupLazy(difference, w, ws, q);
}

}  // namespace zkllm::fhe
