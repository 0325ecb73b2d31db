/*
 * C API of the CUDA ring kernels (libzkllm_cuda.so). Buffers live on the device and stay there
 * between calls, so a caller (a later JNI layer, or the device harness) can keep ciphertexts
 * resident and pay the PCIe copies once. Every kernel call is asynchronous on the context's
 * stream; zkc_sync waits for it and reports the first error.
 *
 * Contracts are RingBackend's (fhe-native/src/main/java/ai/zkllm/fhe/ring/RingBackend.java):
 * residues of primes q < 2^31 in 64-bit words, inputs canonical in [0, q), outputs canonical,
 * the forward NTT in bit-reversed evaluation order a(ψ^(2·brv(i)+1)). Outputs are identical, bit
 * for bit, to kernels_scalar.cpp and kernels_avx2.cpp.
 *
 * Layout: a batch of `polys` polynomials of `limbs` limbs of n words each is one contiguous
 * [polys][limbs][n] array; limb l of every poly uses row l of a zkc_limbs table. Batching over
 * ciphertexts is batching over polys (a ciphertext is 2 polys).
 *
 * Return values: 0 on success, a nonzero CUDA error code otherwise (zkc_last_error says which).
 */
#ifndef ZKLLM_CUDA_H
#define ZKLLM_CUDA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ZKC_MAX_SCALAR_LIMBS 64

typedef struct zkc_ctx zkc_ctx;       /* a device, a stream, the last error */
typedef struct zkc_limbs zkc_limbs;   /* per-limb moduli, Barrett constants, NTT twiddles */
typedef struct zkc_basis zkc_basis;   /* constants of one fast basis extension */

/** Number of CUDA devices (0 when no driver or no GPU). */
int zkc_device_count(void);
/** A context on device `device` with its own stream; NULL when no device is usable. */
zkc_ctx* zkc_create(int device);
void zkc_destroy(zkc_ctx* ctx);
const char* zkc_last_error(const zkc_ctx* ctx);
/** Waits for every call queued on the stream. */
int zkc_sync(zkc_ctx* ctx);
/**
 * Kernels launched, and device-to-device copies and fills queued, on the context's stream since it
 * was made: what a computation pays in launch overhead (transfers to and from the host are not counted).
 */
uint64_t zkc_launches(const zkc_ctx* ctx);
/**
 * Nanoseconds the host has spent blocked in the context's stream synchronizations (zkc_sync, and the
 * uploads and downloads, which wait for the stream): over a computation's wall time, the share spent
 * waiting for the device rather than preparing and launching its work. The host emulation, which does
 * the device's work inside the calls, counts that work's time: there too, the rest is the host's own.
 */
uint64_t zkc_wait_nanos(const zkc_ctx* ctx);

/**
 * Device words (8 bytes each), in stream order from the device's memory pool (usable by work queued
 * on the context's stream after this call); NULL when the device has no room, which leaves the
 * context usable (free something and try again).
 */
uint64_t* zkc_alloc(zkc_ctx* ctx, size_t words);
/** Frees zkc_alloc's words in stream order (after the work queued before it). */
void zkc_free(zkc_ctx* ctx, void* device);
int zkc_upload(zkc_ctx* ctx, uint64_t* device, const uint64_t* host, size_t words);
int zkc_download(zkc_ctx* ctx, uint64_t* host, const uint64_t* device, size_t words);
/** Device-to-device copy of `words` words, queued on the stream. */
int zkc_copy(zkc_ctx* ctx, uint64_t* dst, const uint64_t* src, size_t words);
/** Sets `words` device words to 0, queued on the stream. */
int zkc_zero(zkc_ctx* ctx, uint64_t* device, size_t words);
/** A permutation of n indices (int32) on the device; free with zkc_free. */
int32_t* zkc_upload_permutation(zkc_ctx* ctx, const int32_t* host, size_t n);

/**
 * Uploads the tables of `limbs` primes for ring degree n (a power of two, 2..2^17): for limb l,
 * moduli[l] and rows l of the NttTable arrays (psiPowers, psiPowersShoup, inversePsiPowers,
 * inversePsiPowersShoup; each [limbs][n]) and nInverse[l], nInverseShoup[l].
 */
zkc_limbs* zkc_limbs_create(zkc_ctx* ctx, size_t limbs, size_t n, const uint64_t* moduli,
                            const uint64_t* psi, const uint64_t* psiShoup, const uint64_t* inversePsi,
                            const uint64_t* inversePsiShoup, const uint64_t* nInverse,
                            const uint64_t* nInverseShoup);
void zkc_limbs_destroy(zkc_ctx* ctx, zkc_limbs* set);

/*
 * Kernels over a [polys][limbs][n] batch; limbs <= the table's limbs. Outputs may alias inputs
 * unless said otherwise.
 */
int zkc_ntt_forward(zkc_ctx* ctx, const zkc_limbs* set, uint64_t* a, size_t polys, size_t limbs);
int zkc_ntt_inverse(zkc_ctx* ctx, const zkc_limbs* set, uint64_t* a, size_t polys, size_t limbs);
/**
 * The NTTs of rows rows[0..count-1] (n words each; 1 <= count <= ZKC_MAX_SCALAR_LIMBS; rows NULL:
 * 0..count-1) of each of the polyCount (1..ZKC_MAX_POLYS) polynomials at polys[p], row r with row
 * r of the table: limbs that are not contiguous (ModUp's targets), and several polynomials (both
 * halves of a key switch's ModDown), in the launches of one NTT. No row may be listed twice.
 */
/* 64: a batch's ModUp digits and ModDown halves in few launches, while every kernel's parameters (the
   largest, zkc_sub_mul_scalar_add's five lists and its scalars, 3.6 KB) stay under the classic 4 KB */
#define ZKC_MAX_POLYS 64
int zkc_ntt_forward_rows(zkc_ctx* ctx, const zkc_limbs* set, uint64_t* const* polys, size_t polyCount,
                         const uint32_t* rows, size_t count);
/**
 * The inverse NTT reads from[p]'s rows (the same rows of other polynomials) and writes polys[p]'s, so a
 * polynomial's coefficients need no copy of it first; from NULL: in place. from and polys do not overlap.
 */
int zkc_ntt_inverse_rows(zkc_ctx* ctx, const zkc_limbs* set, const uint64_t* const* from, uint64_t* const* polys,
                         size_t polyCount, const uint32_t* rows, size_t count);
int zkc_add(zkc_ctx* ctx, const zkc_limbs* set, const uint64_t* a, const uint64_t* b, uint64_t* out,
            size_t polys, size_t limbs);
int zkc_sub(zkc_ctx* ctx, const zkc_limbs* set, const uint64_t* a, const uint64_t* b, uint64_t* out,
            size_t polys, size_t limbs);
int zkc_negate(zkc_ctx* ctx, const zkc_limbs* set, const uint64_t* a, uint64_t* out, size_t polys,
               size_t limbs);
int zkc_mul(zkc_ctx* ctx, const zkc_limbs* set, const uint64_t* a, const uint64_t* b, uint64_t* out,
            size_t polys, size_t limbs);
/** acc = acc + a·b. */
int zkc_mul_add(zkc_ctx* ctx, const zkc_limbs* set, const uint64_t* a, const uint64_t* b, uint64_t* acc,
                size_t polys, size_t limbs);
/* Scalar kernels: s[l], sShoup[l] (host arrays, limbs <= ZKC_MAX_SCALAR_LIMBS) for limb l. */
int zkc_mul_scalar(zkc_ctx* ctx, const zkc_limbs* set, const uint64_t* a, const uint64_t* s,
                   const uint64_t* sShoup, uint64_t* out, size_t polys, size_t limbs);
int zkc_add_scalar(zkc_ctx* ctx, const zkc_limbs* set, const uint64_t* a, const uint64_t* s, uint64_t* out,
                   size_t polys, size_t limbs);
/** out = (a - b)·s. */
int zkc_sub_mul_scalar(zkc_ctx* ctx, const zkc_limbs* set, const uint64_t* a, const uint64_t* b,
                       const uint64_t* s, const uint64_t* sShoup, uint64_t* out, size_t polys, size_t limbs);
/** The pointwise kernels, for zkc_pointwise_polys. */
enum { ZKC_ADD, ZKC_SUB, ZKC_NEGATE, ZKC_MUL, ZKC_MUL_ADD, ZKC_MUL_SCALAR, ZKC_ADD_SCALAR, ZKC_SUB_MUL_SCALAR };
/**
 * Pointwise kernel `op` (ZKC_ADD ..) over `limbs` limbs of each of `polys` polynomials (1..ZKC_MAX_POLYS,
 * [limbs][n] words each, by address: a ciphertext's polynomials in one launch); b[p] unread by the unary
 * ops (b may be NULL), s and sShoup (host arrays, limbs entries) by the scalar ones; out[p] is also the
 * accumulator of ZKC_MUL_ADD.
 */
int zkc_pointwise_polys(zkc_ctx* ctx, const zkc_limbs* set, int op, const uint64_t* const* a, const uint64_t* const* b,
                        uint64_t* const* out, const uint64_t* s, const uint64_t* sShoup, size_t polys, size_t limbs);

/**
 * out[p] = (a[p] - b[p])·s + π_p(c[p]) over `limbs` limbs of each of `polys` polynomials (1..ZKC_MAX_POLYS,
 * [limbs][n] words each, by address), without the addend where c[p] is NULL; π_p(c)[i] = c[perms[p][i]]
 * per row (perms[p] a device permutation, as zkc_permute's) or c itself where perms or perms[p] is NULL.
 * ModDown's last step and what follows a key switch (a relinearization's addends, a rotation's
 * automorphed c0), for both halves of several key switches (each rotation its own permutation) in one launch.
 */
int zkc_sub_mul_scalar_add(zkc_ctx* ctx, const zkc_limbs* set, const uint64_t* const* a, const uint64_t* const* b,
                           const uint64_t* const* c, const int32_t* const* perms, const uint64_t* s, const uint64_t* sShoup,
                           uint64_t* const* out, size_t polys, size_t limbs);

/**
 * out[p] [limbs][n] = c_p mod q_l for each of `polys` (1..ZKC_MAX_POLYS) rows c_p of n signed coefficients
 * at c + p·n (|c| < 2^62; every prime of the table at least 2^15), in the coefficient domain: integer
 * polynomials (encodings, several of a matrix's diagonals in one launch) in RNS form.
 */
int zkc_from_signed(zkc_ctx* ctx, const zkc_limbs* set, const int64_t* c, uint64_t* const* out, size_t polys,
                    size_t limbs);

/** out[row][i] = a[row][perm[i]] over rows of n words; out must not alias a. */
int zkc_permute(zkc_ctx* ctx, const uint64_t* a, const int32_t* perm, uint64_t* out, size_t rows, size_t n);

/**
 * Where one key-switching product reads, by address, so that neither digits nor keys are gathered
 * first: digit j's limb l at digits[j] + l·n; limb l of key j at row keyLimbs[l] of keyB[j] and
 * keyA[j] (a key spans the whole chain, the product only some of its limbs). Passed to the
 * kernel by value (under 2 KB of parameters).
 */
#define ZKC_MAX_DIGITS 64
typedef struct zkc_key_switch {
    size_t count; /* digits, 1..ZKC_MAX_DIGITS */
    const uint64_t* digits[ZKC_MAX_DIGITS];
    const uint64_t* keyB[ZKC_MAX_DIGITS];
    const uint64_t* keyA[ZKC_MAX_DIGITS];
    uint32_t keyLimbs[ZKC_MAX_SCALAR_LIMBS];
} zkc_key_switch;

/**
 * Which operands of a zkc_key_switch each of several products sums and where it writes: product g
 * (a session's key switch, or one rotation of several, each with its own digits and keys) sums operands
 * [start[g], start[g + 1]) into acc0[g] and acc1[g], reading each digit through perm[g] (a device
 * permutation: a hoisted automorphism) or directly where perm[g] is NULL. Passed to the kernel by value.
 */
#define ZKC_MAX_PRODUCTS 8
typedef struct zkc_key_switch_outputs {
    size_t count;                          /* products, 1..ZKC_MAX_PRODUCTS */
    uint32_t start[ZKC_MAX_PRODUCTS + 1];  /* start[0] = 0 < start[1] < ... < start[count] = operands' count */
    uint64_t* acc0[ZKC_MAX_PRODUCTS];
    uint64_t* acc1[ZKC_MAX_PRODUCTS];
    const int32_t* perm[ZKC_MAX_PRODUCTS];
} zkc_key_switch_outputs;

/**
 * Key-switching inner products over `limbs` limbs (<= ZKC_MAX_SCALAR_LIMBS), all in one launch: for
 * each product g, acc0[g] = Σ_j π_g(d_j)·keyB_j and acc1[g] = Σ_j π_g(d_j)·keyA_j per limb over its
 * operands j, each [limbs][n], π_g the product's permutation (outputs->perm[g]). The outputs alias nothing.
 */
int zkc_key_switch_products(zkc_ctx* ctx, const zkc_limbs* set, const zkc_key_switch* operands,
                            const zkc_key_switch_outputs* outputs, size_t limbs);

/**
 * Basis-extension constants (BasisConverter): from k primes to m primes; qHatModP and
 * qHatModPShoup are [m][k] (row j, column i: [Q/q_i]_{p_j}, Shoup companion mod p_j).
 */
zkc_basis* zkc_basis_create(zkc_ctx* ctx, size_t k, size_t m, const uint64_t* fromModuli,
                            const uint64_t* qHatInverse, const uint64_t* qHatInverseShoup,
                            const uint64_t* toModuli, const uint64_t* qHatModP, const uint64_t* qHatModPShoup);
void zkc_basis_destroy(zkc_ctx* ctx, zkc_basis* basis);
/**
 * The conversion of each of `polys` polynomials (1..ZKC_MAX_POLYS) with its own basis: in[p] [k_p][n]
 * (coefficient domain; k_p the source primes of bases[p]) to rows outRows[0..m-1] of out[p] (n words
 * each; NULL: rows 0..m-1), in place, so that a conversion into some limbs of a polynomial, both
 * halves of a key switch's ModDown or every digit of a ModUp are one launch. At most ZKC_MAX_BASES
 * distinct bases (by address; a batch's ModUp has one per digit, its ModDown one); every basis converts to
 * m primes; m at most ZKC_MAX_SCALAR_LIMBS, except for one polynomial without outRows. No out aliases an in.
 */
#define ZKC_MAX_BASES 8
int zkc_convert_basis(zkc_ctx* ctx, const zkc_basis* const* bases, const uint64_t* const* in, uint64_t* const* out,
                      size_t polys, const uint32_t* outRows, size_t n);

/**
 * RingBackend.rescale of each of `polys` polynomials (1..ZKC_MAX_POLYS) in the launches of one: a[p] has
 * limbs + 1 limbs (NTT form; the last one's prime t is the table's row `limbs`), out[p] gets `limbs`:
 * out_l = (a_l - NTT_l(c(INTT(a_top)))) · s_l with c the centered lift mod t and s_l = t^-1 mod q_l.
 * out[p] may be a[p] (its first limbs, in place); scratch: polys·(limbs + 1)·n device words.
 */
int zkc_rescale(zkc_ctx* ctx, const zkc_limbs* set, const uint64_t* const* a, uint64_t* const* out, const uint64_t* s,
                const uint64_t* sShoup, uint64_t* scratch, size_t polys, size_t limbs);

#ifdef __cplusplus
}
#endif

#endif
