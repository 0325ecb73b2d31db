// AVX2 kernels: four 64-bit lanes, each running the formulas of modular.hpp. Products use
// _mm256_mul_epu32 (low 32 bits of each lane), valid because every operand is below 2^32.
// Headers come before the pragma so that no shared inline code is compiled for AVX2 only.
#include <immintrin.h>

#include "kernels.hpp"
#include "modular.hpp"

#pragma GCC target("avx2")

namespace zkllm::fhe {
namespace {

using Vec = __m256i;

inline Vec load(const uint64_t* p) { return _mm256_loadu_si256(reinterpret_cast<const Vec*>(p)); }
inline void store(uint64_t* p, Vec v) { _mm256_storeu_si256(reinterpret_cast<Vec*>(p), v); }
inline Vec broadcast(uint64_t x) { return _mm256_set1_epi64x(static_cast<long long>(x)); }
inline Vec add(Vec a, Vec b) { return _mm256_add_epi64(a, b); }
inline Vec sub(Vec a, Vec b) { return _mm256_sub_epi64(a, b); }
inline Vec mulLow32(Vec a, Vec b) { return _mm256_mul_epu32(a, b); }

// Lanes stay below 2^63, so the signed comparison orders them correctly.
inline Vec reduceOnce(Vec x, Vec bound) {
    return sub(x, _mm256_andnot_si256(_mm256_cmpgt_epi64(bound, x), bound));
}

inline Vec mulShoupLazy(Vec x, Vec w, Vec ws, Vec q) {
    Vec quotient = _mm256_srli_epi64(mulLow32(x, ws), 32);
    return sub(mulLow32(x, w), mulLow32(quotient, q));
}

struct VecBarrett {
    Vec q, twoQ, mu;
    __m128i lowShift, highShift;

    explicit VecBarrett(const Barrett& b)
        : q(broadcast(b.q)), twoQ(broadcast(2 * b.q)), mu(broadcast(b.mu)),
          lowShift(_mm_cvtsi32_si128(static_cast<int>(b.lowShift))),
          highShift(_mm_cvtsi32_si128(static_cast<int>(b.highShift))) {}

    Vec reduce(Vec x) const {
        Vec estimate = _mm256_srl_epi64(mulLow32(_mm256_srl_epi64(x, lowShift), mu), highShift);
        return reduceOnce(reduceOnce(sub(x, mulLow32(estimate, q)), twoQ), q);
    }
};

/** [p0 p0 p1 p1]. */
inline Vec loadEachTwice(const uint64_t* p) {
    __m128i pair = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    return _mm256_permute4x64_epi64(_mm256_castsi128_si256(pair), 0x50);
}

struct ForwardButterfly {
    Vec q, twoQ;
    void operator()(Vec& u, Vec& x, Vec w, Vec ws) const {
        Vec u2 = reduceOnce(u, twoQ);
        Vec v = mulShoupLazy(reduceOnce(x, twoQ), w, ws, q);
        u = add(u2, v);
        x = add(sub(u2, v), twoQ);
    }
};

struct InverseButterfly {
    Vec q, twoQ;
    void operator()(Vec& u, Vec& x, Vec w, Vec ws) const {
        Vec sum = reduceOnce(add(u, x), twoQ);
        Vec difference = reduceOnce(add(sub(u, x), twoQ), twoQ);
        u = sum;
        x = mulShoupLazy(difference, w, ws, q);
    }
};

/**
 * One NTT stage: m blocks of 2t words, block i pairing word j with j + t under twiddle m + i.
 * For t >= 4 a vector spans one block half; for t = 2 and t = 1 the halves of two or four
 * blocks are shuffled into lanes so that every stage runs four butterflies at a time (n >= 8).
 */
template <typename Butterfly>
void runStage(uint64_t* a, size_t m, size_t t, const uint64_t* w, const uint64_t* ws,
              const Butterfly& butterfly) {
    if (t >= 4) {
        for (size_t i = 0; i < m; i++) {
            Vec wi = broadcast(w[m + i]);
            Vec wsi = broadcast(ws[m + i]);
            uint64_t* block = a + 2 * i * t;
            for (size_t j = 0; j < t; j += 4) {
                Vec u = load(block + j);
                Vec x = load(block + j + t);
                butterfly(u, x, wi, wsi);
                store(block + j, u);
                store(block + j + t, x);
            }
        }
    } else if (t == 2) {
        // Words [u u x x][u u x x] of blocks i, i+1; twiddles [w_i w_i w_i+1 w_i+1].
        for (size_t i = 0; i < m; i += 2) {
            uint64_t* block = a + 4 * i;
            Vec low = load(block);
            Vec high = load(block + 4);
            Vec u = _mm256_permute2x128_si256(low, high, 0x20);
            Vec x = _mm256_permute2x128_si256(low, high, 0x31);
            butterfly(u, x, loadEachTwice(w + m + i), loadEachTwice(ws + m + i));
            store(block, _mm256_permute2x128_si256(u, x, 0x20));
            store(block + 4, _mm256_permute2x128_si256(u, x, 0x31));
        }
    } else {
        // Words [u x u x][u x u x] of blocks i..i+3; unpacking puts blocks i, i+2, i+1, i+3 in
        // lanes 0..3, so the twiddles are permuted the same way.
        for (size_t i = 0; i < m; i += 4) {
            uint64_t* block = a + 2 * i;
            Vec low = load(block);
            Vec high = load(block + 4);
            Vec u = _mm256_unpacklo_epi64(low, high);
            Vec x = _mm256_unpackhi_epi64(low, high);
            butterfly(u, x, _mm256_permute4x64_epi64(load(w + m + i), 0xD8),
                      _mm256_permute4x64_epi64(load(ws + m + i), 0xD8));
            store(block, _mm256_unpacklo_epi64(u, x));
            store(block + 4, _mm256_unpackhi_epi64(u, x));
        }
    }
}

constexpr size_t kMinVectorNtt = 8;

void forwardNtt(uint64_t* a, size_t n, const uint64_t* w, const uint64_t* ws, uint64_t q) {
    if (n < kMinVectorNtt) {
        scalarKernels().forwardNtt(a, n, w, ws, q);
        return;
    }
    ForwardButterfly butterfly{broadcast(q), broadcast(2 * q)};
    for (size_t m = 1, t = n / 2; m < n; m <<= 1, t >>= 1) {
        runStage(a, m, t, w, ws, butterfly);
    }
    for (size_t j = 0; j < n; j += 4) {
        store(a + j, reduceOnce(reduceOnce(load(a + j), butterfly.twoQ), butterfly.q));
    }
}

void mulScalar(const uint64_t* a, uint64_t s, uint64_t sShoup, uint64_t* out, size_t n,
               uint64_t q) {
    Vec vq = broadcast(q), vs = broadcast(s), vsShoup = broadcast(sShoup);
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        store(out + i, reduceOnce(mulShoupLazy(load(a + i), vs, vsShoup, vq), vq));
    }
    scalarKernels().mulScalar(a + i, s, sShoup, out + i, n - i, q);
}

void inverseNtt(uint64_t* a, size_t n, const uint64_t* w, const uint64_t* ws, uint64_t q,
                uint64_t nInverse, uint64_t nInverseShoup) {
    if (n < kMinVectorNtt) {
        scalarKernels().inverseNtt(a, n, w, ws, q, nInverse, nInverseShoup);
        return;
    }
    InverseButterfly butterfly{broadcast(q), broadcast(2 * q)};
    for (size_t m = n / 2, t = 1; m >= 1; m >>= 1, t <<= 1) {
        runStage(a, m, t, w, ws, butterfly);
    }
    mulScalar(a, nInverse, nInverseShoup, a, n, q);
}

void add(const uint64_t* a, const uint64_t* b, uint64_t* out, size_t n, uint64_t q) {
    Vec vq = broadcast(q);
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        store(out + i, reduceOnce(add(load(a + i), load(b + i)), vq));
    }
    scalarKernels().add(a + i, b + i, out + i, n - i, q);
}

void sub(const uint64_t* a, const uint64_t* b, uint64_t* out, size_t n, uint64_t q) {
    Vec vq = broadcast(q);
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        store(out + i, reduceOnce(add(sub(load(a + i), load(b + i)), vq), vq));
    }
    scalarKernels().sub(a + i, b + i, out + i, n - i, q);
}

void negate(const uint64_t* a, uint64_t* out, size_t n, uint64_t q) {
    Vec vq = broadcast(q);
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        store(out + i, reduceOnce(sub(vq, load(a + i)), vq));
    }
    scalarKernels().negate(a + i, out + i, n - i, q);
}

void mul(const uint64_t* a, const uint64_t* b, uint64_t* out, size_t n, uint64_t q) {
    VecBarrett barrett{Barrett(q)};
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        store(out + i, barrett.reduce(mulLow32(load(a + i), load(b + i))));
    }
    scalarKernels().mul(a + i, b + i, out + i, n - i, q);
}

void mulAdd(const uint64_t* a, const uint64_t* b, uint64_t* acc, size_t n, uint64_t q) {
    VecBarrett barrett{Barrett(q)};
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        store(acc + i, barrett.reduce(add(mulLow32(load(a + i), load(b + i)), load(acc + i))));
    }
    scalarKernels().mulAdd(a + i, b + i, acc + i, n - i, q);
}

void addScalar(const uint64_t* a, uint64_t s, uint64_t* out, size_t n, uint64_t q) {
    Vec vq = broadcast(q), vs = broadcast(s);
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        store(out + i, reduceOnce(add(load(a + i), vs), vq));
    }
    scalarKernels().addScalar(a + i, s, out + i, n - i, q);
}

void subMulScalar(const uint64_t* a, const uint64_t* b, uint64_t s, uint64_t sShoup,
                  uint64_t* out, size_t n, uint64_t q) {
    Vec vq = broadcast(q), vs = broadcast(s), vsShoup = broadcast(sShoup);
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        Vec difference = add(sub(load(a + i), load(b + i)), vq);
        store(out + i, reduceOnce(mulShoupLazy(difference, vs, vsShoup, vq), vq));
    }
    scalarKernels().subMulScalar(a + i, b + i, s, sShoup, out + i, n - i, q);
}

constexpr size_t kMaxDigits = 16;
constexpr size_t kGatherBlock = 256;

void keySwitchProduct(const uint64_t* const* digits, const uint64_t* const* keyB,
                      const uint64_t* const* keyA, size_t count, const int32_t* perm, uint64_t* acc0,
                      uint64_t* acc1, size_t n, uint64_t q) {
    VecBarrett barrett{Barrett(q)};
    Vec vq = broadcast(q);
    size_t i = 0;
    if (perm != nullptr && count <= kMaxDigits) {
        // Scalar gathers into an L1 block, then vector products: cheaper than vpgatherqq on
        // CPUs that microcode it.
        alignas(32) uint64_t block[kMaxDigits][kGatherBlock];
        for (; i + 4 <= n; ) {
            size_t width = n - i < kGatherBlock ? ((n - i) & ~size_t{3}) : kGatherBlock;
            for (size_t j = 0; j < count; j++) {
                const uint64_t* d = digits[j];
                uint64_t* b = block[j];
                for (size_t x = 0; x < width; x++) {
                    b[x] = d[perm[i + x]];
                }
            }
            for (size_t x = 0; x < width; x += 4) {
                Vec s0 = _mm256_setzero_si256(), s1 = _mm256_setzero_si256();
                for (size_t j = 0; j < count; j++) {
                    Vec d = load(block[j] + x);
                    s0 = reduceOnce(add(s0, barrett.reduce(mulLow32(d, load(keyB[j] + i + x)))), vq);
                    s1 = reduceOnce(add(s1, barrett.reduce(mulLow32(d, load(keyA[j] + i + x)))), vq);
                }
                store(acc0 + i + x, s0);
                store(acc1 + i + x, s1);
            }
            i += width;
        }
    }
    for (; i + 4 <= n; i += 4) {
        __m128i index = perm != nullptr ? _mm_loadu_si128(reinterpret_cast<const __m128i*>(perm + i)) : _mm_setzero_si128();
        Vec s0 = _mm256_setzero_si256(), s1 = _mm256_setzero_si256();
        for (size_t j = 0; j < count; j++) {
            Vec d = perm != nullptr
                        ? _mm256_i32gather_epi64(reinterpret_cast<const long long*>(digits[j]), index, 8)
                        : load(digits[j] + i);
            s0 = reduceOnce(add(s0, barrett.reduce(mulLow32(d, load(keyB[j] + i)))), vq);
            s1 = reduceOnce(add(s1, barrett.reduce(mulLow32(d, load(keyA[j] + i)))), vq);
        }
        store(acc0 + i, s0);
        store(acc1 + i, s1);
    }
    if (i < n) {
        Barrett scalar(q);
        for (; i < n; i++) {
            size_t source = perm != nullptr ? static_cast<size_t>(perm[i]) : i;
            uint64_t s0 = 0, s1 = 0;
            for (size_t j = 0; j < count; j++) {
                uint64_t d = digits[j][source];
                s0 = zkllm::fhe::reduceOnce(s0 + scalar.reduce(d * keyB[j][i]), q);
                s1 = zkllm::fhe::reduceOnce(s1 + scalar.reduce(d * keyA[j][i]), q);
            }
            acc0[i] = s0;
            acc1[i] = s1;
        }
    }
}

void liftCentered(const uint64_t* top, uint64_t t, uint64_t* out, size_t n, uint64_t q) {
    Vec vq = broadcast(q), vHalf = broadcast(t >> 1), vShift = broadcast((q - t % q) % q);
    Vec one = broadcast(1), oneShoup = broadcast((uint64_t{1} << 32) / q);
    size_t k = 0;
    for (; k + 4 <= n; k += 4) {
        Vec r = load(top + k);
        Vec rq = reduceOnce(mulShoupLazy(r, one, oneShoup, vq), vq);
        Vec shifted = reduceOnce(add(rq, vShift), vq);
        store(out + k, _mm256_blendv_epi8(rq, shifted, _mm256_cmpgt_epi64(r, vHalf)));
    }
    scalarKernels().liftCentered(top + k, t, out + k, n - k, q);
}

void convertBasis(const uint64_t* const* in, uint64_t* const* out, size_t begin, size_t end,
                  const BasisConversion& c, uint64_t* scratch) {
    size_t vectorEnd = begin + ((end - begin) & ~size_t{3});
    for (size_t start = begin; start < vectorEnd; start += kBasisBlock) {
        size_t width = vectorEnd - start < kBasisBlock ? vectorEnd - start : kBasisBlock;
        for (size_t i = 0; i < c.fromCount; i++) {
            Vec qi = broadcast(c.fromModuli[i]);
            Vec inverse = broadcast(c.qHatInverse[i]);
            Vec inverseShoup = broadcast(c.qHatInverseShoup[i]);
            for (size_t x = 0; x < width; x += 4) {
                Vec y = mulShoupLazy(load(in[i] + start + x), inverse, inverseShoup, qi);
                store(scratch + i * kBasisBlock + x, reduceOnce(y, qi));
            }
        }
        for (size_t j = 0; j < c.toCount; j++) {
            Vec p = broadcast(c.toModuli[j]);
            const uint64_t* hat = c.qHatModP + j * c.fromCount;
            const uint64_t* hatShoup = c.qHatModPShoup + j * c.fromCount;
            Barrett scalarBarrett(c.toModuli[j]);
            // Lazy sum: k terms below 2p each, reduced once, when Barrett covers the bound.
            bool lazy = c.fromCount < (uint64_t{1} << (2 * scalarBarrett.lowShift + 1)) / (2 * c.toModuli[j]);
            if (lazy) {
                VecBarrett barrett(scalarBarrett);
                for (size_t x = 0; x < width; x += 4) {
                    Vec acc = _mm256_setzero_si256();
                    for (size_t i = 0; i < c.fromCount; i++) {
                        Vec y = load(scratch + i * kBasisBlock + x);
                        acc = add(acc, mulShoupLazy(y, broadcast(hat[i]), broadcast(hatShoup[i]), p));
                    }
                    store(out[j] + start + x, barrett.reduce(acc));
                }
                continue;
            }
            for (size_t x = 0; x < width; x += 4) {
                Vec acc = _mm256_setzero_si256();
                for (size_t i = 0; i < c.fromCount; i++) {
                    Vec y = load(scratch + i * kBasisBlock + x);
                    Vec term = reduceOnce(mulShoupLazy(y, broadcast(hat[i]), broadcast(hatShoup[i]), p), p);
                    acc = reduceOnce(add(acc, term), p);
                }
                store(out[j] + start + x, acc);
            }
        }
    }
    scalarKernels().convertBasis(in, out, vectorEnd, end, c, scratch);
}

}  // namespace

const RingKernels& avx2Kernels() {
    static const RingKernels kernels{forwardNtt, inverseNtt, add,       sub,          negate,
                                     mul,        mulAdd,     mulScalar, addScalar, subMulScalar,
                                     keySwitchProduct, liftCentered, convertBasis};
    return kernels;
}

}  // namespace zkllm::fhe
