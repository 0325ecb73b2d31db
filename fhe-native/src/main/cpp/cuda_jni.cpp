// JNI entry points of ai.zkllm.fhe.ring.CudaRingBackend over the C API of the CUDA kernels
// (../cuda/zkllm_cuda.h). Built twice from this file: against libzkllm_cuda (a GPU), and for the
// tests against the host emulation of the same API (src/test/cuda/host_emulation.cpp).
//
// Two kinds of entry points. The limb kernels (RingBackend's long[] methods) gather their arrays
// into one host image, upload it, run one kernel, wait, and copy the result back. The polynomial
// kernels (the native*Poly* methods) work on device words at addresses CudaRingBackend holds for
// resident polynomials (DevicePolys), so nothing crosses PCIe but what nativeUploadLimbs and
// nativeDownloadLimbs move; their sizes come from the Java side, which checked them. They queue
// their kernels and return (scratch is freed in stream order): a failure inside a kernel is
// reported by the next call that waits (a download, an upload, nativeFinish). Rows shorter than the limb table's n are zero-padded, because the
// kernels index rows by powers of two. The Java side checks sizes with precise messages; the
// checks here are a last guard, computed from the arrays themselves, so that no call reads or
// writes outside them. Kernel and device failures become IllegalStateException with
// zkc_last_error's text.
#include <jni.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "zkllm_cuda.h"

namespace {

/** The pointwise kernels, in the order of CudaRingBackend.Op (zkllm_cuda.h's codes). */
enum PointwiseOp : jint {
    kAdd = ZKC_ADD, kSub = ZKC_SUB, kNegate = ZKC_NEGATE, kMul = ZKC_MUL, kMulAdd = ZKC_MUL_ADD,
    kMulScalar = ZKC_MUL_SCALAR, kAddScalar = ZKC_ADD_SCALAR, kSubMulScalar = ZKC_SUB_MUL_SCALAR
};

/** A table of `count` limbs and the row length it was made for. */
struct Table {
    zkc_limbs* limbs;
    size_t n;
    size_t count;
};

zkc_ctx* contextOf(jlong handle) { return reinterpret_cast<zkc_ctx*>(handle); }
const Table* tableOf(jlong handle) { return reinterpret_cast<const Table*>(handle); }

void throwNew(JNIEnv* env, const char* type, const std::string& message) {
    if (env->ExceptionCheck()) return;
    jclass c = env->FindClass(type);
    if (c != nullptr) env->ThrowNew(c, message.c_str());
}

void throwIllegalArgument(JNIEnv* env, const char* message) {
    throwNew(env, "java/lang/IllegalArgumentException", std::string("cuda ring kernel: ") + message);
}

/** True when rc is 0; otherwise throws IllegalStateException with the context's last error. */
bool succeeded(JNIEnv* env, zkc_ctx* ctx, int rc, const char* what) {
    if (rc == 0) return true;
    throwNew(env, "java/lang/IllegalStateException", std::string("cuda ") + what + " failed: " + zkc_last_error(ctx));
    return false;
}

/** Device memory of one call, freed when the call returns, on every path. */
class DeviceBuffers {
public:
    DeviceBuffers(JNIEnv* env, zkc_ctx* ctx) : env_(env), ctx_(ctx) {}
    DeviceBuffers(const DeviceBuffers&) = delete;
    DeviceBuffers& operator=(const DeviceBuffers&) = delete;
    ~DeviceBuffers() {
        for (void* p : owned_) zkc_free(ctx_, p);
    }

    /** `words` device words; null, with an exception pending, on failure. */
    uint64_t* alloc(size_t words) {
        uint64_t* p = zkc_alloc(ctx_, words);
        if (p == nullptr) {
            succeeded(env_, ctx_, -1, "device allocation");
            return nullptr;
        }
        owned_.push_back(p);
        return p;
    }

    /** A device copy of `host`; null on failure. */
    uint64_t* upload(const std::vector<uint64_t>& host) {
        uint64_t* p = alloc(host.size());
        if (p == nullptr || !succeeded(env_, ctx_, zkc_upload(ctx_, p, host.data(), host.size()), "upload")) {
            return nullptr;
        }
        return p;
    }

    /** A device copy of a permutation; null on failure. */
    int32_t* upload(const std::vector<int32_t>& host) {
        int32_t* p = zkc_upload_permutation(ctx_, host.data(), host.size());
        if (p == nullptr) {
            succeeded(env_, ctx_, -1, "permutation upload");
            return nullptr;
        }
        owned_.push_back(p);
        return p;
    }

    /** Waits for the queued kernels and copies host.size() words of `device` back; false on failure. */
    bool download(const uint64_t* device, std::vector<uint64_t>& host) {
        return succeeded(env_, ctx_, zkc_sync(ctx_), "kernel") &&
               succeeded(env_, ctx_, zkc_download(ctx_, host.data(), device, host.size()), "download");
    }

private:
    JNIEnv* env_;
    zkc_ctx* ctx_;
    std::vector<void*> owned_;
};

/** True when every array is non-null and holds `length` elements; throws otherwise. */
bool haveLength(JNIEnv* env, const std::vector<jlongArray>& arrays, size_t length) {
    for (jlongArray array : arrays) {
        if (array == nullptr || static_cast<size_t>(env->GetArrayLength(array)) != length) {
            throwIllegalArgument(env, "array length mismatch");
            return false;
        }
    }
    return true;
}

/** The arrays, each `length` long, as a zero-padded [rows][stride] image; false on a bad length. */
bool gather(JNIEnv* env, const std::vector<jlongArray>& rows, size_t length, size_t stride,
            std::vector<uint64_t>& image) {
    if (!haveLength(env, rows, length)) return false;
    image.assign(rows.size() * stride, 0);
    for (size_t r = 0; r < rows.size(); r++) {
        env->GetLongArrayRegion(rows[r], 0, static_cast<jsize>(length), reinterpret_cast<jlong*>(&image[r * stride]));
    }
    return true;
}

/** The first `length` words of each [stride] row of image into the arrays (checked by haveLength). */
void scatter(JNIEnv* env, const std::vector<uint64_t>& image, size_t stride, const std::vector<jlongArray>& rows,
             size_t length) {
    for (size_t r = 0; r < rows.size(); r++) {
        env->SetLongArrayRegion(rows[r], 0, static_cast<jsize>(length),
                                reinterpret_cast<const jlong*>(&image[r * stride]));
    }
}

/** The elements of a long[][]; false, with an exception pending, when it is null or empty. */
bool elements(JNIEnv* env, jobjectArray array, std::vector<jlongArray>& out) {
    jsize count = array == nullptr ? 0 : env->GetArrayLength(array);
    if (count == 0) {
        throwIllegalArgument(env, "no limbs");
        return false;
    }
    if (env->EnsureLocalCapacity(count) != 0) return false;
    out.resize(static_cast<size_t>(count));
    for (jsize i = 0; i < count; i++) out[i] = static_cast<jlongArray>(env->GetObjectArrayElement(array, i));
    return true;
}

/**
 * perm, `length` entries each in [0, bound), padded with the identity up to `stride`: -1, or the
 * first position out of range (then nothing should run).
 */
jint readPermutation(JNIEnv* env, jintArray perm, size_t length, size_t bound, size_t stride,
                     std::vector<int32_t>& out) {
    out.resize(stride);
    env->GetIntArrayRegion(perm, 0, static_cast<jsize>(length), reinterpret_cast<jint*>(out.data()));
    for (size_t i = 0; i < length; i++) {
        if (out[i] < 0 || static_cast<size_t>(out[i]) >= bound) return static_cast<jint>(i);
    }
    for (size_t i = length; i < stride; i++) out[i] = static_cast<int32_t>(i);
    return -1;
}

/** The smallest power of two >= length, and at least 2: the kernels' row length for `length` words. */
size_t rowLength(size_t length) {
    size_t n = 2;
    while (n < length) n <<= 1;
    return n;
}

/** The first `count` elements of a long[][]; false, with an exception pending, when it has fewer. */
bool firstLimbs(JNIEnv* env, jobjectArray limbs, jint count, std::vector<jlongArray>& rows) {
    if (!elements(env, limbs, rows)) return false;
    if (count <= 0 || static_cast<size_t>(count) > rows.size()) {
        throwIllegalArgument(env, "limb count outside the polynomial");
        return false;
    }
    rows.resize(static_cast<size_t>(count));
    return true;
}

/** Device words at an address the Java side holds. */
uint64_t* words(jlong address) { return reinterpret_cast<uint64_t*>(address); }

/** Device addresses from a long[]. */
std::vector<uint64_t*> addresses(JNIEnv* env, jlongArray array) {
    std::vector<jlong> values(static_cast<size_t>(env->GetArrayLength(array)));
    env->GetLongArrayRegion(array, 0, static_cast<jsize>(values.size()), values.data());
    std::vector<uint64_t*> out;
    for (jlong v : values) out.push_back(words(v));
    return out;
}

/** An int[] of row indices. */
std::vector<uint32_t> rowIndices(JNIEnv* env, jintArray array) {
    std::vector<uint32_t> rows(static_cast<size_t>(env->GetArrayLength(array)));
    env->GetIntArrayRegion(array, 0, static_cast<jsize>(rows.size()), reinterpret_cast<jint*>(rows.data()));
    return rows;
}

/** f(first, count) over [0, total) in chunks of at most `most`, while it returns 0; its first nonzero result. */
template <class F>
int inChunks(size_t total, size_t most, F f) {
    int rc = 0;
    for (size_t first = 0; first < total && rc == 0; first += most) rc = f(first, total - first < most ? total - first : most);
    return rc;
}

/** One scalar and its Shoup companion per limb, from Java arrays of at least `limbs` entries. */
bool readScalars(JNIEnv* env, jlongArray s, jlongArray sShoup, size_t limbs, std::vector<uint64_t>& out) {
    if (limbs > ZKC_MAX_SCALAR_LIMBS) {
        throwIllegalArgument(env, "more limbs than the scalar kernels take");
        return false;
    }
    out.assign(2 * limbs, 0);
    jlongArray arrays[] = {s, sShoup};
    for (size_t k = 0; k < 2; k++) {
        if (arrays[k] == nullptr || static_cast<size_t>(env->GetArrayLength(arrays[k])) < limbs) {
            throwIllegalArgument(env, "fewer scalars than limbs");
            return false;
        }
        env->GetLongArrayRegion(arrays[k], 0, static_cast<jsize>(limbs), reinterpret_cast<jlong*>(&out[k * limbs]));
    }
    return true;
}

/** How many of the polynomials from `first` on one conversion launch takes: ZKC_MAX_POLYS, fewer where they have more than ZKC_MAX_BASES bases. */
size_t conversionLaunchPolys(const std::vector<uint64_t*>& bases, size_t first) {
    std::vector<uint64_t*> distinct;
    size_t end = first;
    for (; end < bases.size() && end - first < ZKC_MAX_POLYS; end++) {
        if (std::find(distinct.begin(), distinct.end(), bases[end]) != distinct.end()) continue;
        if (distinct.size() == ZKC_MAX_BASES) break;
        distinct.push_back(bases[end]);
    }
    return end - first;
}

/**
 * How many of the products from `first` on one key-switching launch takes (product g's terms are
 * [bounds[g], bounds[g + 1]), each at most ZKC_MAX_DIGITS): ZKC_MAX_PRODUCTS, fewer where their terms
 * would pass ZKC_MAX_DIGITS in all.
 */
size_t productLaunchCount(const std::vector<jint>& bounds, size_t first) {
    size_t products = bounds.size() - 1;
    size_t end = first;
    for (size_t terms = 0; end < products && end - first < ZKC_MAX_PRODUCTS; end++) {
        terms += static_cast<size_t>(bounds[end + 1] - bounds[end]);
        if (terms > ZKC_MAX_DIGITS) break;
    }
    return end - first;
}

}  // namespace

extern "C" {

/**
 * Refuses to load when no device can run the kernels: a failed load leaves no library bound to
 * CudaRingBackend's natives, so a JVM without a GPU may still load another (the host emulation).
 */
JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM* vm, void*) {
    JNIEnv* env = nullptr;
    if (vm->GetEnv(reinterpret_cast<void**>(&env), JNI_VERSION_1_8) != JNI_OK) return JNI_ERR;
    if (zkc_device_count() == 0) {
        throwNew(env, "java/lang/UnsatisfiedLinkError", "no CUDA device (no GPU visible, or no driver)");
    }
    return JNI_VERSION_1_8;
}

JNIEXPORT jlong JNICALL Java_ai_zkllm_fhe_ring_CudaRingBackend_nativeCreate(JNIEnv* env, jclass, jint device) {
    int count = zkc_device_count();
    if (device < 0 || device >= count) {
        throwNew(env, "java/lang/IllegalStateException",
                 "no CUDA device " + std::to_string(device) + " (" + std::to_string(count) + " found)");
        return 0;
    }
    zkc_ctx* ctx = zkc_create(device);
    if (ctx == nullptr) {
        throwNew(env, "java/lang/IllegalStateException", "cannot open CUDA device " + std::to_string(device));
    }
    return reinterpret_cast<jlong>(ctx);
}

JNIEXPORT void JNICALL Java_ai_zkllm_fhe_ring_CudaRingBackend_nativeDestroy(JNIEnv*, jclass, jlong ctx) {
    zkc_destroy(contextOf(ctx));
}

/** A table of k = moduli.length limbs; the twiddle arrays are [k][n], nInverse and its Shoup companion [k]. */
JNIEXPORT jlong JNICALL Java_ai_zkllm_fhe_ring_CudaRingBackend_nativeCreateTable(
    JNIEnv* env, jclass, jlong handle, jlongArray moduli, jlongArray psi, jlongArray psiShoup, jlongArray inversePsi,
    jlongArray inversePsiShoup, jlongArray nInverse, jlongArray nInverseShoup) {
    zkc_ctx* ctx = contextOf(handle);
    size_t k = moduli == nullptr ? 0 : static_cast<size_t>(env->GetArrayLength(moduli));
    size_t words = psi == nullptr ? 0 : static_cast<size_t>(env->GetArrayLength(psi));
    if (k == 0 || words % k != 0) {
        throwIllegalArgument(env, "a table needs moduli and [limbs][n] twiddles");
        return 0;
    }
    size_t n = words / k;
    std::vector<uint64_t> q, tw, inverses;
    if (!gather(env, {moduli}, k, k, q) || !gather(env, {psi, psiShoup, inversePsi, inversePsiShoup}, words, words, tw) ||
        !gather(env, {nInverse, nInverseShoup}, k, k, inverses)) {
        return 0;
    }
    for (uint64_t modulus : q) {
        if (modulus < 3 || modulus >= (uint64_t{1} << 31)) {
            throwIllegalArgument(env, "a table needs moduli in [3, 2^31)");
            return 0;
        }
    }
    zkc_limbs* limbs = zkc_limbs_create(ctx, k, n, q.data(), &tw[0], &tw[words], &tw[2 * words], &tw[3 * words],
                                        &inverses[0], &inverses[k]);
    if (limbs == nullptr) {
        succeeded(env, ctx, -1, "limb table");
        return 0;
    }
    return reinterpret_cast<jlong>(new Table{limbs, n, k});
}

JNIEXPORT void JNICALL Java_ai_zkllm_fhe_ring_CudaRingBackend_nativeDestroyTable(JNIEnv*, jclass, jlong ctx,
                                                                                  jlong table) {
    Table* t = reinterpret_cast<Table*>(table);
    zkc_limbs_destroy(contextOf(ctx), t->limbs);
    delete t;
}

JNIEXPORT void JNICALL Java_ai_zkllm_fhe_ring_CudaRingBackend_nativeNtt(JNIEnv* env, jclass, jlong handle,
                                                                         jlong table, jlongArray a, jboolean inverse) {
    zkc_ctx* ctx = contextOf(handle);
    const Table* t = tableOf(table);
    std::vector<uint64_t> image;
    if (!gather(env, {a}, t->n, t->n, image)) return;
    DeviceBuffers device(env, ctx);
    uint64_t* p = device.upload(image);
    if (p == nullptr) return;
    int rc = inverse ? zkc_ntt_inverse(ctx, t->limbs, p, 1, 1) : zkc_ntt_forward(ctx, t->limbs, p, 1, 1);
    if (succeeded(env, ctx, rc, "ntt") && device.download(p, image)) scatter(env, image, t->n, {a}, t->n);
}

JNIEXPORT void JNICALL Java_ai_zkllm_fhe_ring_CudaRingBackend_nativePointwise(JNIEnv* env, jclass, jlong handle,
                                                                               jlong table, jint op, jlongArray a,
                                                                               jlongArray b, jlong s, jlong sShoup,
                                                                               jlongArray out) {
    zkc_ctx* ctx = contextOf(handle);
    const Table* t = tableOf(table);
    size_t n = t->n;
    size_t length = out == nullptr ? 0 : static_cast<size_t>(env->GetArrayLength(out));
    if (length > n || op < kAdd || op > kSubMulScalar) {
        throwIllegalArgument(env, "pointwise arguments do not fit the table");
        return;
    }
    bool binary = op == kAdd || op == kSub || op == kMul || op == kMulAdd || op == kSubMulScalar;
    std::vector<jlongArray> inputs{a};
    if (binary) inputs.push_back(b);
    if (op == kMulAdd) inputs.push_back(out);  // the accumulator
    std::vector<uint64_t> image;
    if (!gather(env, inputs, length, n, image) || !haveLength(env, {out}, length)) return;
    DeviceBuffers device(env, ctx);
    uint64_t* in = device.upload(image);
    uint64_t* result = in == nullptr ? nullptr : op == kMulAdd ? in + 2 * n : device.alloc(n);
    if (result == nullptr) return;
    const uint64_t* pa = in;
    const uint64_t* pb = in + n;
    uint64_t scalar = static_cast<uint64_t>(s), shoup = static_cast<uint64_t>(sShoup);
    int rc = 0;
    switch (op) {
        case kAdd: rc = zkc_add(ctx, t->limbs, pa, pb, result, 1, 1); break;
        case kSub: rc = zkc_sub(ctx, t->limbs, pa, pb, result, 1, 1); break;
        case kNegate: rc = zkc_negate(ctx, t->limbs, pa, result, 1, 1); break;
        case kMul: rc = zkc_mul(ctx, t->limbs, pa, pb, result, 1, 1); break;
        case kMulAdd: rc = zkc_mul_add(ctx, t->limbs, pa, pb, result, 1, 1); break;
        case kMulScalar: rc = zkc_mul_scalar(ctx, t->limbs, pa, &scalar, &shoup, result, 1, 1); break;
        case kAddScalar: rc = zkc_add_scalar(ctx, t->limbs, pa, &scalar, result, 1, 1); break;
        case kSubMulScalar: rc = zkc_sub_mul_scalar(ctx, t->limbs, pa, pb, &scalar, &shoup, result, 1, 1); break;
    }
    std::vector<uint64_t> host(n);
    if (succeeded(env, ctx, rc, "pointwise kernel") && device.download(result, host)) {
        scatter(env, host, n, {out}, length);
    }
}

JNIEXPORT jint JNICALL Java_ai_zkllm_fhe_ring_CudaRingBackend_nativePermute(JNIEnv* env, jclass, jlong handle,
                                                                             jlongArray a, jintArray perm,
                                                                             jlongArray out) {
    zkc_ctx* ctx = contextOf(handle);
    if (a == nullptr || perm == nullptr || out == nullptr) {
        throwIllegalArgument(env, "null array");
        return -1;
    }
    size_t length = static_cast<size_t>(env->GetArrayLength(perm));
    size_t sourceLength = static_cast<size_t>(env->GetArrayLength(a));
    std::vector<int32_t> indices;
    if (!haveLength(env, {out}, length) || length == 0) return -1;
    jint bad = readPermutation(env, perm, length, sourceLength, length, indices);
    std::vector<uint64_t> source;
    if (bad >= 0 || !gather(env, {a}, sourceLength, sourceLength, source)) return bad;
    DeviceBuffers device(env, ctx);
    uint64_t* pa = device.upload(source);
    int32_t* pp = pa == nullptr ? nullptr : device.upload(indices);
    uint64_t* po = pp == nullptr ? nullptr : device.alloc(length);
    if (po == nullptr) return -1;
    // One row of any length: a thread's index within its row is its index, below the power of two.
    std::vector<uint64_t> result(length);
    if (succeeded(env, ctx, zkc_permute(ctx, pa, pp, po, 1, length), "permute") && device.download(po, result)) {
        scatter(env, result, length, {out}, length);
    }
    return -1;
}

JNIEXPORT void JNICALL Java_ai_zkllm_fhe_ring_CudaRingBackend_nativeFree(JNIEnv*, jclass, jlong handle, jlong address) {
    zkc_free(contextOf(handle), reinterpret_cast<void*>(address));
}

/** The key-switching product of one limb: digits and key rows uploaded as [count][n] blocks for this call. */
JNIEXPORT jint JNICALL Java_ai_zkllm_fhe_ring_CudaRingBackend_nativeKeySwitchProduct(
    JNIEnv* env, jclass, jlong handle, jlong table, jobjectArray digits, jobjectArray keyB, jobjectArray keyA,
    jintArray perm, jlongArray acc0, jlongArray acc1) {
    zkc_ctx* ctx = contextOf(handle);
    const Table* t = tableOf(table);
    size_t n = t->n;
    std::vector<jlongArray> d, kb, ka;
    if (!elements(env, digits, d) || !elements(env, keyB, kb) || !elements(env, keyA, ka)) return -1;
    size_t count = d.size();
    size_t length = acc0 == nullptr ? 0 : static_cast<size_t>(env->GetArrayLength(acc0));
    if (kb.size() != count || ka.size() != count || count > ZKC_MAX_DIGITS || length > n) {
        throwIllegalArgument(env, "key switching arguments do not fit the table");
        return -1;
    }
    std::vector<int32_t> indices;
    if (perm != nullptr) {
        if (static_cast<size_t>(env->GetArrayLength(perm)) != length) {
            throwIllegalArgument(env, "permutation length mismatch");
            return -1;
        }
        jint bad = readPermutation(env, perm, length, length, n, indices);
        if (bad >= 0) return bad;
    }
    std::vector<uint64_t> di, bi, ai;
    if (!haveLength(env, {acc0, acc1}, length) || !gather(env, d, length, n, di) || !gather(env, kb, length, n, bi) ||
        !gather(env, ka, length, n, ai)) {
        return -1;
    }
    DeviceBuffers device(env, ctx);
    uint64_t* pd = device.upload(di);
    uint64_t* pb = pd == nullptr ? nullptr : device.upload(bi);
    uint64_t* pa = pb == nullptr ? nullptr : device.upload(ai);
    int32_t* pp = pa == nullptr || perm == nullptr ? nullptr : device.upload(indices);
    uint64_t* out = pa == nullptr || (perm != nullptr && pp == nullptr) ? nullptr : device.alloc(2 * n);
    if (out == nullptr) return -1;
    zkc_key_switch ops{};
    ops.count = count;
    for (size_t j = 0; j < count; j++) {
        ops.digits[j] = pd + j * n;
        ops.keyB[j] = pb + j * n;
        ops.keyA[j] = pa + j * n;
    }
    zkc_key_switch_outputs outputs{};
    outputs.count = 1;
    outputs.start[1] = static_cast<uint32_t>(count);
    outputs.acc0[0] = out;
    outputs.acc1[0] = out + n;
    outputs.perm[0] = pp;
    int rc = zkc_key_switch_products(ctx, t->limbs, &ops, &outputs, 1);
    std::vector<uint64_t> result(2 * n);
    if (succeeded(env, ctx, rc, "key switching product") && device.download(out, result)) {
        scatter(env, result, n, {acc0, acc1}, length);
    }
    return -1;
}

JNIEXPORT void JNICALL Java_ai_zkllm_fhe_ring_CudaRingBackend_nativeConvertBasis(
    JNIEnv* env, jclass, jlong handle, jobjectArray in, jobjectArray out, jlongArray fromModuli,
    jlongArray qHatInverse, jlongArray qHatInverseShoup, jlongArray toModuli, jlongArray qHatModP,
    jlongArray qHatModPShoup) {
    zkc_ctx* ctx = contextOf(handle);
    std::vector<jlongArray> from, to;
    if (!elements(env, in, from) || !elements(env, out, to)) return;
    size_t k = from.size(), m = to.size();
    size_t length = from[0] == nullptr ? 0 : static_cast<size_t>(env->GetArrayLength(from[0]));
    size_t stride = rowLength(length);
    std::vector<uint64_t> fromTables, toTables, crossTables, image;
    if (!gather(env, {fromModuli, qHatInverse, qHatInverseShoup}, k, k, fromTables) ||
        !gather(env, {toModuli}, m, m, toTables) || !gather(env, {qHatModP, qHatModPShoup}, m * k, m * k, crossTables) ||
        !haveLength(env, to, length) || !gather(env, from, length, stride, image)) {
        return;
    }
    zkc_basis* basis = zkc_basis_create(ctx, k, m, &fromTables[0], &fromTables[k], &fromTables[2 * k], &toTables[0],
                                        &crossTables[0], &crossTables[m * k]);
    if (basis == nullptr) {
        succeeded(env, ctx, -1, "basis tables");
        return;
    }
    {
        DeviceBuffers device(env, ctx);
        uint64_t* pin = device.upload(image);
        uint64_t* pout = pin == nullptr ? nullptr : device.alloc(m * stride);
        std::vector<uint64_t> result(m * stride);
        if (pout != nullptr && succeeded(env, ctx, zkc_convert_basis(ctx, &basis, &pin, &pout, 1, nullptr, stride), "basis conversion") &&
            device.download(pout, result)) {
            scatter(env, result, stride, to, length);
        }
    }
    zkc_basis_destroy(ctx, basis);
}

// ---- resident polynomials: [limbs][n] device words at addresses the Java side holds ----

/** `count` device words, or 0 when the device has no room (the caller may free some and retry). */
JNIEXPORT jlong JNICALL Java_ai_zkllm_fhe_ring_CudaRingBackend_nativeAlloc(JNIEnv*, jclass, jlong handle, jlong count) {
    return count <= 0 ? 0 : reinterpret_cast<jlong>(zkc_alloc(contextOf(handle), static_cast<size_t>(count)));
}

JNIEXPORT void JNICALL Java_ai_zkllm_fhe_ring_CudaRingBackend_nativeCopy(JNIEnv* env, jclass, jlong handle, jlong dst,
                                                                          jlong src, jlong count) {
    zkc_ctx* ctx = contextOf(handle);
    succeeded(env, ctx, zkc_copy(ctx, words(dst), words(src), static_cast<size_t>(count)), "copy");
}

/** The first `count` limbs, each n long, into [count][n] words at `address`. */
JNIEXPORT void JNICALL Java_ai_zkllm_fhe_ring_CudaRingBackend_nativeUploadLimbs(JNIEnv* env, jclass, jlong handle,
                                                                                 jlong address, jobjectArray limbs,
                                                                                 jint count, jint n) {
    zkc_ctx* ctx = contextOf(handle);
    std::vector<jlongArray> rows;
    if (!firstLimbs(env, limbs, count, rows)) return;
    std::vector<uint64_t> image;
    if (gather(env, rows, static_cast<size_t>(n), static_cast<size_t>(n), image)) {
        succeeded(env, ctx, zkc_upload(ctx, words(address), image.data(), image.size()), "upload");
    }
}

/** [count][n] words at `address` into the first `count` limbs, after the queued kernels. */
JNIEXPORT void JNICALL Java_ai_zkllm_fhe_ring_CudaRingBackend_nativeDownloadLimbs(JNIEnv* env, jclass, jlong handle,
                                                                                   jlong address, jobjectArray limbs,
                                                                                   jint count, jint n) {
    zkc_ctx* ctx = contextOf(handle);
    std::vector<jlongArray> rows;
    if (!firstLimbs(env, limbs, count, rows)) return;
    size_t length = static_cast<size_t>(n);
    if (!haveLength(env, rows, length)) return;
    std::vector<uint64_t> image(rows.size() * length);
    if (succeeded(env, ctx, zkc_sync(ctx), "kernel") &&
        succeeded(env, ctx, zkc_download(ctx, image.data(), words(address), image.size()), "download")) {
        scatter(env, image, length, rows, length);
    }
}

/** Waits for every queued kernel; throws with the first error of that work. */
JNIEXPORT void JNICALL Java_ai_zkllm_fhe_ring_CudaRingBackend_nativeFinish(JNIEnv* env, jclass, jlong handle) {
    zkc_ctx* ctx = contextOf(handle);
    succeeded(env, ctx, zkc_sync(ctx), "kernel");
}

JNIEXPORT jlong JNICALL Java_ai_zkllm_fhe_ring_CudaRingBackend_nativeLaunches(JNIEnv*, jclass, jlong handle) {
    return static_cast<jlong>(zkc_launches(contextOf(handle)));
}

JNIEXPORT jlong JNICALL Java_ai_zkllm_fhe_ring_CudaRingBackend_nativeWaitNanos(JNIEnv*, jclass, jlong handle) {
    return static_cast<jlong>(zkc_wait_nanos(contextOf(handle)));
}

JNIEXPORT void JNICALL Java_ai_zkllm_fhe_ring_CudaRingBackend_nativeZero(JNIEnv* env, jclass, jlong handle,
                                                                          jlong address, jlong count) {
    zkc_ctx* ctx = contextOf(handle);
    succeeded(env, ctx, zkc_zero(ctx, words(address), static_cast<size_t>(count)), "zero");
}

/**
 * The listed limbs of each polynomial at polys[p], each with the table's row of its index: the
 * launches of one NTT per 64 limbs and ZKC_MAX_POLYS polynomials. An inverse NTT reads from[p]'s limbs when from
 * is given (out of place), else polys[p]'s.
 */
JNIEXPORT void JNICALL Java_ai_zkllm_fhe_ring_CudaRingBackend_nativePolyNtt(JNIEnv* env, jclass, jlong handle,
                                                                             jlong table, jlongArray from,
                                                                             jlongArray polys, jintArray limbs,
                                                                             jboolean inverse) {
    zkc_ctx* ctx = contextOf(handle);
    const Table* t = tableOf(table);
    std::vector<uint64_t*> at = addresses(env, polys);
    std::vector<uint64_t*> sources = from == nullptr ? std::vector<uint64_t*>() : addresses(env, from);
    std::vector<uint32_t> rows = rowIndices(env, limbs);
    if (from != nullptr && (!inverse || sources.size() != at.size())) {
        throwIllegalArgument(env, "an out-of-place NTT is an inverse one, with a source per polynomial");
        return;
    }
    int rc = inChunks(at.size(), ZKC_MAX_POLYS, [&](size_t p, size_t polyCount) {
        const uint64_t* const* source = from == nullptr ? nullptr : const_cast<const uint64_t* const*>(&sources[p]);
        return inChunks(rows.size(), ZKC_MAX_SCALAR_LIMBS, [&](size_t r, size_t count) {
            return inverse ? zkc_ntt_inverse_rows(ctx, t->limbs, source, &at[p], polyCount, &rows[r], count)
                           : zkc_ntt_forward_rows(ctx, t->limbs, &at[p], polyCount, &rows[r], count);
        });
    });
    succeeded(env, ctx, rc, "ntt");
}

/**
 * Pointwise kernel `op` (CudaRingBackend.Op's ordinal, zkllm_cuda.h's ZKC_ADD ..) over device polynomials
 * by address (b unread by the unary ops, s and sShoup by those without a scalar): one kernel per ZKC_MAX_POLYS.
 */
JNIEXPORT void JNICALL Java_ai_zkllm_fhe_ring_CudaRingBackend_nativePolyPointwise(
    JNIEnv* env, jclass, jlong handle, jlong table, jint op, jlongArray a, jlongArray b, jlongArray s, jlongArray sShoup,
    jlongArray out, jint limbs) {
    zkc_ctx* ctx = contextOf(handle);
    const Table* t = tableOf(table);
    size_t count = static_cast<size_t>(limbs);
    std::vector<uint64_t> scalars;
    bool scalar = op == kMulScalar || op == kAddScalar || op == kSubMulScalar;
    if (scalar && !readScalars(env, s, sShoup, count, scalars)) return;
    std::vector<uint64_t*> pa = addresses(env, a), pb = addresses(env, b), po = addresses(env, out);
    if (pa.size() != po.size() || pb.size() != po.size()) {
        throwIllegalArgument(env, "as many polynomials of each operand");
        return;
    }
    int rc = inChunks(po.size(), ZKC_MAX_POLYS, [&](size_t p, size_t polys) {
        std::vector<const uint64_t*> ins[2];
        for (size_t i = p; i < p + polys; i++) ins[0].push_back(pa[i]), ins[1].push_back(pb[i]);
        return zkc_pointwise_polys(ctx, t->limbs, op, ins[0].data(), ins[1].data(), &po[p],
                                   scalar ? scalars.data() : nullptr, scalar ? scalars.data() + count : nullptr, polys,
                                   count);
    });
    succeeded(env, ctx, rc, "pointwise kernel");
}

/**
 * RingBackend.subMulScalarsAdd over device polynomials by address (an addend address of 0: none; perms[p]
 * the device permutation of c[p]'s, or 0), per ZKC_MAX_POLYS polynomials.
 */
JNIEXPORT void JNICALL Java_ai_zkllm_fhe_ring_CudaRingBackend_nativePolySubMulScalarAdd(
    JNIEnv* env, jclass, jlong handle, jlong table, jlongArray a, jlongArray b, jlongArray c, jlongArray perms,
    jlongArray s, jlongArray sShoup, jlongArray out, jint limbs) {
    zkc_ctx* ctx = contextOf(handle);
    size_t count = static_cast<size_t>(limbs);
    std::vector<uint64_t> scalars;
    if (!readScalars(env, s, sShoup, count, scalars)) return;
    std::vector<uint64_t*> pa = addresses(env, a), pb = addresses(env, b), pc = addresses(env, c), po = addresses(env, out),
                           pp = addresses(env, perms);
    if (pa.size() != po.size() || pb.size() != po.size() || pc.size() != po.size() || pp.size() != po.size()) {
        throwIllegalArgument(env, "as many polynomials of each operand");
        return;
    }
    int rc = inChunks(po.size(), ZKC_MAX_POLYS, [&](size_t p, size_t polys) {
        std::vector<const uint64_t*> ins[3];
        std::vector<const int32_t*> permutations;
        for (size_t i = p; i < p + polys; i++) {
            ins[0].push_back(pa[i]), ins[1].push_back(pb[i]), ins[2].push_back(pc[i]);
            permutations.push_back(reinterpret_cast<const int32_t*>(pp[i]));
        }
        return zkc_sub_mul_scalar_add(ctx, tableOf(table)->limbs, ins[0].data(), ins[1].data(), ins[2].data(),
                                      permutations.data(), scalars.data(), scalars.data() + count, &po[p], polys,
                                      count);
    });
    succeeded(env, ctx, rc, "subMulScalarAdd");
}

/**
 * RingBackend.fromSigned: each polynomial's n coefficients go up (n words, not limbs·n), all in one copy into the
 * caller's scratch (polynomials × n words), and the residues are made on the device, per ZKC_MAX_POLYS polynomials.
 */
JNIEXPORT void JNICALL Java_ai_zkllm_fhe_ring_CudaRingBackend_nativePolyFromSigned(JNIEnv* env, jclass, jlong handle,
                                                                                    jlong table, jobjectArray c,
                                                                                    jlongArray out, jint limbs,
                                                                                    jlong scratch) {
    zkc_ctx* ctx = contextOf(handle);
    const Table* t = tableOf(table);
    std::vector<jlongArray> rows;
    if (!elements(env, c, rows)) return;
    std::vector<uint64_t*> po = addresses(env, out);
    if (po.size() != rows.size()) {
        throwIllegalArgument(env, "a row of coefficients per polynomial");
        return;
    }
    if (scratch == 0) {
        throwIllegalArgument(env, "fromSigned needs its scratch");
        return;
    }
    std::vector<uint64_t> coefficients;
    if (!gather(env, rows, t->n, t->n, coefficients)) return;
    uint64_t* pc = words(scratch);
    if (!succeeded(env, ctx, zkc_upload(ctx, pc, coefficients.data(), coefficients.size()), "upload")) return;
    int rc = inChunks(po.size(), ZKC_MAX_POLYS, [&](size_t p, size_t polys) {
        return zkc_from_signed(ctx, t->limbs, reinterpret_cast<const int64_t*>(pc + p * t->n), &po[p], polys,
                               static_cast<size_t>(limbs));
    });
    succeeded(env, ctx, rc, "fromSigned");
}

/** A device copy of perm (entries checked by the caller); 0 on failure, with an exception pending. */
JNIEXPORT jlong JNICALL Java_ai_zkllm_fhe_ring_CudaRingBackend_nativeUploadPermutation(JNIEnv* env, jclass,
                                                                                        jlong handle, jintArray perm) {
    zkc_ctx* ctx = contextOf(handle);
    size_t length = perm == nullptr ? 0 : static_cast<size_t>(env->GetArrayLength(perm));
    std::vector<int32_t> indices(length);
    env->GetIntArrayRegion(perm, 0, static_cast<jsize>(length), reinterpret_cast<jint*>(indices.data()));
    int32_t* device = zkc_upload_permutation(ctx, indices.data(), length);
    if (device == nullptr) succeeded(env, ctx, -1, "permutation upload");
    return reinterpret_cast<jlong>(device);
}

JNIEXPORT void JNICALL Java_ai_zkllm_fhe_ring_CudaRingBackend_nativePolyPermute(JNIEnv* env, jclass, jlong handle,
                                                                                 jlong a, jlong perm, jlong out,
                                                                                 jint limbs, jint n) {
    zkc_ctx* ctx = contextOf(handle);
    int rc = zkc_permute(ctx, words(a), reinterpret_cast<const int32_t*>(perm), words(out), static_cast<size_t>(limbs),
                         static_cast<size_t>(n));
    succeeded(env, ctx, rc, "permute");
}

/**
 * RingBackend.rescale over device polynomials by address: each a[p] has `limbs` limbs, each out[p] one fewer;
 * per ZKC_MAX_POLYS polynomials the launches of one rescale, over the caller's scratch (min(polynomials,
 * ZKC_MAX_POLYS)·limbs·n words).
 */
JNIEXPORT void JNICALL Java_ai_zkllm_fhe_ring_CudaRingBackend_nativePolyRescale(JNIEnv* env, jclass, jlong handle,
                                                                                 jlong table, jlongArray a, jint limbs,
                                                                                 jlongArray s, jlongArray sShoup,
                                                                                 jlongArray out, jlong scratch) {
    zkc_ctx* ctx = contextOf(handle);
    const Table* tab = tableOf(table);
    size_t kept = static_cast<size_t>(limbs) - 1;
    std::vector<uint64_t> scalars;
    if (limbs < 2 || static_cast<size_t>(limbs) > tab->count || !readScalars(env, s, sShoup, kept, scalars)) {
        if (!env->ExceptionCheck()) throwIllegalArgument(env, "rescale needs 2 or more limbs within the table");
        return;
    }
    std::vector<uint64_t*> pa = addresses(env, a), po = addresses(env, out);
    if (pa.size() != po.size() || po.empty()) {
        throwIllegalArgument(env, "an output per polynomial, at least one");
        return;
    }
    int rc = inChunks(po.size(), ZKC_MAX_POLYS, [&](size_t p, size_t polys) {
        return zkc_rescale(ctx, tab->limbs, const_cast<const uint64_t* const*>(&pa[p]), &po[p], scalars.data(),
                           scalars.data() + kept, words(scratch), polys, kept);
    });
    succeeded(env, ctx, rc, "rescale");
}

/** The device tables of one conversion (BasisConverter, in FlatBasis's layout); 0 on failure. */
JNIEXPORT jlong JNICALL Java_ai_zkllm_fhe_ring_CudaRingBackend_nativeCreateBasis(
    JNIEnv* env, jclass, jlong handle, jlongArray fromModuli, jlongArray qHatInverse, jlongArray qHatInverseShoup,
    jlongArray toModuli, jlongArray qHatModP, jlongArray qHatModPShoup) {
    zkc_ctx* ctx = contextOf(handle);
    size_t k = fromModuli == nullptr ? 0 : static_cast<size_t>(env->GetArrayLength(fromModuli));
    size_t m = toModuli == nullptr ? 0 : static_cast<size_t>(env->GetArrayLength(toModuli));
    std::vector<uint64_t> fromTables, toTables, crossTables;
    if (k == 0 || m == 0) {
        throwIllegalArgument(env, "a conversion needs source and target primes");
        return 0;
    }
    if (!gather(env, {fromModuli, qHatInverse, qHatInverseShoup}, k, k, fromTables) ||
        !gather(env, {toModuli}, m, m, toTables) || !gather(env, {qHatModP, qHatModPShoup}, m * k, m * k, crossTables)) {
        return 0;
    }
    zkc_basis* basis = zkc_basis_create(ctx, k, m, &fromTables[0], &fromTables[k], &fromTables[2 * k], &toTables[0],
                                        &crossTables[0], &crossTables[m * k]);
    if (basis == nullptr) succeeded(env, ctx, -1, "basis tables");
    return reinterpret_cast<jlong>(basis);
}

JNIEXPORT void JNICALL Java_ai_zkllm_fhe_ring_CudaRingBackend_nativeDestroyBasis(JNIEnv*, jclass, jlong handle,
                                                                                  jlong basis) {
    zkc_basis_destroy(contextOf(handle), reinterpret_cast<zkc_basis*>(basis));
}

/**
 * The conversion of the k rows of bases[p] at in[p] into rows outLimbs[t] of the polynomial at
 * out[p], for every p: one kernel per ZKC_MAX_POLYS polynomials (and ZKC_MAX_BASES distinct bases).
 */
JNIEXPORT void JNICALL Java_ai_zkllm_fhe_ring_CudaRingBackend_nativePolyConvertBasis(JNIEnv* env, jclass,
                                                                                      jlong handle, jlongArray bases,
                                                                                      jlongArray in, jlongArray out,
                                                                                      jintArray outLimbs, jint n) {
    zkc_ctx* ctx = contextOf(handle);
    std::vector<uint64_t*> basisAddresses = addresses(env, bases), from = addresses(env, in), to = addresses(env, out);
    std::vector<uint32_t> rows = rowIndices(env, outLimbs);
    if (from.size() != to.size() || basisAddresses.size() != to.size()) {
        throwIllegalArgument(env, "as many bases and polynomials in as out");
        return;
    }
    int rc = 0;
    for (size_t p = 0, polys; p < from.size() && rc == 0; p += polys) {
        polys = conversionLaunchPolys(basisAddresses, p);
        std::vector<const uint64_t*> sources(from.begin() + static_cast<long>(p), from.begin() + static_cast<long>(p + polys));
        std::vector<const zkc_basis*> tables;
        for (size_t i = p; i < p + polys; i++) tables.push_back(reinterpret_cast<const zkc_basis*>(basisAddresses[i]));
        rc = zkc_convert_basis(ctx, tables.data(), sources.data(), &to[p], polys, rows.data(), static_cast<size_t>(n));
    }
    succeeded(env, ctx, rc, "basis conversion");
}

/**
 * Key-switching products over `limbs` limbs, reading the digits and the key polynomials where they are
 * held (limb keyLimbs[k] of each key polynomial for limb k): product g sums the terms [starts[g], starts[g + 1])
 * into acc0[g] and acc1[g], its digits read through the device permutation perms[g] (0: none). Any number of
 * products, each of at most ZKC_MAX_DIGITS terms, packed here into the kernel's launches, so that a batch of key
 * switches or product sums is one call.
 */
JNIEXPORT void JNICALL Java_ai_zkllm_fhe_ring_CudaRingBackend_nativePolyKeySwitchProducts(
    JNIEnv* env, jclass, jlong handle, jlong table, jlongArray digits, jlongArray keyB, jlongArray keyA,
    jintArray starts, jintArray keyLimbs, jlongArray perms, jlongArray acc0, jlongArray acc1, jint limbs) {
    zkc_ctx* ctx = contextOf(handle);
    size_t count = static_cast<size_t>(env->GetArrayLength(digits));
    size_t products = static_cast<size_t>(env->GetArrayLength(acc0));
    if (products == 0 || static_cast<size_t>(env->GetArrayLength(keyB)) != count ||
        static_cast<size_t>(env->GetArrayLength(keyA)) != count ||
        static_cast<size_t>(env->GetArrayLength(acc1)) != products ||
        static_cast<size_t>(env->GetArrayLength(perms)) != products ||
        static_cast<size_t>(env->GetArrayLength(starts)) != products + 1 || limbs <= 0 || limbs > ZKC_MAX_SCALAR_LIMBS ||
        env->GetArrayLength(keyLimbs) < limbs) {
        throwIllegalArgument(env, "a start, a permutation and two outputs per product, a key limb per limb (at most 64)");
        return;
    }
    std::vector<jlong> pd(count), pb(count), pa(count), p0(products), p1(products), pp(products);
    std::vector<jint> rows(static_cast<size_t>(limbs)), bounds(products + 1);
    env->GetLongArrayRegion(digits, 0, static_cast<jsize>(count), pd.data());
    env->GetLongArrayRegion(keyB, 0, static_cast<jsize>(count), pb.data());
    env->GetLongArrayRegion(keyA, 0, static_cast<jsize>(count), pa.data());
    env->GetLongArrayRegion(acc0, 0, static_cast<jsize>(products), p0.data());
    env->GetLongArrayRegion(acc1, 0, static_cast<jsize>(products), p1.data());
    env->GetLongArrayRegion(perms, 0, static_cast<jsize>(products), pp.data());
    env->GetIntArrayRegion(starts, 0, static_cast<jsize>(products + 1), bounds.data());
    env->GetIntArrayRegion(keyLimbs, 0, limbs, rows.data());
    bool covered = bounds[0] == 0 && static_cast<size_t>(bounds[products]) == count;
    for (size_t g = 0; g < products && covered; g++) {
        covered = bounds[g] < bounds[g + 1] && bounds[g + 1] - bounds[g] <= ZKC_MAX_DIGITS;
    }
    if (!covered) {
        throwIllegalArgument(env, "the starts must cover the terms, 1 to 64 for each product");
        return;
    }
    int rc = 0;
    for (size_t first = 0, end; first < products && rc == 0; first = end) {
        end = first + productLaunchCount(bounds, first);
        size_t from = static_cast<size_t>(bounds[first]);
        zkc_key_switch ops{};
        ops.count = static_cast<size_t>(bounds[end]) - from;
        for (size_t j = 0; j < ops.count; j++) {
            ops.digits[j] = words(pd[from + j]);
            ops.keyB[j] = words(pb[from + j]);
            ops.keyA[j] = words(pa[from + j]);
        }
        for (jint k = 0; k < limbs; k++) ops.keyLimbs[k] = static_cast<uint32_t>(rows[static_cast<size_t>(k)]);
        zkc_key_switch_outputs outputs{};
        outputs.count = end - first;
        for (size_t g = first; g < end; g++) {
            outputs.acc0[g - first] = words(p0[g]);
            outputs.acc1[g - first] = words(p1[g]);
            outputs.perm[g - first] = reinterpret_cast<const int32_t*>(pp[g]);
        }
        for (size_t g = first; g <= end; g++) outputs.start[g - first] = static_cast<uint32_t>(bounds[g]) - from;
        rc = zkc_key_switch_products(ctx, tableOf(table)->limbs, &ops, &outputs, static_cast<size_t>(limbs));
    }
    succeeded(env, ctx, rc, "key switching product");
}

}  // extern "C"
