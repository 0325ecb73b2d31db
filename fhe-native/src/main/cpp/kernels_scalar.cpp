// Portable kernels: the reference for the AVX2 ones and their tail loops.
#include "kernels.hpp"
#include "modular.hpp"

namespace zkllm::fhe {
namespace {

void forwardNtt(uint64_t* a, size_t n, const uint64_t* w, const uint64_t* ws, uint64_t q) {
    for (size_t m = 1, t = n / 2; m < n; m <<= 1, t >>= 1) {
        for (size_t i = 0; i < m; i++) {
            uint64_t* block = a + 2 * i * t;
            for (size_t j = 0; j < t; j++) {
                forwardButterfly(block[j], block[j + t], w[m + i], ws[m + i], q);
            }
        }
    }
    for (size_t j = 0; j < n; j++) {
        a[j] = reduceOnce(reduceOnce(a[j], 2 * q), q);
    }
}

void mulScalar(const uint64_t* a, uint64_t s, uint64_t sShoup, uint64_t* out, size_t n,
               uint64_t q) {
    for (size_t i = 0; i < n; i++) {
        out[i] = reduceOnce(mulShoupLazy(a[i], s, sShoup, q), q);
    }
}

void inverseNtt(uint64_t* a, size_t n, const uint64_t* w, const uint64_t* ws, uint64_t q,
                uint64_t nInverse, uint64_t nInverseShoup) {
    for (size_t m = n / 2, t = 1; m >= 1; m >>= 1, t <<= 1) {
        for (size_t i = 0; i < m; i++) {
            uint64_t* block = a + 2 * i * t;
            for (size_t j = 0; j < t; j++) {
                inverseButterfly(block[j], block[j + t], w[m + i], ws[m + i], q);
            }
        }
    }
    // Lazy values below 2q < 2^32 are valid Shoup operands.
    mulScalar(a, nInverse, nInverseShoup, a, n, q);
}

void add(const uint64_t* a, const uint64_t* b, uint64_t* out, size_t n, uint64_t q) {
    for (size_t i = 0; i < n; i++) {
        out[i] = reduceOnce(a[i] + b[i], q);
    }
}

void sub(const uint64_t* a, const uint64_t* b, uint64_t* out, size_t n, uint64_t q) {
    for (size_t i = 0; i < n; i++) {
        out[i] = reduceOnce(a[i] - b[i] + q, q);
    }
}

void negate(const uint64_t* a, uint64_t* out, size_t n, uint64_t q) {
    for (size_t i = 0; i < n; i++) {
        out[i] = reduceOnce(q - a[i], q);
    }
}

void mul(const uint64_t* a, const uint64_t* b, uint64_t* out, size_t n, uint64_t q) {
    Barrett barrett(q);
    for (size_t i = 0; i < n; i++) {
        out[i] = barrett.reduce(a[i] * b[i]);
    }
}

void mulAdd(const uint64_t* a, const uint64_t* b, uint64_t* acc, size_t n, uint64_t q) {
    Barrett barrett(q);
    for (size_t i = 0; i < n; i++) {
        acc[i] = barrett.reduce(a[i] * b[i] + acc[i]);
    }
}

void addScalar(const uint64_t* a, uint64_t s, uint64_t* out, size_t n, uint64_t q) {
    for (size_t i = 0; i < n; i++) {
        out[i] = reduceOnce(a[i] + s, q);
    }
}

void subMulScalar(const uint64_t* a, const uint64_t* b, uint64_t s, uint64_t sShoup,
                  uint64_t* out, size_t n, uint64_t q) {
    for (size_t i = 0; i < n; i++) {
        out[i] = reduceOnce(mulShoupLazy(a[i] - b[i] + q, s, sShoup, q), q);
    }
}

void keySwitchProduct(const uint64_t* const* digits, const uint64_t* const* keyB,
                      const uint64_t* const* keyA, size_t count, const int32_t* perm, uint64_t* acc0,
                      uint64_t* acc1, size_t n, uint64_t q) {
    Barrett barrett(q);
    for (size_t i = 0; i < n; i++) {
        size_t source = perm != nullptr ? static_cast<size_t>(perm[i]) : i;
        uint64_t s0 = 0, s1 = 0;
        for (size_t j = 0; j < count; j++) {
            uint64_t d = digits[j][source];
            s0 = reduceOnce(s0 + barrett.reduce(d * keyB[j][i]), q);
            s1 = reduceOnce(s1 + barrett.reduce(d * keyA[j][i]), q);
        }
        acc0[i] = s0;
        acc1[i] = s1;
    }
}

void liftCentered(const uint64_t* top, uint64_t t, uint64_t* out, size_t n, uint64_t q) {
    uint64_t half = t >> 1;
    uint64_t shift = (q - t % q) % q;
    uint64_t oneShoup = (uint64_t{1} << 32) / q;  // x mod q = Shoup product by 1, for x < 2^32
    for (size_t k = 0; k < n; k++) {
        uint64_t r = top[k];
        uint64_t rq = reduceOnce(mulShoupLazy(r, 1, oneShoup, q), q);
        uint64_t shifted = reduceOnce(rq + shift, q);
        out[k] = r > half ? shifted : rq;
    }
}

void convertBasis(const uint64_t* const* in, uint64_t* const* out, size_t begin, size_t end,
                  const BasisConversion& c, uint64_t* y) {
    for (size_t x = begin; x < end; x++) {
        for (size_t i = 0; i < c.fromCount; i++) {
            uint64_t qi = c.fromModuli[i];
            y[i] = reduceOnce(mulShoupLazy(in[i][x], c.qHatInverse[i], c.qHatInverseShoup[i], qi), qi);
        }
        for (size_t j = 0; j < c.toCount; j++) {
            uint64_t p = c.toModuli[j];
            const uint64_t* hat = c.qHatModP + j * c.fromCount;
            const uint64_t* hatShoup = c.qHatModPShoup + j * c.fromCount;
            uint64_t acc = 0;
            for (size_t i = 0; i < c.fromCount; i++) {
                acc = reduceOnce(acc + reduceOnce(mulShoupLazy(y[i], hat[i], hatShoup[i], p), p), p);
            }
            out[j][x] = acc;
        }
    }
}

}  // namespace

const RingKernels& scalarKernels() {
    static const RingKernels kernels{forwardNtt, inverseNtt, add,       sub,          negate,
                                     mul,        mulAdd,     mulScalar, addScalar, subMulScalar,
                                     keySwitchProduct, liftCentered, convertBasis};
    return kernels;
}

}  // namespace zkllm::fhe
