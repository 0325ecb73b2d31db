// CUDA ring kernels behind zkllm_cuda.h. Each kernel is a grid-stride loop over a per-thread
// body of zkllm_cuda_arith.cuh (shared with the host emulation); nothing here computes.
//
// NTT: the stages with half-width t >= 2048 (n > 2048 only) run one launch each over all
// butterflies of the batch (global memory); the stages with t < 2048 run in one launch of the
// tile kernel, one block of 1024 threads per 2048-word tile in shared memory. Each stage is the
// CPU's stage (same butterflies, same twiddles, same lazy ranges), so the output is the CPU's.
#include "zkllm_cuda.h"
#include "zkllm_cuda_arith.cuh"
#include "zkllm_cuda_host.hpp"

#include <cuda_runtime.h>

#include <chrono>
#include <memory>
#include <new>
#include <string>

using namespace zkllm::cuda;

struct zkc_ctx {
    int device;
    cudaStream_t stream;
    cudaError_t firstError;
    std::string lastError;
    uint64_t launches;
    uint64_t waitNanos;  // blocked in stream synchronizations (zkc_wait_nanos)
};

struct zkc_limbs {
    LimbSet set;      // device pointers into storage
    void* storage;    // owned
};

struct zkc_basis {
    BasisView view;
    uint64_t* storage;
};

namespace {

constexpr unsigned kThreads = 256;

int record(zkc_ctx* ctx, cudaError_t e) {
    if (e != cudaSuccess) {
        if (ctx->firstError == cudaSuccess) ctx->firstError = e;
        ctx->lastError = cudaGetErrorString(e);
        return static_cast<int>(e);
    }
    return 0;
}

/** Waits for everything queued on the stream, counting the time blocked. */
int waitForStream(zkc_ctx* ctx) {
    auto start = std::chrono::steady_clock::now();
    int r = record(ctx, cudaStreamSynchronize(ctx->stream));
    auto waited = std::chrono::steady_clock::now() - start;
    ctx->waitNanos += static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(waited).count());
    return r;
}

/** Called after every kernel launch: counts it and records a launch error. */
int launched(zkc_ctx* ctx) {
    ctx->launches++;
    return record(ctx, cudaGetLastError());
}

unsigned blocksFor(size_t total) {
    size_t blocks = (total + kThreads - 1) / kThreads;
    return static_cast<unsigned>(blocks < (size_t{1} << 20) ? (blocks ? blocks : 1) : (size_t{1} << 20));
}

#define GRID_STRIDE(e, total) \
    for (size_t e = blockIdx.x * size_t{blockDim.x} + threadIdx.x; e < (total); e += size_t{gridDim.x} * blockDim.x)

template <int Op>
__global__ void pointwiseKernel(size_t total, const uint64_t* a, const uint64_t* b, uint64_t* out, LimbSet set,
                                LimbScalars s) {
    GRID_STRIDE(e, total) { pointwiseThread<Op>(e, a, b, out, set, s); }
}

// __grid_constant__: see subMulScalarAddKernel.
template <int Op>
__global__ void pointwiseListKernel(size_t total, const __grid_constant__ PolyList a, const __grid_constant__ PolyList b,
                                    const __grid_constant__ PolyList out, LimbSet set, LimbScalars s) {
    GRID_STRIDE(e, total) { pointwiseListThread<Op>(e, a, b, out, set, s); }
}

// A polynomial's (or basis's) entry of these lists is picked per thread at run time: __grid_constant__
// reads it from the parameter space, where a plain by-value parameter would be copied to each thread's
// local memory first (ptxas: 256 and 64 bytes of stack; the build refuses local memory, CMakeLists.txt).
__global__ void subMulScalarAddKernel(size_t total, const __grid_constant__ PolyList a, const __grid_constant__ PolyList b,
                                      const __grid_constant__ PolyList c, const __grid_constant__ PermList perms,
                                      const __grid_constant__ PolyList out, LimbSet set, LimbScalars s) {
    GRID_STRIDE(e, total) { subMulScalarAddThread(e, a, b, c, perms, out, set, s); }
}

__global__ void fromSignedKernel(size_t total, const int64_t* c, const __grid_constant__ PolyList out, LimbSet set) {
    GRID_STRIDE(e, total) { fromSignedThread(e, c, out, set); }
}

__global__ void forwardGlobalKernel(size_t total, unsigned logT, LimbSet set, RowMap rows) {
    GRID_STRIDE(g, total) { forwardGlobalThread(g, logT, set, rows); }
}

__global__ void inverseGlobalKernel(size_t total, unsigned logT, LimbSet set, RowMap rows) {
    GRID_STRIDE(g, total) { inverseGlobalThread(g, logT, set, rows); }
}

__global__ void forwardPairKernel(size_t total, unsigned logT, LimbSet set, RowMap rows) {
    GRID_STRIDE(g, total) { forwardPairThread(g, logT, set, rows); }
}

__global__ void inversePairKernel(size_t total, unsigned logT, LimbSet set, RowMap rows) {
    GRID_STRIDE(g, total) { inversePairThread(g, logT, set, rows); }
}

// One block per (row, tile); blockDim.x = tile / 2.
__global__ void __launch_bounds__(kTileThreads) forwardTileKernel(LimbSet set, RowMap rows) {
    __shared__ uint64_t sh[kTile];
    TileBlock b = tileBlock(blockIdx.x, set, rows, rows);
    size_t tid = threadIdx.x;
    tileLoadThread(sh, b, tid);
    __syncthreads();
    for (int logT = static_cast<int>(tileLog(set.logN)) - 1; logT >= 0; logT--) {
        forwardTileThread(sh, b.tile, tid, static_cast<unsigned>(logT), b.limb, set);
        __syncthreads();
    }
    tileStoreForwardThread(sh, b, tid, set);
}

__global__ void __launch_bounds__(kTileThreads) inverseTileKernel(LimbSet set, RowMap rows, RowMap from) {
    __shared__ uint64_t sh[kTile];
    TileBlock b = tileBlock(blockIdx.x, set, rows, from);
    size_t tid = threadIdx.x;
    tileLoadThread(sh, b, tid);
    __syncthreads();
    for (unsigned logT = 0; logT < tileLog(set.logN); logT++) {
        inverseTileThread(sh, b.tile, tid, logT, b.limb, set);
        __syncthreads();
    }
    tileStoreInverseThread(sh, b, tid);
}

// __grid_constant__: see subMulScalarAddKernel.
__global__ void keySwitchKernel(size_t total, const __grid_constant__ zkc_key_switch ops,
                                const __grid_constant__ zkc_key_switch_outputs outputs, LimbSet set, size_t limbs) {
    GRID_STRIDE(e, total) { keySwitchThread(e, ops, outputs, set, limbs); }
}

__global__ void permuteKernel(size_t total, const uint64_t* a, const int32_t* perm, uint64_t* out, unsigned logN) {
    GRID_STRIDE(e, total) { permuteThread(e, a, perm, out, logN); }
}

// __grid_constant__: see subMulScalarAddKernel.
__global__ void convertBasisKernel(size_t total, const __grid_constant__ PolyList in, RowMap out, unsigned logN,
                                   const __grid_constant__ BasisList bases) {
    GRID_STRIDE(e, total) { convertBasisThread(e, in, out, logN, bases); }
}

// The largest parameter blocks stay under the classic 4 KB (ZKC_MAX_POLYS and ZKC_MAX_BASES are set by them).
static_assert(sizeof(size_t) + 5 * sizeof(PolyList) + sizeof(LimbSet) + sizeof(LimbScalars) <= 4096,
              "subMulScalarAddKernel's parameters");
static_assert(sizeof(size_t) + sizeof(PolyList) + sizeof(RowMap) + sizeof(unsigned) + sizeof(BasisList) <= 4096,
              "convertBasisKernel's parameters");

__global__ void liftKernel(size_t total, const uint64_t* top, uint64_t* lifted, LimbSet set) {
    GRID_STRIDE(e, total) { liftThread(e, top, lifted, set); }
}

// __grid_constant__: see subMulScalarAddKernel.
__global__ void rescaleFinishKernel(size_t total, const __grid_constant__ PolyList a, const uint64_t* lifted,
                                    const __grid_constant__ PolyList out, LimbSet set, LimbScalars s) {
    GRID_STRIDE(e, total) { rescaleFinishThread(e, a, lifted, out, set, s); }
}

/** 0, or -1 with lastError set to `error` when there is one. */
int refuse(zkc_ctx* ctx, const char* error) {
    if (error == nullptr) return 0;
    ctx->lastError = error;
    return -1;
}

int checkLimbs(zkc_ctx* ctx, const zkc_limbs* set, size_t limbs) {
    return refuse(ctx, limbsError(set == nullptr ? nullptr : &set->set, limbs));
}

template <int Op>
int pointwise(zkc_ctx* ctx, const zkc_limbs* set, const uint64_t* a, const uint64_t* b, uint64_t* out, size_t polys,
              size_t limbs, const uint64_t* s = nullptr, const uint64_t* sShoup = nullptr) {
    if (int r = checkLimbs(ctx, set, limbs)) return r;
    LimbScalars scalars;
    if (int r = refuse(ctx, packScalars(s, sShoup, limbs, scalars))) return r;
    size_t total = polys * limbs << set->set.logN;
    pointwiseKernel<Op><<<blocksFor(total), kThreads, 0, ctx->stream>>>(total, a, b, out, firstLimbs(set->set, limbs),
                                                                         scalars);
    return launched(ctx);
}

/**
 * The global stages of an NTT of `rows` work rows (where the map says), in globalStages' order: a
 * launch per stage pair, or per single stage.
 */
int globalNttStages(zkc_ctx* ctx, const LimbSet& set, const RowMap& map, size_t rows, bool inverse) {
    unsigned logN = set.logN;
    return globalStages(logN, inverse, [&](unsigned logT, int stages) {
        size_t threads = rows << (logN - stages);  // a butterfly, or a group of four words, each
        unsigned blocks = blocksFor(threads);
        if (stages == 2 && inverse) inversePairKernel<<<blocks, kThreads, 0, ctx->stream>>>(threads, logT, set, map);
        else if (stages == 2) forwardPairKernel<<<blocks, kThreads, 0, ctx->stream>>>(threads, logT, set, map);
        else if (inverse) inverseGlobalKernel<<<blocks, kThreads, 0, ctx->stream>>>(threads, logT, set, map);
        else forwardGlobalKernel<<<blocks, kThreads, 0, ctx->stream>>>(threads, logT, set, map);
        return launched(ctx);
    });
}

/** The forward NTT of `rows` work rows (where the map says): the global stages' launches, then the tile kernel's. */
int forwardNtt(zkc_ctx* ctx, const LimbSet& set, const RowMap& map, size_t rows) {
    unsigned logN = set.logN;
    if (rows == 0) return 0;
    if (int r = globalNttStages(ctx, set, map, rows, false)) return r;
    unsigned logTile = tileLog(logN);
    size_t blocks = rows << (logN - logTile);
    forwardTileKernel<<<static_cast<unsigned>(blocks), 1u << (logTile - 1), 0, ctx->stream>>>(set, map);
    return launched(ctx);
}

/** The inverse NTT of `rows` work rows (where the map says), read from `from`'s rows (the map itself: in place). */
int inverseNtt(zkc_ctx* ctx, const LimbSet& set, const RowMap& map, const RowMap& from, size_t rows) {
    unsigned logN = set.logN;
    if (rows == 0) return 0;
    unsigned logTile = tileLog(logN);
    size_t blocks = rows << (logN - logTile);
    inverseTileKernel<<<static_cast<unsigned>(blocks), 1u << (logTile - 1), 0, ctx->stream>>>(set, map, from);
    if (int r = launched(ctx)) return r;
    return globalNttStages(ctx, set, map, rows, true);
}

/** `words` device words, filled on the host by pack(host) and uploaded (a table's one allocation); null on failure. */
template <class Pack>
uint64_t* uploadPacked(zkc_ctx* ctx, size_t words, Pack pack) {
    std::unique_ptr<uint64_t[]> host(new (std::nothrow) uint64_t[words]);
    if (host == nullptr) return nullptr;
    pack(host.get());
    uint64_t* d = zkc_alloc(ctx, words);
    if (d != nullptr && zkc_upload(ctx, d, host.get(), words) != 0) {
        zkc_free(ctx, d);
        return nullptr;
    }
    return d;
}

}  // namespace

extern "C" {

int zkc_device_count(void) {
    int count = 0;
    return cudaGetDeviceCount(&count) == cudaSuccess ? count : 0;
}

zkc_ctx* zkc_create(int device) {
    if (cudaSetDevice(device) != cudaSuccess) return nullptr;
    zkc_ctx* ctx = new (std::nothrow) zkc_ctx{device, nullptr, cudaSuccess, {}, 0, 0};
    if (ctx == nullptr) return nullptr;
    if (cudaStreamCreateWithFlags(&ctx->stream, cudaStreamNonBlocking) != cudaSuccess) {
        delete ctx;
        return nullptr;
    }
    // zkc_alloc draws from the device's pool in stream order: keep freed memory there for the next
    // allocation instead of handing it back to the driver at every synchronization.
    cudaMemPool_t pool;
    if (cudaDeviceGetDefaultMemPool(&pool, device) == cudaSuccess) {
        uint64_t keep = UINT64_MAX;
        cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &keep);
    }
    return ctx;
}

void zkc_destroy(zkc_ctx* ctx) {
    if (ctx == nullptr) return;
    cudaStreamDestroy(ctx->stream);
    delete ctx;
}

const char* zkc_last_error(const zkc_ctx* ctx) { return ctx->lastError.c_str(); }

uint64_t zkc_launches(const zkc_ctx* ctx) { return ctx->launches; }
uint64_t zkc_wait_nanos(const zkc_ctx* ctx) { return ctx->waitNanos; }

int zkc_sync(zkc_ctx* ctx) {
    if (int r = waitForStream(ctx)) return r;
    return ctx->firstError == cudaSuccess ? 0 : static_cast<int>(ctx->firstError);
}

uint64_t* zkc_alloc(zkc_ctx* ctx, size_t words) {
    void* p = nullptr;
    cudaError_t e = cudaMallocAsync(&p, words * sizeof(uint64_t), ctx->stream);
    if (e != cudaSuccess) {
        // Out of memory is not sticky: clear it, so that a caller may free memory and try again.
        cudaGetLastError();
        ctx->lastError = cudaGetErrorString(e);
        return nullptr;
    }
    return static_cast<uint64_t*>(p);
}

void zkc_free(zkc_ctx* ctx, void* device) {
    if (device != nullptr) record(ctx, cudaFreeAsync(device, ctx->stream));
}

int zkc_upload(zkc_ctx* ctx, uint64_t* device, const uint64_t* host, size_t words) {
    if (int r = record(ctx, cudaMemcpyAsync(device, host, words * 8, cudaMemcpyHostToDevice, ctx->stream))) return r;
    return waitForStream(ctx);
}

int zkc_download(zkc_ctx* ctx, uint64_t* host, const uint64_t* device, size_t words) {
    if (int r = record(ctx, cudaMemcpyAsync(host, device, words * 8, cudaMemcpyDeviceToHost, ctx->stream))) return r;
    return waitForStream(ctx);
}

int zkc_copy(zkc_ctx* ctx, uint64_t* dst, const uint64_t* src, size_t words) {
    ctx->launches++;
    return record(ctx, cudaMemcpyAsync(dst, src, words * 8, cudaMemcpyDeviceToDevice, ctx->stream));
}

int zkc_zero(zkc_ctx* ctx, uint64_t* device, size_t words) {
    ctx->launches++;
    return record(ctx, cudaMemsetAsync(device, 0, words * 8, ctx->stream));
}

int32_t* zkc_upload_permutation(zkc_ctx* ctx, const int32_t* host, size_t n) {
    // From the same pool as zkc_alloc, since zkc_free frees it in stream order.
    void* p = zkc_alloc(ctx, (n * sizeof(int32_t) + 7) / 8);
    if (p == nullptr) return nullptr;
    if (record(ctx, cudaMemcpyAsync(p, host, n * sizeof(int32_t), cudaMemcpyHostToDevice, ctx->stream)) ||
        waitForStream(ctx)) {
        zkc_free(ctx, p);
        return nullptr;
    }
    return static_cast<int32_t*>(p);
}

zkc_limbs* zkc_limbs_create(zkc_ctx* ctx, size_t limbs, size_t n, const uint64_t* moduli, const uint64_t* psi,
                            const uint64_t* psiShoup, const uint64_t* inversePsi, const uint64_t* inversePsiShoup,
                            const uint64_t* nInverse, const uint64_t* nInverseShoup) {
    if (refuse(ctx, limbTableError(limbs, n))) return nullptr;
    uint64_t* d = uploadPacked(ctx, limbTableWords(limbs, n), [&](uint64_t* host) {
        packLimbTable(host, limbs, n, moduli, psi, psiShoup, inversePsi, inversePsiShoup, nInverse, nInverseShoup);
    });
    if (d == nullptr) return nullptr;
    zkc_limbs* set = new (std::nothrow) zkc_limbs{limbSetOver(d, limbs, n), d};
    if (set == nullptr) zkc_free(ctx, d);
    return set;
}

void zkc_limbs_destroy(zkc_ctx* ctx, zkc_limbs* set) {
    if (set == nullptr) return;
    zkc_free(ctx, set->storage);
    delete set;
}

int zkc_ntt_forward(zkc_ctx* ctx, const zkc_limbs* table, uint64_t* a, size_t polys, size_t limbs) {
    if (int r = checkLimbs(ctx, table, limbs)) return r;
    return forwardNtt(ctx, firstLimbs(table->set, limbs), contiguousRows(a), polys * limbs);
}

int zkc_ntt_inverse(zkc_ctx* ctx, const zkc_limbs* table, uint64_t* a, size_t polys, size_t limbs) {
    if (int r = checkLimbs(ctx, table, limbs)) return r;
    RowMap rows = contiguousRows(a);
    return inverseNtt(ctx, firstLimbs(table->set, limbs), rows, rows, polys * limbs);
}

int zkc_ntt_forward_rows(zkc_ctx* ctx, const zkc_limbs* table, uint64_t* const* polys, size_t polyCount,
                         const uint32_t* rows, size_t count) {
    RowMap map;
    if (int r = refuse(ctx, nttRows(table == nullptr ? nullptr : &table->set, polys, polyCount, rows, count, map))) return r;
    return forwardNtt(ctx, table->set, map, polyCount * count);
}

int zkc_ntt_inverse_rows(zkc_ctx* ctx, const zkc_limbs* table, const uint64_t* const* from, uint64_t* const* polys,
                         size_t polyCount, const uint32_t* rows, size_t count) {
    RowMap map, source;
    if (int r = refuse(ctx, nttRows(table == nullptr ? nullptr : &table->set, polys, polyCount, rows, count, map))) return r;
    if (int r = refuse(ctx, sourceRows(map, from, source))) return r;
    return inverseNtt(ctx, table->set, map, source, polyCount * count);
}

int zkc_from_signed(zkc_ctx* ctx, const zkc_limbs* set, const int64_t* c, uint64_t* const* out, size_t polys,
                    size_t limbs) {
    if (int r = checkLimbs(ctx, set, limbs)) return r;
    PolyList list = {};
    if (int r = refuse(ctx, outputList(out, polys, list))) return r;
    LimbSet sub = firstLimbs(set->set, limbs);
    size_t total = polys * limbs << sub.logN;
    fromSignedKernel<<<blocksFor(total), kThreads, 0, ctx->stream>>>(total, c, list, sub);
    return launched(ctx);
}

int zkc_add(zkc_ctx* ctx, const zkc_limbs* set, const uint64_t* a, const uint64_t* b, uint64_t* out, size_t polys,
            size_t limbs) {
    return pointwise<kAdd>(ctx, set, a, b, out, polys, limbs);
}
int zkc_sub(zkc_ctx* ctx, const zkc_limbs* set, const uint64_t* a, const uint64_t* b, uint64_t* out, size_t polys,
            size_t limbs) {
    return pointwise<kSub>(ctx, set, a, b, out, polys, limbs);
}
int zkc_negate(zkc_ctx* ctx, const zkc_limbs* set, const uint64_t* a, uint64_t* out, size_t polys, size_t limbs) {
    return pointwise<kNegate>(ctx, set, a, nullptr, out, polys, limbs);
}
int zkc_mul(zkc_ctx* ctx, const zkc_limbs* set, const uint64_t* a, const uint64_t* b, uint64_t* out, size_t polys,
            size_t limbs) {
    return pointwise<kMul>(ctx, set, a, b, out, polys, limbs);
}
int zkc_mul_add(zkc_ctx* ctx, const zkc_limbs* set, const uint64_t* a, const uint64_t* b, uint64_t* acc,
                size_t polys, size_t limbs) {
    return pointwise<kMulAdd>(ctx, set, a, b, acc, polys, limbs);
}
int zkc_mul_scalar(zkc_ctx* ctx, const zkc_limbs* set, const uint64_t* a, const uint64_t* s, const uint64_t* sShoup,
                   uint64_t* out, size_t polys, size_t limbs) {
    return pointwise<kMulScalar>(ctx, set, a, nullptr, out, polys, limbs, s, sShoup);
}
int zkc_add_scalar(zkc_ctx* ctx, const zkc_limbs* set, const uint64_t* a, const uint64_t* s, uint64_t* out,
                   size_t polys, size_t limbs) {
    return pointwise<kAddScalar>(ctx, set, a, nullptr, out, polys, limbs, s, nullptr);
}
int zkc_sub_mul_scalar(zkc_ctx* ctx, const zkc_limbs* set, const uint64_t* a, const uint64_t* b, const uint64_t* s,
                       const uint64_t* sShoup, uint64_t* out, size_t polys, size_t limbs) {
    return pointwise<kSubMulScalar>(ctx, set, a, b, out, polys, limbs, s, sShoup);
}

int zkc_pointwise_polys(zkc_ctx* ctx, const zkc_limbs* table, int op, const uint64_t* const* a, const uint64_t* const* b,
                        uint64_t* const* out, const uint64_t* s, const uint64_t* sShoup, size_t polys, size_t limbs) {
    if (int r = checkLimbs(ctx, table, limbs)) return r;
    PolyList lists[3] = {};
    LimbScalars scalars;
    if (int r = refuse(ctx, pointwiseOperands(op, a, b, out, polys, s, sShoup, limbs, lists, scalars))) return r;
    LimbSet set = firstLimbs(table->set, limbs);
    size_t total = polys * limbs << set.logN;
    return withPointwiseOp(op, [&](auto kind) {
        pointwiseListKernel<decltype(kind)::value><<<blocksFor(total), kThreads, 0, ctx->stream>>>(
            total, lists[0], lists[1], lists[2], set, scalars);
        return launched(ctx);
    });
}

int zkc_sub_mul_scalar_add(zkc_ctx* ctx, const zkc_limbs* table, const uint64_t* const* a, const uint64_t* const* b,
                           const uint64_t* const* c, const int32_t* const* perms, const uint64_t* s,
                           const uint64_t* sShoup, uint64_t* const* out, size_t polys, size_t limbs) {
    if (int r = checkLimbs(ctx, table, limbs)) return r;
    LimbScalars scalars;
    PolyList lists[4] = {};
    PermList permList = {};
    if (int r = refuse(ctx, subMulScalarAddOperands(a, b, c, perms, out, polys, s, sShoup, limbs, lists, permList,
                                                    scalars))) {
        return r;
    }
    LimbSet set = firstLimbs(table->set, limbs);
    size_t total = polys * limbs << set.logN;
    subMulScalarAddKernel<<<blocksFor(total), kThreads, 0, ctx->stream>>>(total, lists[0], lists[1], lists[2],
                                                                            permList, lists[3], set, scalars);
    return launched(ctx);
}

int zkc_permute(zkc_ctx* ctx, const uint64_t* a, const int32_t* perm, uint64_t* out, size_t rows, size_t n) {
    unsigned logN = log2Ceil(n);
    size_t total = rows * n;
    if (total == 0) return 0;
    permuteKernel<<<blocksFor(total), kThreads, 0, ctx->stream>>>(total, a, perm, out, logN);
    return launched(ctx);
}

int zkc_key_switch_products(zkc_ctx* ctx, const zkc_limbs* set, const zkc_key_switch* operands,
                            const zkc_key_switch_outputs* outputs, size_t limbs) {
    if (int r = checkLimbs(ctx, set, limbs)) return r;
    if (int r = refuse(ctx, keySwitchError(operands, outputs, limbs))) return r;
    size_t total = (outputs->count * limbs) << set->set.logN;
    keySwitchKernel<<<blocksFor(total), kThreads, 0, ctx->stream>>>(total, *operands, *outputs,
                                                                      firstLimbs(set->set, limbs), limbs);
    return launched(ctx);
}

zkc_basis* zkc_basis_create(zkc_ctx* ctx, size_t k, size_t m, const uint64_t* fromModuli, const uint64_t* qHatInverse,
                            const uint64_t* qHatInverseShoup, const uint64_t* toModuli, const uint64_t* qHatModP,
                            const uint64_t* qHatModPShoup) {
    uint64_t* d = uploadPacked(ctx, basisFlatWords(k, m), [&](uint64_t* host) {
        packBasis(host, k, m, fromModuli, qHatInverse, qHatInverseShoup, toModuli, qHatModP, qHatModPShoup);
    });
    if (d == nullptr) return nullptr;
    zkc_basis* basis = new (std::nothrow) zkc_basis{basisView(d, k, m), d};
    if (basis == nullptr) zkc_free(ctx, d);
    return basis;
}

void zkc_basis_destroy(zkc_ctx* ctx, zkc_basis* basis) {
    if (basis == nullptr) return;
    zkc_free(ctx, basis->storage);
    delete basis;
}

int zkc_convert_basis(zkc_ctx* ctx, const zkc_basis* const* bases, const uint64_t* const* in, uint64_t* const* out,
                      size_t polys, const uint32_t* outRows, size_t n) {
    BasisList list{};
    PolyList from{};
    RowMap to;
    if (int r = refuse(ctx, conversionOperands(bases, in, out, polys, outRows, list, from, to))) return r;
    unsigned logN = log2Ceil(n);
    size_t total = polys * list.b[0].m * n;
    if (total == 0) return 0;
    convertBasisKernel<<<blocksFor(total), kThreads, 0, ctx->stream>>>(total, from, to, logN, list);
    return launched(ctx);
}

int zkc_rescale(zkc_ctx* ctx, const zkc_limbs* table, const uint64_t* const* a, uint64_t* const* out, const uint64_t* s,
                const uint64_t* sShoup, uint64_t* scratch, size_t polys, size_t limbs) {
    if (int r = checkLimbs(ctx, table, limbs + 1)) return r;
    RescaleOperands ops;
    if (int r = refuse(ctx, rescaleOperands(table->set, a, out, s, sShoup, scratch, polys, limbs, ops))) return r;
    if (int r = inverseNtt(ctx, ops.top, ops.topRows, ops.topSources, polys)) return r;
    size_t total = polys * limbs << ops.kept.logN;
    liftKernel<<<blocksFor(total), kThreads, 0, ctx->stream>>>(total, ops.topRows.at[0], ops.lifted, ops.withTop);
    if (int r = launched(ctx)) return r;
    if (int r = forwardNtt(ctx, ops.kept, contiguousRows(ops.lifted), polys * limbs)) return r;
    rescaleFinishKernel<<<blocksFor(total), kThreads, 0, ctx->stream>>>(total, ops.a, ops.lifted, ops.out, ops.kept,
                                                                          ops.scalars);
    return launched(ctx);
}

}  // extern "C"
