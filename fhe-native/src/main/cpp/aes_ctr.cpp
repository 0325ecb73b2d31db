// AES-256 in CTR mode with AES-NI: the same keystream as javax.crypto "AES/CTR/NoPadding"
// (the 16-byte counter block is one big-endian 128-bit integer, incremented per block), so the
// samplers expanding seeds give identical polynomials whichever side computes them.
#include <immintrin.h>

#include <cstring>

#include "kernels.hpp"

#pragma GCC target("aes,sse4.1")

namespace zkllm::fhe {
namespace {

inline __m128i expandEven(__m128i key, __m128i assist) {
    assist = _mm_shuffle_epi32(assist, 0xff);
    key = _mm_xor_si128(key, _mm_slli_si128(key, 4));
    key = _mm_xor_si128(key, _mm_slli_si128(key, 4));
    key = _mm_xor_si128(key, _mm_slli_si128(key, 4));
    return _mm_xor_si128(key, assist);
}

inline __m128i expandOdd(__m128i key, __m128i assist) {
    assist = _mm_shuffle_epi32(assist, 0xaa);
    key = _mm_xor_si128(key, _mm_slli_si128(key, 4));
    key = _mm_xor_si128(key, _mm_slli_si128(key, 4));
    key = _mm_xor_si128(key, _mm_slli_si128(key, 4));
    return _mm_xor_si128(key, assist);
}

struct Aes256 {
    __m128i rk[15];

    explicit Aes256(const uint8_t* key) {
        rk[0] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(key));
        rk[1] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(key + 16));
#define ZKLLM_AES_ROUND(i, rcon)                                                      \
    rk[i] = expandEven(rk[i - 2], _mm_aeskeygenassist_si128(rk[i - 1], rcon));        \
    if (i + 1 < 15) rk[i + 1] = expandOdd(rk[i - 1], _mm_aeskeygenassist_si128(rk[i], 0));
        ZKLLM_AES_ROUND(2, 0x01)
        ZKLLM_AES_ROUND(4, 0x02)
        ZKLLM_AES_ROUND(6, 0x04)
        ZKLLM_AES_ROUND(8, 0x08)
        ZKLLM_AES_ROUND(10, 0x10)
        ZKLLM_AES_ROUND(12, 0x20)
        rk[14] = expandEven(rk[12], _mm_aeskeygenassist_si128(rk[13], 0x40));
#undef ZKLLM_AES_ROUND
    }
};

inline uint64_t loadBigEndian64(const uint8_t* p) {
    uint64_t x;
    std::memcpy(&x, p, 8);
    return __builtin_bswap64(x);
}

}  // namespace

bool cpuHasAesNi() {
    static const bool has = [] {
        __builtin_cpu_init();
        return __builtin_cpu_supports("aes") != 0 && __builtin_cpu_supports("sse4.1") != 0;
    }();
    return has;
}

AesCtr::AesCtr(const uint8_t* key, const uint8_t* counterBlock)
    : high_(loadBigEndian64(counterBlock)), low_(loadBigEndian64(counterBlock + 8)) {
    static_assert(sizeof(Aes256) <= sizeof(roundKeys_), "round keys do not fit");
    new (roundKeys_) Aes256(key);
}

void AesCtr::generate(uint8_t* out, size_t blocks) {
    const __m128i* rk = reinterpret_cast<const Aes256*>(roundKeys_)->rk;
    constexpr size_t kLanes = 8;
    size_t b = 0;
    while (b < blocks) {
        size_t lanes = blocks - b < kLanes ? blocks - b : kLanes;
        __m128i x[kLanes];
        for (size_t i = 0; i < lanes; i++) {
            x[i] = _mm_xor_si128(_mm_set_epi64x(static_cast<long long>(__builtin_bswap64(low_)),
                                                static_cast<long long>(__builtin_bswap64(high_))),
                                 rk[0]);
            if (++low_ == 0) {
                ++high_;
            }
        }
        for (int r = 1; r < 14; r++) {
            for (size_t i = 0; i < lanes; i++) {
                x[i] = _mm_aesenc_si128(x[i], rk[r]);
            }
        }
        for (size_t i = 0; i < lanes; i++) {
            _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 16 * (b + i)), _mm_aesenclast_si128(x[i], rk[14]));
        }
        b += lanes;
    }
}

void sampleUniform(const uint8_t* key, const uint8_t* counterBlock, uint64_t q, uint64_t* out, size_t n) {
    AesCtr stream(key, counterBlock);
    unsigned bits = 64 - __builtin_clzll(q);
    uint64_t mask = (uint64_t{1} << bits) - 1;
    constexpr size_t kChunkBlocks = 256;
    alignas(16) uint8_t chunk[16 * kChunkBlocks];
    size_t j = 0;
    while (j < n) {
        stream.generate(chunk, kChunkBlocks);
        for (size_t w = 0; w < 4 * kChunkBlocks && j < n; w++) {
            uint32_t word;
            std::memcpy(&word, chunk + 4 * w, 4);  // little-endian words, as the Java stream reads them
            uint64_t candidate = word & mask;
            out[j] = candidate;
            j += candidate < q;
        }
    }
}

}  // namespace zkllm::fhe
