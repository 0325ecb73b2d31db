// zkllm_cuda.h implemented on the host: every "launch" runs the kernel's grid sequentially,
// calling the same per-thread bodies (zkllm_cuda_arith.cuh) as zkllm_cuda.cu, and the tile
// kernels run thread by thread within each stage, stage by stage (what __syncthreads orders).
// Built with g++ into zkllm_cuda_hostcheck, so the kernels' arithmetic and index mapping are
// checked against the CPU kernels on a machine without a GPU. Device pointers are host memory.
#include "zkllm_cuda.h"
#include "zkllm_cuda_arith.cuh"
#include "zkllm_cuda_host.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include <unistd.h>

using namespace zkllm::cuda;

struct zkc_ctx {
    std::string lastError;
    uint64_t launches = 0;     // counted where zkllm_cuda.cu launches a kernel or queues a copy or a fill
    uint64_t deviceNanos = 0;  // the device's work, done inside the calls: what a GPU's host would wait for
    uint64_t heldBytes = 0;    // of zkc_alloc and zkc_upload_permutation, not yet freed
    uint64_t capacityBytes;    // the emulated device's memory, past which an allocation fails as on a GPU
};

struct zkc_limbs {
    LimbSet set;
    std::vector<uint64_t> storage;
};

struct zkc_basis {
    BasisView view;
    std::vector<uint64_t> storage;
};

namespace {

/** 0, or -1 with lastError set to `error` when there is one. */
int refuse(zkc_ctx* ctx, const char* error) {
    if (error == nullptr) return 0;
    ctx->lastError = error;
    return -1;
}

int checkLimbs(zkc_ctx* ctx, const zkc_limbs* set, size_t limbs) {
    return refuse(ctx, limbsError(set == nullptr ? nullptr : &set->set, limbs));
}

/**
 * Times a call's device work (kernels, copies, transfers, allocations) into zkc_wait_nanos: the emulation
 * does it inside the call, so the rest of a computation's wall time is the host's own work, as on a GPU.
 * One per public call (none calls another).
 */
class DeviceWork {
  public:
    explicit DeviceWork(zkc_ctx* ctx) : ctx_(ctx), start_(std::chrono::steady_clock::now()) {}
    ~DeviceWork() {
        auto elapsed = std::chrono::steady_clock::now() - start_;
        ctx_->deviceNanos += static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count());
    }
    DeviceWork(const DeviceWork&) = delete;
    DeviceWork& operator=(const DeviceWork&) = delete;

  private:
    zkc_ctx* ctx_;
    std::chrono::steady_clock::time_point start_;
};

/**
 * The emulated device's memory: ZKC_EMULATED_DEVICE_BYTES, or half the machine's, so that a computation that
 * outgrows it sees a failed allocation (and the backend's way out of one) instead of the OOM killer.
 */
uint64_t emulatedCapacity() {
    if (const char* bytes = std::getenv("ZKC_EMULATED_DEVICE_BYTES")) return std::strtoull(bytes, nullptr, 10);
    return static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) * static_cast<uint64_t>(sysconf(_SC_PAGE_SIZE)) / 2;
}

/** Each block's size sits in a header before it, for zkc_free's count (16 bytes: the block stays 16-aligned). */
constexpr size_t kHeader = 16;

void* allocate(zkc_ctx* ctx, size_t bytes) {
    bytes = std::max<size_t>(bytes, 8);
    if (ctx->heldBytes + bytes > ctx->capacityBytes) {
        ctx->lastError = "out of memory (the emulated device's; ZKC_EMULATED_DEVICE_BYTES)";
        return nullptr;
    }
    char* block = static_cast<char*>(std::malloc(kHeader + bytes));
    if (block == nullptr) return nullptr;
    std::memcpy(block, &bytes, sizeof bytes);
    ctx->heldBytes += bytes;
    return block + kHeader;
}

/** Counts `kernels` launches, as zkllm_cuda.cu's launched() does. */
void launch(zkc_ctx* ctx, size_t kernels = 1) { ctx->launches += kernels; }

template <int Op>
int pointwise(zkc_ctx* ctx, const zkc_limbs* set, const uint64_t* a, const uint64_t* b, uint64_t* out, size_t polys,
              size_t limbs, const uint64_t* s = nullptr, const uint64_t* sShoup = nullptr) {
    DeviceWork work(ctx);
    if (int r = checkLimbs(ctx, set, limbs)) return r;
    LimbScalars scalars;
    if (int r = refuse(ctx, packScalars(s, sShoup, limbs, scalars))) return r;
    LimbSet sub = firstLimbs(set->set, limbs);
    size_t total = polys * limbs << sub.logN;
    launch(ctx);
    for (size_t e = 0; e < total; e++) pointwiseThread<Op>(e, a, b, out, sub, scalars);
    return 0;
}

/**
 * The emulation runs a stage's threads one after another; that equals the GPU's (any) schedule
 * only if no two butterflies of a stage touch the same word. Checked once per n: every word of a
 * limb is touched by exactly one butterfly in every stage (for the tile kernel's stages too,
 * since tile-local indices are limb indices minus the tile's start).
 */
void checkStagesDisjoint(unsigned logN) {
    static std::vector<bool> checked(64, false);
    if (checked[logN]) return;
    size_t n = size_t{1} << logN;
    std::vector<int> touched(n);
    for (unsigned logT = 0; logT < logN; logT++) {
        std::fill(touched.begin(), touched.end(), 0);
        for (size_t k = 0; k < n / 2; k++) {
            ButterflyIndex b = butterflyIndex(k, logT, logN);
            touched[b.first]++;
            touched[b.first + (size_t{1} << logT)]++;
            size_t m = size_t{1} << (logN - 1 - logT);
            if (b.twiddle < m || b.twiddle >= 2 * m) std::abort();
        }
        for (size_t i = 0; i < n; i++) {
            if (touched[i] != 1) {
                std::fprintf(stderr, "stage logT=%u of n=2^%u touches word %zu %d times\n", logT, logN, i, touched[i]);
                std::abort();
            }
        }
        if (logT < tileLog(logN)) {  // the tile kernel's stages stay inside their tile
            size_t threads = (size_t{1} << tileLog(logN)) / 2;
            for (size_t k = 0; k < n / 2; k++) {
                ButterflyIndex b = butterflyIndex(k, logT, logN);
                size_t tile = k / threads;
                size_t base = tile * 2 * threads;
                if (b.first < base || b.first + (size_t{1} << logT) >= base + 2 * threads) std::abort();
            }
        }
    }
    checked[logN] = true;
}

/** The global stages of an NTT, a launch per pair of stages or single stage, as zkllm_cuda.cu's. */
void globalNttStages(zkc_ctx* ctx, const LimbSet& set, const RowMap& map, size_t rows, bool inverse) {
    unsigned logN = set.logN;
    globalStages(logN, inverse, [&](unsigned logT, int stages) {
        launch(ctx);
        size_t threads = rows << (logN - stages);
        for (size_t g = 0; g < threads; g++) {
            if (stages == 2 && inverse) inversePairThread(g, logT, set, map);
            else if (stages == 2) forwardPairThread(g, logT, set, map);
            else if (inverse) inverseGlobalThread(g, logT, set, map);
            else forwardGlobalThread(g, logT, set, map);
        }
        return 0;
    });
}

/** The forward NTT of `rows` work rows (where the map says): the global stages, then the tile kernel. */
int forwardNtt(zkc_ctx* ctx, const LimbSet& set, const RowMap& map, size_t rows) {
    checkStagesDisjoint(set.logN);
    unsigned logN = set.logN;
    if (rows == 0) return 0;
    globalNttStages(ctx, set, map, rows, false);
    unsigned logTile = tileLog(logN);
    launch(ctx);  // the tile kernel
    size_t blocks = rows << (logN - logTile);
    std::vector<uint64_t> sh(kTile);
    for (size_t block = 0; block < blocks; block++) {
        TileBlock b = tileBlock(block, set, map, map);
        for (size_t tid = 0; tid < b.threads; tid++) tileLoadThread(sh.data(), b, tid);
        for (int logT = static_cast<int>(logTile) - 1; logT >= 0; logT--) {
            for (size_t tid = 0; tid < b.threads; tid++) {
                forwardTileThread(sh.data(), b.tile, tid, static_cast<unsigned>(logT), b.limb, set);
            }
        }
        for (size_t tid = 0; tid < b.threads; tid++) tileStoreForwardThread(sh.data(), b, tid, set);
    }
    return 0;
}

/** The inverse NTT of `rows` work rows (where the map says), read from `from`'s rows (the map itself: in place). */
int inverseNtt(zkc_ctx* ctx, const LimbSet& set, const RowMap& map, const RowMap& from, size_t rows) {
    checkStagesDisjoint(set.logN);
    unsigned logN = set.logN;
    if (rows == 0) return 0;
    unsigned logTile = tileLog(logN);
    size_t blocks = rows << (logN - logTile);
    launch(ctx);  // the tile kernel
    std::vector<uint64_t> sh(kTile);
    for (size_t block = 0; block < blocks; block++) {
        TileBlock b = tileBlock(block, set, map, from);
        for (size_t tid = 0; tid < b.threads; tid++) tileLoadThread(sh.data(), b, tid);
        for (unsigned logT = 0; logT < logTile; logT++) {
            for (size_t tid = 0; tid < b.threads; tid++) inverseTileThread(sh.data(), b.tile, tid, logT, b.limb, set);
        }
        for (size_t tid = 0; tid < b.threads; tid++) tileStoreInverseThread(sh.data(), b, tid);
    }
    globalNttStages(ctx, set, map, rows, true);
    return 0;
}

}  // namespace

extern "C" {

int zkc_device_count(void) { return 1; }
zkc_ctx* zkc_create(int) {
    zkc_ctx* ctx = new (std::nothrow) zkc_ctx{};
    if (ctx != nullptr) ctx->capacityBytes = emulatedCapacity();
    return ctx;
}
void zkc_destroy(zkc_ctx* ctx) { delete ctx; }
const char* zkc_last_error(const zkc_ctx* ctx) { return ctx->lastError.c_str(); }
uint64_t zkc_launches(const zkc_ctx* ctx) { return ctx->launches; }
uint64_t zkc_wait_nanos(const zkc_ctx* ctx) { return ctx->deviceNanos; }
int zkc_sync(zkc_ctx*) { return 0; }
uint64_t* zkc_alloc(zkc_ctx* ctx, size_t words) {
    DeviceWork work(ctx);
    return static_cast<uint64_t*>(allocate(ctx, words * 8));
}
void zkc_free(zkc_ctx* ctx, void* device) {
    if (device == nullptr) return;
    DeviceWork work(ctx);
    char* block = static_cast<char*>(device) - kHeader;
    size_t bytes;
    std::memcpy(&bytes, block, sizeof bytes);
    ctx->heldBytes -= bytes;
    std::free(block);
}
int zkc_upload(zkc_ctx* ctx, uint64_t* device, const uint64_t* host, size_t words) {
    DeviceWork work(ctx);
    std::memcpy(device, host, words * 8);
    return 0;
}
int zkc_download(zkc_ctx* ctx, uint64_t* host, const uint64_t* device, size_t words) {
    DeviceWork work(ctx);
    std::memcpy(host, device, words * 8);
    return 0;
}
int zkc_copy(zkc_ctx* ctx, uint64_t* dst, const uint64_t* src, size_t words) {
    DeviceWork work(ctx);
    launch(ctx);
    std::memmove(dst, src, words * 8);
    return 0;
}

int zkc_zero(zkc_ctx* ctx, uint64_t* device, size_t words) {
    DeviceWork work(ctx);
    launch(ctx);
    std::memset(device, 0, words * 8);
    return 0;
}

int32_t* zkc_upload_permutation(zkc_ctx* ctx, const int32_t* host, size_t n) {
    DeviceWork work(ctx);
    int32_t* p = static_cast<int32_t*>(allocate(ctx, n * sizeof(int32_t)));
    if (p != nullptr) std::memcpy(p, host, n * sizeof(int32_t));
    return p;
}

zkc_limbs* zkc_limbs_create(zkc_ctx* ctx, size_t limbs, size_t n, const uint64_t* moduli, const uint64_t* psi,
                            const uint64_t* psiShoup, const uint64_t* inversePsi, const uint64_t* inversePsiShoup,
                            const uint64_t* nInverse, const uint64_t* nInverseShoup) {
    DeviceWork work(ctx);
    if (refuse(ctx, limbTableError(limbs, n))) return nullptr;
    zkc_limbs* set = new zkc_limbs;
    set->storage.resize(limbTableWords(limbs, n));
    packLimbTable(set->storage.data(), limbs, n, moduli, psi, psiShoup, inversePsi, inversePsiShoup, nInverse,
                  nInverseShoup);
    set->set = limbSetOver(set->storage.data(), limbs, n);
    return set;
}

void zkc_limbs_destroy(zkc_ctx*, zkc_limbs* set) { delete set; }

int zkc_ntt_forward(zkc_ctx* ctx, const zkc_limbs* table, uint64_t* a, size_t polys, size_t limbs) {
    DeviceWork work(ctx);
    if (int r = checkLimbs(ctx, table, limbs)) return r;
    return forwardNtt(ctx, firstLimbs(table->set, limbs), contiguousRows(a), polys * limbs);
}

int zkc_ntt_inverse(zkc_ctx* ctx, const zkc_limbs* table, uint64_t* a, size_t polys, size_t limbs) {
    DeviceWork work(ctx);
    if (int r = checkLimbs(ctx, table, limbs)) return r;
    RowMap rows = contiguousRows(a);
    return inverseNtt(ctx, firstLimbs(table->set, limbs), rows, rows, polys * limbs);
}

int zkc_ntt_forward_rows(zkc_ctx* ctx, const zkc_limbs* table, uint64_t* const* polys, size_t polyCount,
                         const uint32_t* rows, size_t count) {
    DeviceWork work(ctx);
    RowMap map;
    if (int r = refuse(ctx, nttRows(table == nullptr ? nullptr : &table->set, polys, polyCount, rows, count, map))) return r;
    return forwardNtt(ctx, table->set, map, polyCount * count);
}

int zkc_ntt_inverse_rows(zkc_ctx* ctx, const zkc_limbs* table, const uint64_t* const* from, uint64_t* const* polys,
                         size_t polyCount, const uint32_t* rows, size_t count) {
    DeviceWork work(ctx);
    RowMap map, source;
    if (int r = refuse(ctx, nttRows(table == nullptr ? nullptr : &table->set, polys, polyCount, rows, count, map))) return r;
    if (int r = refuse(ctx, sourceRows(map, from, source))) return r;
    return inverseNtt(ctx, table->set, map, source, polyCount * count);
}

int zkc_from_signed(zkc_ctx* ctx, const zkc_limbs* set, const int64_t* c, uint64_t* const* out, size_t polys,
                    size_t limbs) {
    DeviceWork work(ctx);
    if (int r = checkLimbs(ctx, set, limbs)) return r;
    PolyList list = {};
    if (int r = refuse(ctx, outputList(out, polys, list))) return r;
    LimbSet sub = firstLimbs(set->set, limbs);
    size_t total = polys * limbs << sub.logN;
    launch(ctx);
    for (size_t e = 0; e < total; e++) fromSignedThread(e, c, list, sub);
    return 0;
}

int zkc_add(zkc_ctx* c, const zkc_limbs* s, const uint64_t* a, const uint64_t* b, uint64_t* o, size_t p, size_t l) {
    return pointwise<kAdd>(c, s, a, b, o, p, l);
}
int zkc_sub(zkc_ctx* c, const zkc_limbs* s, const uint64_t* a, const uint64_t* b, uint64_t* o, size_t p, size_t l) {
    return pointwise<kSub>(c, s, a, b, o, p, l);
}
int zkc_negate(zkc_ctx* c, const zkc_limbs* s, const uint64_t* a, uint64_t* o, size_t p, size_t l) {
    return pointwise<kNegate>(c, s, a, nullptr, o, p, l);
}
int zkc_mul(zkc_ctx* c, const zkc_limbs* s, const uint64_t* a, const uint64_t* b, uint64_t* o, size_t p, size_t l) {
    return pointwise<kMul>(c, s, a, b, o, p, l);
}
int zkc_mul_add(zkc_ctx* c, const zkc_limbs* s, const uint64_t* a, const uint64_t* b, uint64_t* acc, size_t p,
                size_t l) {
    return pointwise<kMulAdd>(c, s, a, b, acc, p, l);
}
int zkc_mul_scalar(zkc_ctx* c, const zkc_limbs* set, const uint64_t* a, const uint64_t* s, const uint64_t* sShoup,
                   uint64_t* o, size_t p, size_t l) {
    return pointwise<kMulScalar>(c, set, a, nullptr, o, p, l, s, sShoup);
}
int zkc_add_scalar(zkc_ctx* c, const zkc_limbs* set, const uint64_t* a, const uint64_t* s, uint64_t* o, size_t p,
                   size_t l) {
    return pointwise<kAddScalar>(c, set, a, nullptr, o, p, l, s, nullptr);
}
int zkc_sub_mul_scalar(zkc_ctx* c, const zkc_limbs* set, const uint64_t* a, const uint64_t* b, const uint64_t* s,
                       const uint64_t* sShoup, uint64_t* o, size_t p, size_t l) {
    return pointwise<kSubMulScalar>(c, set, a, b, o, p, l, s, sShoup);
}

int zkc_pointwise_polys(zkc_ctx* ctx, const zkc_limbs* table, int op, const uint64_t* const* a, const uint64_t* const* b,
                        uint64_t* const* out, const uint64_t* s, const uint64_t* sShoup, size_t polys, size_t limbs) {
    DeviceWork work(ctx);
    if (int r = checkLimbs(ctx, table, limbs)) return r;
    PolyList lists[3] = {};
    LimbScalars scalars;
    if (int r = refuse(ctx, pointwiseOperands(op, a, b, out, polys, s, sShoup, limbs, lists, scalars))) return r;
    LimbSet set = firstLimbs(table->set, limbs);
    size_t total = polys * limbs << set.logN;
    launch(ctx);
    return withPointwiseOp(op, [&](auto kind) {
        for (size_t e = 0; e < total; e++) pointwiseListThread<decltype(kind)::value>(e, lists[0], lists[1], lists[2], set, scalars);
        return 0;
    });
}

int zkc_sub_mul_scalar_add(zkc_ctx* ctx, const zkc_limbs* table, const uint64_t* const* a, const uint64_t* const* b,
                           const uint64_t* const* c, const int32_t* const* perms, const uint64_t* s,
                           const uint64_t* sShoup, uint64_t* const* out, size_t polys, size_t limbs) {
    DeviceWork work(ctx);
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
    launch(ctx);
    for (size_t e = 0; e < total; e++) subMulScalarAddThread(e, lists[0], lists[1], lists[2], permList, lists[3], set, scalars);
    return 0;
}

int zkc_permute(zkc_ctx* ctx, const uint64_t* a, const int32_t* perm, uint64_t* out, size_t rows, size_t n) {
    DeviceWork work(ctx);
    unsigned logN = log2Ceil(n);
    if (rows * n > 0) launch(ctx);
    for (size_t e = 0; e < rows * n; e++) permuteThread(e, a, perm, out, logN);
    return 0;
}

int zkc_key_switch_products(zkc_ctx* ctx, const zkc_limbs* table, const zkc_key_switch* operands,
                            const zkc_key_switch_outputs* outputs, size_t limbs) {
    DeviceWork work(ctx);
    if (int r = checkLimbs(ctx, table, limbs)) return r;
    if (int r = refuse(ctx, keySwitchError(operands, outputs, limbs))) return r;
    LimbSet set = firstLimbs(table->set, limbs);
    size_t total = (outputs->count * limbs) << set.logN;
    launch(ctx);
    for (size_t e = 0; e < total; e++) keySwitchThread(e, *operands, *outputs, set, limbs);
    return 0;
}

zkc_basis* zkc_basis_create(zkc_ctx* ctx, size_t k, size_t m, const uint64_t* fromModuli, const uint64_t* qHatInverse,
                            const uint64_t* qHatInverseShoup, const uint64_t* toModuli, const uint64_t* qHatModP,
                            const uint64_t* qHatModPShoup) {
    DeviceWork work(ctx);
    zkc_basis* basis = new zkc_basis;
    basis->storage.resize(basisFlatWords(k, m));
    uint64_t* host = basis->storage.data();
    packBasis(host, k, m, fromModuli, qHatInverse, qHatInverseShoup, toModuli, qHatModP, qHatModPShoup);
    basis->view = basisView(host, k, m);
    return basis;
}

void zkc_basis_destroy(zkc_ctx*, zkc_basis* basis) { delete basis; }

int zkc_convert_basis(zkc_ctx* ctx, const zkc_basis* const* bases, const uint64_t* const* in, uint64_t* const* out,
                      size_t polys, const uint32_t* outRows, size_t n) {
    DeviceWork work(ctx);
    BasisList list{};
    PolyList from{};
    RowMap to;
    if (int r = refuse(ctx, conversionOperands(bases, in, out, polys, outRows, list, from, to))) return r;
    unsigned logN = log2Ceil(n);
    size_t total = polys * list.b[0].m * n;
    if (total > 0) launch(ctx);
    for (size_t e = 0; e < total; e++) convertBasisThread(e, from, to, logN, list);
    return 0;
}

int zkc_rescale(zkc_ctx* ctx, const zkc_limbs* table, const uint64_t* const* a, uint64_t* const* out, const uint64_t* s,
                const uint64_t* sShoup, uint64_t* scratch, size_t polys, size_t limbs) {
    DeviceWork work(ctx);
    if (int r = checkLimbs(ctx, table, limbs + 1)) return r;
    RescaleOperands ops;
    if (int r = refuse(ctx, rescaleOperands(table->set, a, out, s, sShoup, scratch, polys, limbs, ops))) return r;
    if (int r = inverseNtt(ctx, ops.top, ops.topRows, ops.topSources, polys)) return r;
    size_t total = polys * limbs << ops.kept.logN;
    launch(ctx);
    for (size_t e = 0; e < total; e++) liftThread(e, ops.topRows.at[0], ops.lifted, ops.withTop);
    if (int r = forwardNtt(ctx, ops.kept, contiguousRows(ops.lifted), polys * limbs)) return r;
    launch(ctx);
    for (size_t e = 0; e < total; e++) rescaleFinishThread(e, ops.a, ops.lifted, ops.out, ops.kept, ops.scalars);
    return 0;
}

}  // extern "C"
