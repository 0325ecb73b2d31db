// JNI entry points of ai.zkllm.fhe.ring.NativeRingBackend. The Java side validates sizes with
// precise messages; the checks here are a last guard so that no call can touch memory outside
// the arrays it was given. Arrays are pinned with GetPrimitiveArrayCritical (no copies) and
// no JNI call other than pinning happens while any array is pinned.
#include <jni.h>

#include <initializer_list>
#include <vector>

#include "kernels.hpp"

namespace {

using zkllm::fhe::BasisConversion;
using zkllm::fhe::RingKernels;

bool useAvx2(jboolean vectorized) {
    static const bool cpuHasAvx2 = [] {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") != 0;
    }();
    return vectorized && cpuHasAvx2;
}

const RingKernels& kernelsFor(jboolean vectorized) {
    return useAvx2(vectorized) ? zkllm::fhe::avx2Kernels() : zkllm::fhe::scalarKernels();
}

/** A long[] pinned for the lifetime of this object; data() is null if pinning failed. */
class PinnedLongs {
public:
    PinnedLongs(JNIEnv* env, jlongArray array)
        : env_(env), array_(array),
          data_(static_cast<uint64_t*>(env->GetPrimitiveArrayCritical(array, nullptr))) {}
    PinnedLongs(PinnedLongs&& other) noexcept
        : env_(other.env_), array_(other.array_), data_(other.data_) {
        other.data_ = nullptr;
    }
    PinnedLongs(const PinnedLongs&) = delete;
    PinnedLongs& operator=(const PinnedLongs&) = delete;
    PinnedLongs& operator=(PinnedLongs&&) = delete;
    ~PinnedLongs() {
        if (data_ != nullptr) {
            env_->ReleasePrimitiveArrayCritical(array_, data_, 0);
        }
    }
    uint64_t* data() const { return data_; }

private:
    JNIEnv* env_;
    jlongArray array_;
    uint64_t* data_;
};

void throwIllegalArgument(JNIEnv* env, const char* message) {
    jclass type = env->FindClass("java/lang/IllegalArgumentException");
    if (type != nullptr) {
        env->ThrowNew(type, message);
    }
}

/** True when every array is non-null and holds exactly `length` elements; throws otherwise. */
bool hasLength(JNIEnv* env, jsize length, std::initializer_list<jarray> arrays) {
    for (jarray array : arrays) {
        if (array == nullptr || env->GetArrayLength(array) != length) {
            throwIllegalArgument(env, "native ring kernel: array length mismatch");
            return false;
        }
    }
    return true;
}

bool allPinned(std::initializer_list<const PinnedLongs*> pinned) {
    for (const PinnedLongs* p : pinned) {
        if (p->data() == nullptr) {
            return false;  // OutOfMemoryError is pending
        }
    }
    return true;
}

jsize lengthOf(JNIEnv* env, jarray array) {
    return array == nullptr ? -1 : env->GetArrayLength(array);
}

/** Shared shape of the pointwise kernels a ∘ b -> out. */
template <typename Kernel>
void binary(JNIEnv* env, jlongArray a, jlongArray b, jlongArray out, Kernel kernel) {
    jsize n = lengthOf(env, out);
    if (!hasLength(env, n, {a, b, out})) {
        return;
    }
    PinnedLongs pa(env, a), pb(env, b), po(env, out);
    if (allPinned({&pa, &pb, &po})) {
        kernel(pa.data(), pb.data(), po.data(), static_cast<size_t>(n));
    }
}

/** Shared shape of the kernels a -> out. */
template <typename Kernel>
void unary(JNIEnv* env, jlongArray a, jlongArray out, Kernel kernel) {
    jsize n = lengthOf(env, out);
    if (!hasLength(env, n, {a, out})) {
        return;
    }
    PinnedLongs pa(env, a), po(env, out);
    if (allPinned({&pa, &po})) {
        kernel(pa.data(), po.data(), static_cast<size_t>(n));
    }
}

bool isPowerOfTwo(jsize n) { return n >= 2 && (n & (n - 1)) == 0; }

template <typename Kernel>
void transform(JNIEnv* env, jlongArray a, jlongArray w, jlongArray ws, Kernel kernel) {
    jsize n = lengthOf(env, a);
    if (!isPowerOfTwo(n)) {
        throwIllegalArgument(env, "native NTT: length is not a power of two");
        return;
    }
    if (!hasLength(env, n, {w, ws})) {
        return;
    }
    PinnedLongs pa(env, a), pw(env, w), pws(env, ws);
    if (allPinned({&pa, &pw, &pws})) {
        kernel(pa.data(), static_cast<size_t>(n), pw.data(), pws.data());
    }
}

jint firstIndexOutOfRange(const jint* indices, jsize n, jsize sourceLength) {
    for (jsize i = 0; i < n; i++) {
        // One unsigned comparison also rejects negative indices.
        if (static_cast<uint32_t>(indices[i]) >= static_cast<uint32_t>(sourceLength)) {
            return i;
        }
    }
    return -1;
}

void gather(const uint64_t* source, const jint* indices, uint64_t* out, size_t n) {
    for (size_t i = 0; i < n; i++) {
        out[i] = source[indices[i]];
    }
}

}  // namespace

#define ZKLLM_JNI(returnType, name) JNIEXPORT returnType JNICALL Java_ai_zkllm_fhe_ring_NativeRingBackend_##name

extern "C" {

ZKLLM_JNI(jstring, nativeSimdLevel)(JNIEnv* env, jclass, jboolean vectorized) {
    return env->NewStringUTF(useAvx2(vectorized) ? "avx2" : "scalar");
}

ZKLLM_JNI(void, nativeForwardNtt)(JNIEnv* env, jclass, jlongArray a, jlongArray w, jlongArray ws,
                                 jlong q, jboolean vectorized) {
    transform(env, a, w, ws, [&](uint64_t* pa, size_t n, const uint64_t* pw, const uint64_t* pws) {
        kernelsFor(vectorized).forwardNtt(pa, n, pw, pws, q);
    });
}

ZKLLM_JNI(void, nativeInverseNtt)(JNIEnv* env, jclass, jlongArray a, jlongArray w, jlongArray ws,
                                 jlong q, jlong nInverse, jlong nInverseShoup, jboolean vectorized) {
    transform(env, a, w, ws, [&](uint64_t* pa, size_t n, const uint64_t* pw, const uint64_t* pws) {
        kernelsFor(vectorized).inverseNtt(pa, n, pw, pws, q, nInverse, nInverseShoup);
    });
}

ZKLLM_JNI(void, nativeAdd)(JNIEnv* env, jclass, jlongArray a, jlongArray b, jlongArray out, jlong q,
                          jboolean vectorized) {
    binary(env, a, b, out, [&](const uint64_t* pa, const uint64_t* pb, uint64_t* po, size_t n) {
        kernelsFor(vectorized).add(pa, pb, po, n, q);
    });
}

ZKLLM_JNI(void, nativeSub)(JNIEnv* env, jclass, jlongArray a, jlongArray b, jlongArray out, jlong q,
                          jboolean vectorized) {
    binary(env, a, b, out, [&](const uint64_t* pa, const uint64_t* pb, uint64_t* po, size_t n) {
        kernelsFor(vectorized).sub(pa, pb, po, n, q);
    });
}

ZKLLM_JNI(void, nativeMul)(JNIEnv* env, jclass, jlongArray a, jlongArray b, jlongArray out, jlong q,
                          jboolean vectorized) {
    binary(env, a, b, out, [&](const uint64_t* pa, const uint64_t* pb, uint64_t* po, size_t n) {
        kernelsFor(vectorized).mul(pa, pb, po, n, q);
    });
}

ZKLLM_JNI(void, nativeMulAdd)(JNIEnv* env, jclass, jlongArray a, jlongArray b, jlongArray acc,
                             jlong q, jboolean vectorized) {
    binary(env, a, b, acc, [&](const uint64_t* pa, const uint64_t* pb, uint64_t* pacc, size_t n) {
        kernelsFor(vectorized).mulAdd(pa, pb, pacc, n, q);
    });
}

ZKLLM_JNI(void, nativeSubMulScalar)(JNIEnv* env, jclass, jlongArray a, jlongArray b, jlong s,
                                   jlong sShoup, jlongArray out, jlong q, jboolean vectorized) {
    binary(env, a, b, out, [&](const uint64_t* pa, const uint64_t* pb, uint64_t* po, size_t n) {
        kernelsFor(vectorized).subMulScalar(pa, pb, s, sShoup, po, n, q);
    });
}

ZKLLM_JNI(void, nativeNegate)(JNIEnv* env, jclass, jlongArray a, jlongArray out, jlong q,
                             jboolean vectorized) {
    unary(env, a, out, [&](const uint64_t* pa, uint64_t* po, size_t n) {
        kernelsFor(vectorized).negate(pa, po, n, q);
    });
}

ZKLLM_JNI(void, nativeMulScalar)(JNIEnv* env, jclass, jlongArray a, jlong s, jlong sShoup,
                                jlongArray out, jlong q, jboolean vectorized) {
    unary(env, a, out, [&](const uint64_t* pa, uint64_t* po, size_t n) {
        kernelsFor(vectorized).mulScalar(pa, s, sShoup, po, n, q);
    });
}

ZKLLM_JNI(void, nativeAddScalar)(JNIEnv* env, jclass, jlongArray a, jlong s, jlongArray out, jlong q,
                                jboolean vectorized) {
    unary(env, a, out, [&](const uint64_t* pa, uint64_t* po, size_t n) {
        kernelsFor(vectorized).addScalar(pa, s, po, n, q);
    });
}

/** Returns the first position whose index is out of range, or -1 after permuting. */
ZKLLM_JNI(jint, nativePermute)(JNIEnv* env, jclass, jlongArray a, jintArray perm, jlongArray out) {
    jsize n = lengthOf(env, out);
    jsize sourceLength = lengthOf(env, a);
    if (sourceLength < 0) {
        // -1 would read as "permuted", so a null source must surface as an exception.
        throwIllegalArgument(env, "native permute: source array is null");
        return -1;
    }
    if (!hasLength(env, n, {perm, out})) {
        return -1;
    }
    PinnedLongs pa(env, a), po(env, out);
    auto* indices = static_cast<jint*>(env->GetPrimitiveArrayCritical(perm, nullptr));
    jint badPosition = -1;
    if (indices != nullptr && allPinned({&pa, &po})) {
        badPosition = firstIndexOutOfRange(indices, n, sourceLength);
        if (badPosition < 0) {
            gather(pa.data(), indices, po.data(), static_cast<size_t>(n));
        }
    }
    if (indices != nullptr) {
        env->ReleasePrimitiveArrayCritical(perm, indices, JNI_ABORT);
    }
    return badPosition;
}

ZKLLM_JNI(void, nativeConvertBasis)(JNIEnv* env, jclass, jobjectArray in, jobjectArray out,
                                   jlongArray fromModuli, jlongArray qHatInverse,
                                   jlongArray qHatInverseShoup, jlongArray toModuli,
                                   jlongArray qHatModP, jlongArray qHatModPShoup,
                                   jboolean vectorized) {
    jsize k = lengthOf(env, in);
    jsize m = lengthOf(env, out);
    if (k < 1 || m < 0 || static_cast<jlong>(k) * m > 0x7fffffff) {
        throwIllegalArgument(env, "native basis conversion: bad limb counts");
        return;
    }
    if (!hasLength(env, k, {fromModuli, qHatInverse, qHatInverseShoup}) ||
        !hasLength(env, m, {toModuli}) || !hasLength(env, k * m, {qHatModP, qHatModPShoup}) ||
        env->EnsureLocalCapacity(k + m) != JNI_OK) {
        return;
    }
    std::vector<jlongArray> limbs;
    for (jsize i = 0; i < k + m; i++) {
        jobject limb = env->GetObjectArrayElement(i < k ? in : out, i < k ? i : i - k);
        limbs.push_back(static_cast<jlongArray>(limb));
    }
    jsize n = lengthOf(env, limbs[0]);
    for (jlongArray limb : limbs) {
        if (!hasLength(env, n, {limb})) {
            return;
        }
    }
    std::vector<uint64_t> scratch(static_cast<size_t>(k) * zkllm::fhe::kBasisBlock);
    std::vector<PinnedLongs> pinned;
    pinned.reserve(limbs.size() + 6);
    for (jlongArray array : limbs) {
        pinned.emplace_back(env, array);
    }
    for (jlongArray array : {fromModuli, qHatInverse, qHatInverseShoup, toModuli, qHatModP, qHatModPShoup}) {
        pinned.emplace_back(env, array);
    }
    std::vector<uint64_t*> rows;
    for (const PinnedLongs& p : pinned) {
        if (p.data() == nullptr) {
            return;
        }
        rows.push_back(p.data());
    }
    const uint64_t* const* constants = rows.data() + k + m;
    BasisConversion conversion{static_cast<size_t>(k), static_cast<size_t>(m),
                               constants[0], constants[1], constants[2],
                               constants[3], constants[4], constants[5]};
    kernelsFor(vectorized).convertBasis(rows.data(), rows.data() + k, 0, static_cast<size_t>(n),
                                        conversion, scratch.data());
}


ZKLLM_JNI(jboolean, nativeAesNi)(JNIEnv*, jclass) {
    return zkllm::fhe::cpuHasAesNi() ? JNI_TRUE : JNI_FALSE;
}

namespace {

/** Copies a 32-byte key and a 16-byte counter block; false (with an exception) on bad sizes. */
bool readKeyAndCounter(JNIEnv* env, jbyteArray key, jbyteArray counter, uint8_t* key32, uint8_t* counter16) {
    if (key == nullptr || counter == nullptr || env->GetArrayLength(key) != 32 || env->GetArrayLength(counter) != 16) {
        throwIllegalArgument(env, "AES-256-CTR: need a 32-byte key and a 16-byte counter block");
        return false;
    }
    if (!zkllm::fhe::cpuHasAesNi()) {
        throwIllegalArgument(env, "AES-256-CTR: this CPU has no AES-NI");
        return false;
    }
    env->GetByteArrayRegion(key, 0, 32, reinterpret_cast<jbyte*>(key32));
    env->GetByteArrayRegion(counter, 0, 16, reinterpret_cast<jbyte*>(counter16));
    return true;
}

}  // namespace

ZKLLM_JNI(void, nativeAesCtr)(JNIEnv* env, jclass, jbyteArray key, jbyteArray counter, jbyteArray out) {
    uint8_t key32[32], counter16[16];
    if (out == nullptr || env->GetArrayLength(out) % 16 != 0) {
        throwIllegalArgument(env, "AES-256-CTR: output length must be a multiple of 16");
        return;
    }
    if (!readKeyAndCounter(env, key, counter, key32, counter16)) {
        return;
    }
    zkllm::fhe::AesCtr stream(key32, counter16);
    jsize length = env->GetArrayLength(out);
    auto* data = static_cast<uint8_t*>(env->GetPrimitiveArrayCritical(out, nullptr));
    if (data != nullptr) {
        stream.generate(data, static_cast<size_t>(length) / 16);
        env->ReleasePrimitiveArrayCritical(out, data, 0);
    }
}

ZKLLM_JNI(void, nativeSampleUniform)(JNIEnv* env, jclass, jbyteArray key, jbyteArray counter, jlong q,
                                    jlongArray out) {
    uint8_t key32[32], counter16[16];
    if (q < 3 || q >= (jlong{1} << 31) || out == nullptr) {
        throwIllegalArgument(env, "uniform sampling: modulus outside [3, 2^31)");
        return;
    }
    if (!readKeyAndCounter(env, key, counter, key32, counter16)) {
        return;
    }
    jsize n = env->GetArrayLength(out);
    PinnedLongs po(env, out);
    if (po.data() != nullptr) {
        zkllm::fhe::sampleUniform(key32, counter16, static_cast<uint64_t>(q), po.data(), static_cast<size_t>(n));
    }
}


/** out = (a - NTT(c(top) mod q)) · s mod q: one limb of rescaling, in one crossing. */
ZKLLM_JNI(void, nativeRescaleLimb)(JNIEnv* env, jclass, jlongArray a, jlongArray top, jlong t, jlongArray w,
                                  jlongArray ws, jlong q, jlong s, jlong sShoup, jlongArray out,
                                  jboolean vectorized) {
    jsize n = lengthOf(env, out);
    if (!isPowerOfTwo(n) || !hasLength(env, n, {a, top, w, ws, out})) {
        if (!env->ExceptionCheck()) {
            throwIllegalArgument(env, "native rescale: length is not a power of two");
        }
        return;
    }
    thread_local std::vector<uint64_t> scratch;
    if (scratch.size() < static_cast<size_t>(n)) {
        scratch.resize(static_cast<size_t>(n));
    }
    const RingKernels& kernels = kernelsFor(vectorized);
    PinnedLongs pa(env, a), ptop(env, top), pw(env, w), pws(env, ws), po(env, out);
    if (allPinned({&pa, &ptop, &pw, &pws, &po})) {
        size_t count = static_cast<size_t>(n);
        uint64_t* lifted = scratch.data();
        kernels.liftCentered(ptop.data(), static_cast<uint64_t>(t), lifted, count, q);
        kernels.forwardNtt(lifted, count, pw.data(), pws.data(), q);
        kernels.subMulScalar(pa.data(), lifted, s, sShoup, po.data(), count, q);
    }
}


/** Returns -1 after computing, or the first out-of-range permutation position (nothing written). */
ZKLLM_JNI(jint, nativeKeySwitchProduct)(JNIEnv* env, jclass, jobjectArray digits, jobjectArray keyB,
                                       jobjectArray keyA, jintArray perm, jlongArray acc0, jlongArray acc1,
                                       jlong q, jboolean vectorized) {
    jsize count = lengthOf(env, digits);
    jsize n = lengthOf(env, acc0);
    if (count < 1 || lengthOf(env, keyB) != count || lengthOf(env, keyA) != count ||
        !hasLength(env, n, {acc0, acc1}) || (perm != nullptr && !hasLength(env, n, {perm})) ||
        env->EnsureLocalCapacity(3 * count) != JNI_OK) {
        if (!env->ExceptionCheck()) {
            throwIllegalArgument(env, "native key switching product: bad sizes");
        }
        return -1;
    }
    std::vector<jlongArray> arrays;
    for (jobjectArray group : {digits, keyB, keyA}) {
        for (jsize j = 0; j < count; j++) {
            auto limb = static_cast<jlongArray>(env->GetObjectArrayElement(group, j));
            if (!hasLength(env, n, {limb})) {
                return -1;
            }
            arrays.push_back(limb);
        }
    }
    std::vector<PinnedLongs> pinned;
    pinned.reserve(arrays.size() + 2);
    for (jlongArray array : arrays) {
        pinned.emplace_back(env, array);
    }
    pinned.emplace_back(env, acc0);
    pinned.emplace_back(env, acc1);
    std::vector<const uint64_t*> rows;
    for (const PinnedLongs& p : pinned) {
        if (p.data() == nullptr) {
            return -1;
        }
        rows.push_back(p.data());
    }
    jint* indices = nullptr;
    if (perm != nullptr) {
        indices = static_cast<jint*>(env->GetPrimitiveArrayCritical(perm, nullptr));
        if (indices == nullptr) {
            return -1;
        }
        jint bad = firstIndexOutOfRange(indices, n, n);
        if (bad >= 0) {
            env->ReleasePrimitiveArrayCritical(perm, indices, JNI_ABORT);
            return bad;
        }
    }
    size_t c = static_cast<size_t>(count);
    kernelsFor(vectorized).keySwitchProduct(rows.data(), rows.data() + c, rows.data() + 2 * c, c,
                                            reinterpret_cast<const int32_t*>(indices),
                                            pinned[3 * c].data(), pinned[3 * c + 1].data(),
                                            static_cast<size_t>(n), static_cast<uint64_t>(q));
    if (indices != nullptr) {
        env->ReleasePrimitiveArrayCritical(perm, indices, JNI_ABORT);
    }
    return -1;
}

}  // extern "C"
