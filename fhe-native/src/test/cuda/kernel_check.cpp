// Checks the kernels behind zkllm_cuda.h against the CPU kernels of src/main/cpp, bit for bit.
//
// Linked two ways (CMakeLists.txt):
//   zkllm_cuda_hostcheck  with host_emulation.cpp: the kernels' per-thread code run on the CPU
//                         (g++, no GPU); the Maven test CudaHostEmulationTest runs it.
//   zkllm_cuda_check      with libzkllm_cuda.so: the same checks on the GPU, plus a random chain
//                         of kernels and per-operation timings against the single-thread CPU
//                         kernels (src/test/device/run.sh runs it on the device machine).
//
// Usage: <exe> [--quick] [--bench] [--json FILE]. Exit status 0 when every check passed.
#include "kernels.hpp"
#include "zkllm_cuda.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

using zkllm::fhe::RingKernels;
using Words = std::vector<uint64_t>;

namespace {

// ---- parameters (primes, NTT tables, basis constants), from the algorithms -------------------

uint64_t mulMod(uint64_t a, uint64_t b, uint64_t m) { return static_cast<uint64_t>((unsigned __int128)a * b % m); }

uint64_t powMod(uint64_t b, uint64_t e, uint64_t m) {
    uint64_t r = 1 % m;
    b %= m;
    for (; e; e >>= 1, b = mulMod(b, b, m)) if (e & 1) r = mulMod(r, b, m);
    return r;
}

bool isPrime(uint64_t n) {
    if (n < 2) return false;
    for (uint64_t p : {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37}) {
        if (n % p == 0) return n == p;
    }
    uint64_t d = n - 1;
    int s = 0;
    while ((d & 1) == 0) d >>= 1, s++;
    for (uint64_t a : {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37}) {
        uint64_t x = powMod(a, d, n);
        if (x == 1 || x == n - 1) continue;
        bool composite = true;
        for (int r = 1; r < s && composite; r++) {
            x = mulMod(x, x, n);
            if (x == n - 1) composite = false;
        }
        if (composite) return false;
    }
    return true;
}

/** Primes below 2^bits, ≡ 1 mod 2^(logM + 1), largest first, not in `taken`. */
uint64_t nttPrime(unsigned bits, unsigned logN, std::vector<uint64_t>& taken) {
    uint64_t step = uint64_t{2} << logN;
    for (uint64_t c = ((uint64_t{1} << bits) - 1) / step * step + 1; c > (uint64_t{1} << (bits - 1)); c -= step) {
        if (isPrime(c) && std::find(taken.begin(), taken.end(), c) == taken.end()) {
            taken.push_back(c);
            return c;
        }
    }
    std::fprintf(stderr, "no prime\n");
    std::exit(2);
}

uint64_t smallestGenerator(uint64_t q) {
    std::vector<uint64_t> factors;
    uint64_t m = q - 1;
    for (uint64_t p = 2; p * p <= m; p++) {
        if (m % p == 0) {
            factors.push_back(p);
            while (m % p == 0) m /= p;
        }
    }
    if (m > 1) factors.push_back(m);
    for (uint64_t g = 2;; g++) {
        bool ok = true;
        for (uint64_t f : factors) ok = ok && powMod(g, (q - 1) / f, q) != 1;
        if (ok) return g;
    }
}

uint64_t shoup(uint64_t w, uint64_t q) { return (w << 32) / q; }
uint64_t inverse(uint64_t a, uint64_t q) { return powMod(a, q - 2, q); }

unsigned bitReverse(size_t x, unsigned bits) {
    unsigned r = 0;
    for (unsigned b = 0; b < bits; b++) r |= ((x >> b) & 1u) << (bits - 1 - b);
    return static_cast<unsigned>(r);
}

/** NttTable's arrays for several primes, row per limb. */
struct Tables {
    size_t n;
    unsigned logN;
    Words q, psi, psiShoup, inversePsi, inversePsiShoup, nInverse, nInverseShoup;
};

Tables makeTables(const std::vector<uint64_t>& primes, size_t n) {
    Tables t{n, 0, primes, {}, {}, {}, {}, {}, {}};
    while ((size_t{1} << t.logN) < n) t.logN++;
    size_t L = primes.size();
    t.psi.resize(L * n), t.psiShoup.resize(L * n), t.inversePsi.resize(L * n), t.inversePsiShoup.resize(L * n);
    for (size_t l = 0; l < L; l++) {
        uint64_t q = primes[l];
        uint64_t psi = powMod(smallestGenerator(q), (q - 1) / (2 * n), q);
        uint64_t psiInv = inverse(psi, q);
        uint64_t p = 1, pi = 1;
        for (size_t i = 0; i < n; i++) {
            size_t r = l * n + bitReverse(i, t.logN);
            t.psi[r] = p, t.psiShoup[r] = shoup(p, q);
            t.inversePsi[r] = pi, t.inversePsiShoup[r] = shoup(pi, q);
            p = mulMod(p, psi, q), pi = mulMod(pi, psiInv, q);
        }
        uint64_t ni = inverse(n % q, q);
        t.nInverse.push_back(ni), t.nInverseShoup.push_back(shoup(ni, q));
    }
    return t;
}

/** BasisConverter's constants, qHatModP row j column i. */
struct Basis {
    Words from, to, qHatInverse, qHatInverseShoup, qHatModP, qHatModPShoup;
};

Basis makeBasis(const Words& from, const Words& to) {
    Basis b{from, to, {}, {}, {}, {}};
    size_t k = from.size();
    for (size_t i = 0; i < k; i++) {
        uint64_t hat = 1;
        for (size_t l = 0; l < k; l++) if (l != i) hat = mulMod(hat, from[l] % from[i], from[i]);
        b.qHatInverse.push_back(inverse(hat, from[i]));
        b.qHatInverseShoup.push_back(shoup(b.qHatInverse.back(), from[i]));
    }
    for (uint64_t p : to) {
        for (size_t i = 0; i < k; i++) {
            uint64_t hat = 1;
            for (size_t l = 0; l < k; l++) if (l != i) hat = mulMod(hat, from[l] % p, p);
            b.qHatModP.push_back(hat);
            b.qHatModPShoup.push_back(shoup(hat, p));
        }
    }
    return b;
}

uint64_t rngState = 0x9e3779b97f4a7c15ULL;
uint64_t next() {
    uint64_t z = (rngState += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/** polys × limbs × n residues, limb l mod q[l]. */
Words randomPolys(size_t polys, const Words& q, size_t n) {
    Words v(polys * q.size() * n);
    for (size_t p = 0; p < polys; p++)
        for (size_t l = 0; l < q.size(); l++)
            for (size_t i = 0; i < n; i++) v[(p * q.size() + l) * n + i] = next() % q[l];
    return v;
}

std::vector<int32_t> randomPermutation(size_t n) {
    std::vector<int32_t> perm(n);
    for (size_t i = 0; i < n; i++) perm[i] = static_cast<int32_t>(i);
    for (size_t i = n - 1; i > 0; i--) std::swap(perm[i], perm[next() % (i + 1)]);
    return perm;
}

// ---- device-side helpers ---------------------------------------------------------------------

zkc_ctx* ctx = nullptr;

struct Dev {
    uint64_t* p = nullptr;
    size_t words = 0;
    explicit Dev(size_t w) : p(zkc_alloc(ctx, w)), words(w) {
        if (p == nullptr) { std::fprintf(stderr, "alloc failed: %s\n", zkc_last_error(ctx)); std::exit(2); }
    }
    explicit Dev(const Words& h) : Dev(h.size()) { zkc_upload(ctx, p, h.data(), h.size()); }
    ~Dev() { zkc_free(ctx, p); }
    Dev(const Dev&) = delete;
    Words get() const {
        Words h(words);
        if (zkc_sync(ctx) != 0) std::fprintf(stderr, "kernel error: %s\n", zkc_last_error(ctx));
        zkc_download(ctx, h.data(), p, words);
        return h;
    }
    void put(const Words& h) { zkc_upload(ctx, p, h.data(), h.size()); }
    /** The first `count` words. */
    Words first(size_t count) const {
        Words h = get();
        h.resize(count);
        return h;
    }
};

zkc_limbs* upload(const Tables& t) {
    return zkc_limbs_create(ctx, t.q.size(), t.n, t.q.data(), t.psi.data(), t.psiShoup.data(), t.inversePsi.data(),
                            t.inversePsiShoup.data(), t.nInverse.data(), t.nInverseShoup.data());
}

zkc_basis* upload(const Basis& b) {
    return zkc_basis_create(ctx, b.from.size(), b.to.size(), b.from.data(), b.qHatInverse.data(),
                            b.qHatInverseShoup.data(), b.to.data(), b.qHatModP.data(), b.qHatModPShoup.data());
}

// ---- CPU reference over batches (the RingKernels of src/main/cpp) ---------------------------

const RingKernels* cpu = nullptr;

void cpuForward(Words& a, const Tables& t, size_t polys, size_t limbs) {
    for (size_t p = 0; p < polys; p++)
        for (size_t l = 0; l < limbs; l++)
            cpu->forwardNtt(&a[(p * limbs + l) * t.n], t.n, &t.psi[l * t.n], &t.psiShoup[l * t.n], t.q[l]);
}

void cpuInverse(Words& a, const Tables& t, size_t polys, size_t limbs) {
    for (size_t p = 0; p < polys; p++)
        for (size_t l = 0; l < limbs; l++)
            cpu->inverseNtt(&a[(p * limbs + l) * t.n], t.n, &t.inversePsi[l * t.n], &t.inversePsiShoup[l * t.n], t.q[l],
                            t.nInverse[l], t.nInverseShoup[l]);
}

template <class F>
void eachRow(size_t polys, size_t limbs, size_t n, F f) {
    for (size_t p = 0; p < polys; p++)
        for (size_t l = 0; l < limbs; l++) f((p * limbs + l) * n, l);
}

void cpuConvert(const Words& in, Words& out, const Basis& b, size_t polys, size_t n) {
    size_t k = b.from.size(), m = b.to.size();
    zkllm::fhe::BasisConversion c{k, m, b.from.data(), b.qHatInverse.data(), b.qHatInverseShoup.data(),
                                  b.to.data(), b.qHatModP.data(), b.qHatModPShoup.data()};
    Words scratch(k * zkllm::fhe::kBasisBlock);
    for (size_t p = 0; p < polys; p++) {
        std::vector<const uint64_t*> ins(k);
        std::vector<uint64_t*> outs(m);
        for (size_t i = 0; i < k; i++) ins[i] = &in[(p * k + i) * n];
        for (size_t j = 0; j < m; j++) outs[j] = &out[(p * m + j) * n];
        cpu->convertBasis(ins.data(), outs.data(), 0, n, c, scratch.data());
    }
}

/** The conversion of in [polys][k][n] to out [polys][m][n], one call per poly (rows 0..m-1 of each). */
void deviceConvert(const zkc_basis* basis, const uint64_t* in, uint64_t* out, size_t polys, size_t k, size_t m,
                   size_t n) {
    for (size_t p = 0; p < polys; p++) {
        const uint64_t* from = in + p * k * n;
        uint64_t* to = out + p * m * n;
        zkc_convert_basis(ctx, &basis, &from, &to, 1, nullptr, n);
    }
}

/**
 * The key-switching product of digits [polys][count][limbs][n] against keys [count][keyRows][n]
 * whose row map[l] pairs with limb l, into acc0/acc1 [polys][limbs][n].
 */
void cpuKeySwitch(const Words& digits, const Words& keyB, const Words& keyA, size_t count, size_t keyRows,
                  const std::vector<uint32_t>& map, const int32_t* const* perms, Words& acc0, Words& acc1,
                  const Tables& t, size_t polys, size_t limbs) {
    size_t n = t.n;
    for (size_t p = 0; p < polys; p++)
        for (size_t l = 0; l < limbs; l++) {
            std::vector<const uint64_t*> d(count), b(count), a(count);
            for (size_t j = 0; j < count; j++) {
                d[j] = &digits[((p * count + j) * limbs + l) * n];
                b[j] = &keyB[(j * keyRows + map[l]) * n];
                a[j] = &keyA[(j * keyRows + map[l]) * n];
            }
            cpu->keySwitchProduct(d.data(), b.data(), a.data(), count, perms[p], &acc0[(p * limbs + l) * n],
                                  &acc1[(p * limbs + l) * n], n, t.q[l]);
        }
}

/** The identity map of `limbs` key rows. */
std::vector<uint32_t> identityRows(size_t limbs) {
    std::vector<uint32_t> map(limbs);
    for (size_t l = 0; l < limbs; l++) map[l] = static_cast<uint32_t>(l);
    return map;
}

/**
 * cpuKeySwitch's product on the device, the operands read in place, poly p's digits through perms[p] (device
 * permutations): the polys' products in one zkc_key_switch_products per ZKC_MAX_PRODUCTS, or one launch per
 * poly when `apart`.
 */
int deviceKeySwitch(const zkc_limbs* set, const uint64_t* digits, const uint64_t* keyB, const uint64_t* keyA,
                    size_t count, size_t keyRows, const std::vector<uint32_t>& map, const int32_t* const* perms,
                    uint64_t* acc0, uint64_t* acc1, size_t polys, size_t limbs, size_t n, bool apart = false) {
    for (size_t first = 0, products = 0; first < polys; first += products) {
        products = apart ? 1 : std::min<size_t>(polys - first, ZKC_MAX_PRODUCTS);
        zkc_key_switch ops{};
        zkc_key_switch_outputs outputs{};
        ops.count = products * count;
        outputs.count = products;
        for (size_t l = 0; l < limbs; l++) ops.keyLimbs[l] = map[l];
        for (size_t g = 0; g < products; g++) {
            size_t p = first + g;
            for (size_t j = 0; j < count; j++) {
                ops.digits[g * count + j] = digits + (p * count + j) * limbs * n;
                ops.keyB[g * count + j] = keyB + j * keyRows * n;
                ops.keyA[g * count + j] = keyA + j * keyRows * n;
            }
            outputs.start[g + 1] = static_cast<uint32_t>((g + 1) * count);
            outputs.acc0[g] = acc0 + p * limbs * n;
            outputs.acc1[g] = acc1 + p * limbs * n;
            outputs.perm[g] = perms[p];
        }
        int rc = zkc_key_switch_products(ctx, set, &ops, &outputs, limbs);
        if (rc != 0) return rc;
    }
    return 0;
}

/** rescale of [polys][limbs + 1][n] (NTT form; the top limb's prime is `top`, table row `limbs`) to [polys][limbs][n]. */
void cpuRescale(const Words& a, Words& out, const Tables& t, uint64_t top, const Words& s, const Words& sShoup,
                size_t polys, size_t limbs) {
    size_t n = t.n;
    Words coefficients(n), lifted(n);
    for (size_t p = 0; p < polys; p++) {
        std::memcpy(coefficients.data(), &a[(p * (limbs + 1) + limbs) * n], n * 8);
        cpu->inverseNtt(coefficients.data(), n, &t.inversePsi[limbs * n], &t.inversePsiShoup[limbs * n], top,
                        t.nInverse[limbs], t.nInverseShoup[limbs]);
        for (size_t l = 0; l < limbs; l++) {
            cpu->liftCentered(coefficients.data(), top, lifted.data(), n, t.q[l]);
            cpu->forwardNtt(lifted.data(), n, &t.psi[l * n], &t.psiShoup[l * n], t.q[l]);
            cpu->subMulScalar(&a[(p * (limbs + 1) + l) * n], lifted.data(), s[l], sShoup[l], &out[(p * limbs + l) * n],
                              n, t.q[l]);
        }
    }
}

// ---- the checks ------------------------------------------------------------------------------

struct Result {
    std::string name;
    bool pass;
    size_t words;
};
std::vector<Result> results;

bool expectSame(const std::string& name, const Words& cpuOut, const Words& devOut) {
    bool same = cpuOut.size() == devOut.size() && std::memcmp(cpuOut.data(), devOut.data(), cpuOut.size() * 8) == 0;
    size_t first = 0;
    if (!same) {
        while (first < cpuOut.size() && first < devOut.size() && cpuOut[first] == devOut[first]) first++;
        std::printf("FAIL %s: first difference at word %zu (cpu %llu, kernel %llu)\n", name.c_str(), first,
                    first < cpuOut.size() ? (unsigned long long)cpuOut[first] : 0ULL,
                    first < devOut.size() ? (unsigned long long)devOut[first] : 0ULL);
    }
    results.push_back({name, same, cpuOut.size()});
    return same;
}

std::string tag(const char* op, size_t n, size_t polys, size_t limbs) {
    char buf[128];
    std::snprintf(buf, sizeof buf, "%s n=%zu polys=%zu limbs=%zu", op, n, polys, limbs);
    return buf;
}

void checkRing(const std::vector<uint64_t>& primes, size_t n, size_t polys, size_t limbs) {
    Words q(primes.begin(), primes.begin() + static_cast<long>(limbs) + 1);
    Tables t = makeTables(q, n);
    zkc_limbs* set = upload(t);
    Words qa(q.begin(), q.begin() + static_cast<long>(limbs));
    Words a = randomPolys(polys, qa, n), b = randomPolys(polys, qa, n), c = randomPolys(polys, qa, n);
    size_t words = a.size();
    Dev da(a), db(b), dout(words);

    Words ref = a;
    cpuForward(ref, t, polys, limbs);
    uint64_t launchesBefore = zkc_launches(ctx);
    zkc_ntt_forward(ctx, set, da.p, polys, limbs);
    uint64_t nttLaunches = zkc_launches(ctx) - launchesBefore;
    expectSame(tag("ntt", n, polys, limbs), ref, da.get());
    // one launch per two stages above the 2048-word tile (and one for an odd stage left), one for the tile
    // kernel: what a model's count multiplies
    uint64_t globalStages = t.logN > 11 ? t.logN - 11 : 0;
    expectSame(tag("launches(ntt)", n, polys, limbs), {(globalStages + 1) / 2 + 1}, {nttLaunches});
    cpuInverse(ref, t, polys, limbs);
    zkc_ntt_inverse(ctx, set, da.p, polys, limbs);
    expectSame(tag("inverseNtt", n, polys, limbs), ref, da.get());
    expectSame(tag("inverseNtt(ntt(a)) == a", n, polys, limbs), a, ref);
    {  // listed rows of each poly of the batch, neither contiguous nor in order, each with its row of the table;
       // the polys listed last first (they need not be in memory order either)
        std::vector<uint32_t> rows = {static_cast<uint32_t>(limbs - 1), 0};
        Words forward = b;
        for (size_t p = 0; p < polys; p++) {
            for (uint32_t r : rows) {
                size_t at = (p * limbs + r) * n;
                cpu->forwardNtt(&forward[at], n, &t.psi[r * n], &t.psiShoup[r * n], q[r]);
            }
        }
        Dev drows(b);
        std::vector<uint64_t*> listed;
        for (size_t p = polys; p-- > 0;) listed.push_back(drows.p + p * limbs * n);
        uint64_t before = zkc_launches(ctx);
        zkc_ntt_forward_rows(ctx, set, listed.data(), polys, rows.data(), rows.size());
        expectSame(tag("launches(ntt(rows))", n, polys, limbs), {nttLaunches}, {zkc_launches(ctx) - before});
        expectSame(tag("ntt(rows last, 0)", n, polys, limbs), forward, drows.get());
        zkc_ntt_inverse_rows(ctx, set, nullptr, listed.data(), polys, rows.data(), rows.size());
        expectSame(tag("inverseNtt(ntt(rows last, 0))", n, polys, limbs), b, drows.get());
        // out of place: from the NTT form into other polynomials, whose unlisted rows keep their words
        zkc_ntt_forward_rows(ctx, set, listed.data(), polys, rows.data(), rows.size());
        Words zeros(b.size()), expected(b.size());
        Dev dto(zeros);
        std::vector<const uint64_t*> sources(listed.begin(), listed.end());
        std::vector<uint64_t*> targets;
        for (size_t p = polys; p-- > 0;) {
            targets.push_back(dto.p + p * limbs * n);
            for (uint32_t r : rows) std::memcpy(&expected[(p * limbs + r) * n], &b[(p * limbs + r) * n], n * 8);
        }
        before = zkc_launches(ctx);
        zkc_ntt_inverse_rows(ctx, set, sources.data(), targets.data(), polys, rows.data(), rows.size());
        expectSame(tag("launches(inverseNtt(rows, out of place))", n, polys, limbs), {nttLaunches},
                   {zkc_launches(ctx) - before});
        expectSame(tag("inverseNtt(rows, out of place)", n, polys, limbs), expected, dto.get());
        expectSame(tag("inverseNtt(rows, out of place) leaves its source", n, polys, limbs), forward, drows.get());
    }
    Words brt = b;
    cpuInverse(brt, t, polys, limbs);  // inverse of an arbitrary (non-NTT-image) input
    Dev dbrt(b);
    zkc_ntt_inverse(ctx, set, dbrt.p, polys, limbs);
    expectSame(tag("inverseNtt(random)", n, polys, limbs), brt, dbrt.get());

    {  // rows of signed coefficients below 2^62 in magnitude, the edges among them, to residues of every limb of
       // each poly (the outputs by address, listed last first)
        Words signedWords(polys * n);
        const int64_t edges[] = {0, 1, -1, (int64_t{1} << 62) - 1, -((int64_t{1} << 62) - 1), 1LL << 31, -(1LL << 31)};
        for (size_t k = 0; k < polys * n; k++) {
            int64_t v = k % n < 7 ? edges[k % n] : static_cast<int64_t>(next() >> 2) * ((next() & 1) ? 1 : -1);
            signedWords[k] = static_cast<uint64_t>(v);
        }
        Words expected(words);
        for (size_t p = 0; p < polys; p++) {
            for (size_t l = 0; l < limbs; l++) {
                for (size_t k = 0; k < n; k++) {
                    int64_t r = static_cast<int64_t>(signedWords[p * n + k]) % static_cast<int64_t>(q[l]);
                    expected[(p * limbs + l) * n + k] = static_cast<uint64_t>(r < 0 ? r + static_cast<int64_t>(q[l]) : r);
                }
            }
        }
        std::vector<uint64_t*> outs;
        for (size_t p = polys; p-- > 0;) outs.push_back(dout.p + p * limbs * n);
        Words reordered;  // the rows in the outputs' order
        for (size_t p = polys; p-- > 0;) reordered.insert(reordered.end(), &signedWords[p * n], &signedWords[(p + 1) * n]);
        Dev dr(reordered);
        zkc_from_signed(ctx, set, reinterpret_cast<const int64_t*>(dr.p), outs.data(), polys, limbs);
        expectSame(tag("fromSigned", n, polys, limbs), expected, dout.get());
    }

    Words out(words), s(limbs), sShoup(limbs);
    for (size_t l = 0; l < limbs; l++) s[l] = next() % q[l], sShoup[l] = shoup(s[l], q[l]);
    auto check = [&](const char* op, const std::function<void(size_t, size_t)>& cpuRow,
                     const std::function<void()>& dev) {
        eachRow(polys, limbs, n, cpuRow);
        dev();
        expectSame(tag(op, n, polys, limbs), out, dout.get());
    };
    check("add", [&](size_t r, size_t l) { cpu->add(&a[r], &b[r], &out[r], n, q[l]); },
          [&] { zkc_add(ctx, set, da.p, db.p, dout.p, polys, limbs); });
    check("sub", [&](size_t r, size_t l) { cpu->sub(&a[r], &b[r], &out[r], n, q[l]); },
          [&] { zkc_sub(ctx, set, da.p, db.p, dout.p, polys, limbs); });
    check("negate", [&](size_t r, size_t l) { cpu->negate(&a[r], &out[r], n, q[l]); },
          [&] { zkc_negate(ctx, set, da.p, dout.p, polys, limbs); });
    check("mul", [&](size_t r, size_t l) { cpu->mul(&a[r], &b[r], &out[r], n, q[l]); },
          [&] { zkc_mul(ctx, set, da.p, db.p, dout.p, polys, limbs); });
    out = c;
    dout.put(c);
    check("mulAdd", [&](size_t r, size_t l) { cpu->mulAdd(&a[r], &b[r], &out[r], n, q[l]); },
          [&] { zkc_mul_add(ctx, set, da.p, db.p, dout.p, polys, limbs); });
    check("mulScalar", [&](size_t r, size_t l) { cpu->mulScalar(&a[r], s[l], sShoup[l], &out[r], n, q[l]); },
          [&] { zkc_mul_scalar(ctx, set, da.p, s.data(), sShoup.data(), dout.p, polys, limbs); });
    check("addScalar", [&](size_t r, size_t l) { cpu->addScalar(&a[r], s[l], &out[r], n, q[l]); },
          [&] { zkc_add_scalar(ctx, set, da.p, s.data(), dout.p, polys, limbs); });
    check("subMulScalar",
          [&](size_t r, size_t l) { cpu->subMulScalar(&a[r], &b[r], s[l], sShoup[l], &out[r], n, q[l]); },
          [&] { zkc_sub_mul_scalar(ctx, set, da.p, db.p, s.data(), sShoup.data(), dout.p, polys, limbs); });
    for (int permuted = 0; permuted < 2; permuted++) {  // the same with an addend for every poly but poly 1 (each
                                                       // permuted by one of two permutations, alternating, or none),
                                                       // every poly by address (listed last first)
        std::vector<int32_t> addendPerms[2] = {randomPermutation(n), randomPermutation(n)};
        int32_t* daddendPerms[2] = {zkc_upload_permutation(ctx, addendPerms[0].data(), n),
                                    zkc_upload_permutation(ctx, addendPerms[1].data(), n)};
        Dev dc(c);
        std::vector<const uint64_t*> pa, pb, pc;
        std::vector<const int32_t*> pp;
        std::vector<uint64_t*> po;
        for (size_t p = polys; p-- > 0;) {
            size_t at = p * limbs * n;
            pa.push_back(da.p + at), pb.push_back(db.p + at), po.push_back(dout.p + at);
            pc.push_back(p == 1 ? nullptr : dc.p + at);
            pp.push_back(daddendPerms[p % 2]);
        }
        check(permuted ? "subMulScalarAdd(perms)" : "subMulScalarAdd",
              [&](size_t r, size_t l) {
                  size_t p = r / (limbs * n);
                  cpu->subMulScalar(&a[r], &b[r], s[l], sShoup[l], &out[r], n, q[l]);
                  Words addend(n);
                  for (size_t i = 0; i < n; i++) addend[i] = c[r + (permuted ? addendPerms[p % 2][i] : i)];
                  if (p != 1) cpu->add(&out[r], addend.data(), &out[r], n, q[l]);
              },
              [&] {
                  zkc_sub_mul_scalar_add(ctx, set, pa.data(), pb.data(), pc.data(), permuted ? pp.data() : nullptr,
                                         s.data(), sShoup.data(), po.data(), polys, limbs);
              });
        zkc_free(ctx, daddendPerms[0]);
        zkc_free(ctx, daddendPerms[1]);
    }
    // Every pointwise kernel over the batch's polys by address (listed last first) against its contiguous
    // form above (itself checked against the CPU), in one launch each.
    for (int op = ZKC_ADD; op <= ZKC_SUB_MUL_SCALAR; op++) {
        Dev expected(c), listedOut(c);  // c: the accumulator of ZKC_MUL_ADD
        const uint64_t* ss = s.data();
        const uint64_t* sh = sShoup.data();
        switch (op) {
            case ZKC_ADD: zkc_add(ctx, set, da.p, db.p, expected.p, polys, limbs); break;
            case ZKC_SUB: zkc_sub(ctx, set, da.p, db.p, expected.p, polys, limbs); break;
            case ZKC_NEGATE: zkc_negate(ctx, set, da.p, expected.p, polys, limbs); break;
            case ZKC_MUL: zkc_mul(ctx, set, da.p, db.p, expected.p, polys, limbs); break;
            case ZKC_MUL_ADD: zkc_mul_add(ctx, set, da.p, db.p, expected.p, polys, limbs); break;
            case ZKC_MUL_SCALAR: zkc_mul_scalar(ctx, set, da.p, ss, sh, expected.p, polys, limbs); break;
            case ZKC_ADD_SCALAR: zkc_add_scalar(ctx, set, da.p, ss, expected.p, polys, limbs); break;
            default: zkc_sub_mul_scalar(ctx, set, da.p, db.p, ss, sh, expected.p, polys, limbs); break;
        }
        std::vector<const uint64_t*> pa, pb;
        std::vector<uint64_t*> po;
        for (size_t p = polys; p-- > 0;) {
            pa.push_back(da.p + p * limbs * n), pb.push_back(db.p + p * limbs * n), po.push_back(listedOut.p + p * limbs * n);
        }
        uint64_t before = zkc_launches(ctx);
        zkc_pointwise_polys(ctx, set, op, pa.data(), pb.data(), po.data(), ss, sh, polys, limbs);
        uint64_t launches = zkc_launches(ctx) - before;
        std::string name = "pointwisePolys(op " + std::to_string(op) + ")";
        expectSame(tag(name.c_str(), n, polys, limbs), expected.get(), listedOut.get());
        expectSame(tag(("launches(" + name + ")").c_str(), n, polys, limbs), {1}, {launches});
    }
    // Edge values: 0 and q - 1 everywhere.
    Words edge(words);
    eachRow(polys, limbs, n, [&](size_t r, size_t l) {
        for (size_t i = 0; i < n; i++) edge[r + i] = (next() & 1) ? q[l] - 1 : 0;
    });
    Dev dedge(edge);
    check("mul(edge)", [&](size_t r, size_t l) { cpu->mul(&edge[r], &edge[r], &out[r], n, q[l]); },
          [&] { zkc_mul(ctx, set, dedge.p, dedge.p, dout.p, polys, limbs); });
    Words edgeRef = edge;
    cpuForward(edgeRef, t, polys, limbs);
    zkc_ntt_forward(ctx, set, dedge.p, polys, limbs);
    expectSame(tag("ntt(edge)", n, polys, limbs), edgeRef, dedge.get());

    // permute: a random permutation (the contract) and out[i] = a[perm[i]] over every row.
    std::vector<int32_t> perm = randomPermutation(n);
    int32_t* dperm = zkc_upload_permutation(ctx, perm.data(), n);
    check("permute", [&](size_t r, size_t) { for (size_t i = 0; i < n; i++) out[r + i] = a[r + perm[i]]; },
          [&] { zkc_permute(ctx, da.p, dperm, dout.p, polys * limbs, n); });

    // key switching: 3 digits, without permutations, with two alternating over the polys (each product its
    // own: hoisted rotations by different steps) and with one alternating with none; keys of twice the limbs,
    // limb l in row 2l + 1 (rows 2l and 2l + 1 hold residues of the same prime), as a key spans the whole chain.
    std::vector<int32_t> perm2 = randomPermutation(n);
    int32_t* dperm2 = zkc_upload_permutation(ctx, perm2.data(), n);
    size_t count = 3;
    Words keyPrimes;
    for (uint64_t p : qa) keyPrimes.insert(keyPrimes.end(), {p, p});
    std::vector<uint32_t> oddRows(limbs);
    for (size_t l = 0; l < limbs; l++) oddRows[l] = static_cast<uint32_t>(2 * l + 1);
    Words digits = randomPolys(polys * count, qa, n), keyB = randomPolys(count, keyPrimes, n),
          keyA = randomPolys(count, keyPrimes, n);
    Dev dd(digits), dkb(keyB), dka(keyA), dacc0(words), dacc1(words);
    for (int variant = 0; variant < 3; variant++) {
        std::vector<const int32_t*> hostPerms(polys), devicePerms(polys);
        for (size_t p = 0; p < polys; p++) {
            bool even = p % 2 == 0;
            hostPerms[p] = variant == 0 ? nullptr : even ? perm.data() : variant == 1 ? perm2.data() : nullptr;
            devicePerms[p] = variant == 0 ? nullptr : even ? dperm : variant == 1 ? dperm2 : nullptr;
        }
        Words acc0(words), acc1(words);
        cpuKeySwitch(digits, keyB, keyA, count, 2 * limbs, oddRows, hostPerms.data(), acc0, acc1, t, polys, limbs);
        deviceKeySwitch(set, dd.p, dkb.p, dka.p, count, 2 * limbs, oddRows, devicePerms.data(), dacc0.p, dacc1.p,
                        polys, limbs, n);
        std::string name = variant == 0 ? "keySwitchProduct" : variant == 1 ? "keySwitchProduct(perms)"
                                                                            : "keySwitchProduct(perm, none)";
        expectSame(tag((name + ".acc0").c_str(), n, polys, limbs), acc0, dacc0.get());
        expectSame(tag((name + ".acc1").c_str(), n, polys, limbs), acc1, dacc1.get());
    }
    zkc_free(ctx, dperm);
    zkc_free(ctx, dperm2);

    // basis extension: the limbs primes -> 2 others (the special primes of the table's neighbours).
    {
        Words to = {primes[primes.size() - 1], primes[primes.size() - 2]};
        Basis basis = makeBasis(qa, to);
        zkc_basis* db2 = upload(basis);
        Words conv(polys * to.size() * n);
        cpuConvert(a, conv, basis, polys, n);
        Dev dconv(conv.size());
        deviceConvert(db2, da.p, dconv.p, polys, limbs, to.size(), n);
        expectSame(tag("convertBasis", n, polys, limbs), conv, dconv.get());
        // every poly of the batch into listed rows of a larger polynomial of its own (target 0 to row 3,
        // target 1 to row 0), in one launch; the rows not listed keep their words
        Words wide = randomPolys(polys, {q[0], q[0], q[0], q[0]}, n), expected = wide;
        for (size_t p = 0; p < polys; p++) {
            std::memcpy(&expected[(4 * p + 3) * n], &conv[(2 * p) * n], n * 8);
            std::memcpy(&expected[(4 * p) * n], &conv[(2 * p + 1) * n], n * 8);
        }
        Dev dwide(wide);
        std::vector<const uint64_t*> ins;
        std::vector<uint64_t*> outs;
        for (size_t p = 0; p < polys; p++) ins.push_back(da.p + p * limbs * n), outs.push_back(dwide.p + p * 4 * n);
        const uint32_t rows[] = {3, 0};
        uint64_t before = zkc_launches(ctx);
        std::vector<const zkc_basis*> bases(polys, db2);
        zkc_convert_basis(ctx, bases.data(), ins.data(), outs.data(), polys, rows, n);
        uint64_t launches = zkc_launches(ctx) - before;
        expectSame(tag("convertBasis(rows 3, 0)", n, polys, limbs), expected, dwide.get());
        expectSame(tag("launches(convertBasis(rows))", n, polys, limbs), {1}, {launches});
        // a basis per poly, from different numbers of primes (ModUp's digits): poly p from its first p + 1 rows
        std::vector<Basis> own;
        std::vector<zkc_basis*> ownDevice;
        Words ownExpected;
        for (size_t p = 0; p < polys; p++) {
            own.push_back(makeBasis(Words(qa.begin(), qa.begin() + static_cast<long>(std::min(p + 1, limbs))), to));
            ownDevice.push_back(upload(own.back()));
            Words source(a.begin() + static_cast<long>(p * limbs * n),
                         a.begin() + static_cast<long>((p * limbs + own.back().from.size()) * n));
            Words converted(to.size() * n);
            cpuConvert(source, converted, own.back(), 1, n);
            ownExpected.insert(ownExpected.end(), converted.begin(), converted.end());
        }
        Dev downs(ownExpected.size());
        std::vector<uint64_t*> ownOuts;
        for (size_t p = 0; p < polys; p++) ownOuts.push_back(downs.p + p * to.size() * n);
        std::vector<const zkc_basis*> ownBases(ownDevice.begin(), ownDevice.end());
        zkc_convert_basis(ctx, ownBases.data(), ins.data() + 0, ownOuts.data(), polys, nullptr, n);
        expectSame(tag("convertBasis(a basis per poly)", n, polys, limbs), ownExpected, downs.get());
        for (zkc_basis* d : ownDevice) zkc_basis_destroy(ctx, d);
        zkc_basis_destroy(ctx, db2);
    }

    // rescale: [polys][limbs + 1][n], the top limb (prime q[limbs]) dropped; s = t^-1 mod q_l.
    {
        Words full = randomPolys(polys, q, n);
        uint64_t top = q[limbs];
        Words sr(limbs), srs(limbs);
        for (size_t l = 0; l < limbs; l++) sr[l] = inverse(top % q[l], q[l]), srs[l] = shoup(sr[l], q[l]);
        Words ref2(words);
        cpuRescale(full, ref2, t, top, sr, srs, polys, limbs);
        Dev dfull(full), dres(words), dscratch(polys * (limbs + 1) * n);
        std::vector<const uint64_t*> ins;
        std::vector<uint64_t*> outs, inPlace;
        for (size_t p = 0; p < polys; p++) {
            ins.push_back(dfull.p + p * (limbs + 1) * n);
            outs.push_back(dres.p + p * limbs * n);
            inPlace.push_back(dfull.p + p * (limbs + 1) * n);
        }
        uint64_t before = zkc_launches(ctx);
        zkc_rescale(ctx, set, ins.data(), outs.data(), sr.data(), srs.data(), dscratch.p, polys, limbs);
        uint64_t launches = zkc_launches(ctx) - before;
        expectSame(tag("rescale", n, polys, limbs), ref2, dres.get());
        // the batch in the launches of one: the top rows' inverse NTT, the lift, the NTT, the last step
        uint64_t nttLaunches = zkc_launches(ctx);
        zkc_ntt_forward(ctx, set, dscratch.p, 1, 1);
        nttLaunches = zkc_launches(ctx) - nttLaunches;
        expectSame(tag("launches(rescale)", n, polys, limbs), {2 * nttLaunches + 2}, {launches});
        // in place: out aliases a
        zkc_rescale(ctx, set, ins.data(), inPlace.data(), sr.data(), srs.data(), dscratch.p, polys, limbs);
        Words back = dfull.get(), packed(words);
        eachRow(polys, limbs, n, [&](size_t r, size_t l) {
            size_t p = r / (limbs * n);
            std::memcpy(&packed[r], &back[(p * (limbs + 1) + l) * n], n * 8);
        });
        expectSame(tag("rescale(in place)", n, polys, limbs), ref2, packed);
    }
    zkc_limbs_destroy(ctx, set);
}

/**
 * A random chain of `depth` rounds over a batch of polys, on the CPU and through the API with
 * the data device-resident throughout, compared byte for byte every round. One round on L limbs:
 * NTT, mul, mulAdd, inverse NTT, ModUp (convertBasis to K special primes) and NTT there, the
 * key-switch product with an automorphism, ModDown-like return (inverse NTT, convertBasis back
 * to the L primes, NTT, add), then rescale by the top limb (its inverse NTT first) and an inverse
 * NTT, leaving L - 1 limbs in coefficient form for the next round.
 */
/**
 * A full conversion launch: ZKC_MAX_POLYS polynomials over ZKC_MAX_BASES distinct bases (basis b from the
 * first b + 1 primes, the polynomials' bases interleaved), each converted with its own, in one launch; one
 * basis more is refused before any launch.
 */
void checkConversionLaunch(const std::vector<uint64_t>& primes, size_t n) {
    const size_t polys = ZKC_MAX_POLYS, kinds = ZKC_MAX_BASES, limbs = kinds;
    Words q(primes.begin(), primes.begin() + static_cast<long>(limbs));
    Words to = {primes[limbs], primes[limbs + 1]};
    std::vector<Basis> bases;
    std::vector<zkc_basis*> device;
    for (size_t b = 0; b <= kinds; b++) {
        bases.push_back(makeBasis(Words(q.begin(), q.begin() + static_cast<long>(std::min(b + 1, limbs))), to));
        device.push_back(upload(bases.back()));
    }
    Words a = randomPolys(polys, q, n), expected;
    std::vector<const zkc_basis*> of(polys);
    for (size_t p = 0; p < polys; p++) {
        size_t b = (p * 5) % kinds;
        of[p] = device[b];
        Words source(a.begin() + static_cast<long>(p * limbs * n),
                     a.begin() + static_cast<long>((p * limbs + bases[b].from.size()) * n));
        Words converted(to.size() * n);
        cpuConvert(source, converted, bases[b], 1, n);
        expected.insert(expected.end(), converted.begin(), converted.end());
    }
    Dev da(a), dout(expected.size());
    std::vector<const uint64_t*> ins;
    std::vector<uint64_t*> outs;
    for (size_t p = 0; p < polys; p++) ins.push_back(da.p + p * limbs * n), outs.push_back(dout.p + p * to.size() * n);
    uint64_t before = zkc_launches(ctx);
    int rc = zkc_convert_basis(ctx, of.data(), ins.data(), outs.data(), polys, nullptr, n);
    uint64_t launches = zkc_launches(ctx) - before;
    expectSame(tag("convertBasis(a launch's bases)", n, polys, limbs), expected, dout.get());
    expectSame(tag("launches(convertBasis(a launch's bases))", n, polys, limbs), {0, 1},
               {static_cast<uint64_t>(rc), launches});
    of[polys - 1] = device[kinds];
    before = zkc_launches(ctx);
    rc = zkc_convert_basis(ctx, of.data(), ins.data(), outs.data(), polys, nullptr, n);
    launches = zkc_launches(ctx) - before;
    expectSame(tag("convertBasis(a basis too many) refused", n, polys, limbs), {1, 0},
               {static_cast<uint64_t>(rc != 0), launches});
    for (zkc_basis* d : device) zkc_basis_destroy(ctx, d);
}

/** An allocation past the device's memory (8 PiB) fails, without poisoning the context: the next one works. */
void checkOutOfMemory() {
    uint64_t* tooMuch = zkc_alloc(ctx, size_t{1} << 50);
    uint64_t* after = zkc_alloc(ctx, 1024);
    expectSame("alloc(8 PiB) fails, alloc(8 KiB) after it works", {1, 1},
               {static_cast<uint64_t>(tooMuch == nullptr), static_cast<uint64_t>(after != nullptr && zkc_sync(ctx) == 0)});
    zkc_free(ctx, tooMuch);
    zkc_free(ctx, after);
}

void checkChain(const std::vector<uint64_t>& primes, size_t n, size_t L0, size_t depth, size_t polys) {
    size_t K = 2;
    Words all(primes.begin(), primes.begin() + static_cast<long>(L0 + K));
    Words special(all.begin() + static_cast<long>(L0), all.end());
    Tables t = makeTables(Words(all.begin(), all.begin() + static_cast<long>(L0)), n);
    Tables ts = makeTables(special, n);
    zkc_limbs* set = upload(t);
    zkc_limbs* sset = upload(ts);
    Words q(all.begin(), all.begin() + static_cast<long>(L0));
    Words x = randomPolys(polys, q, n);  // coefficient domain
    size_t maxWords = polys * L0 * n;
    Dev dx(x), dy(maxWords), dz(maxWords), dzc(maxWords), dback(maxWords), dscratch(maxWords);
    Dev dext(polys * K * n), dacc0(polys * K * n), dacc1(polys * K * n);
    std::vector<int32_t> perm = randomPermutation(n);
    int32_t* dperm = zkc_upload_permutation(ctx, perm.data(), n);
    size_t L = L0;
    bool ok = true;
    for (size_t round = 0; round < depth && L >= 2; round++) {
        std::string r = "chain n=" + std::to_string(n) + " round " + std::to_string(round) + " L=" + std::to_string(L);
        q.assign(all.begin(), all.begin() + static_cast<long>(L));
        size_t words = polys * L * n;
        Words w = randomPolys(polys, q, n);
        Words keyB = randomPolys(1, special, n), keyA = randomPolys(1, special, n);
        Basis up = makeBasis(q, special), down = makeBasis(special, q);
        Words sr(L - 1), srs(L - 1);
        for (size_t l = 0; l + 1 < L; l++) sr[l] = inverse(q[L - 1] % q[l], q[l]), srs[l] = shoup(sr[l], q[l]);

        // CPU
        Words y = x;
        cpuForward(y, t, polys, L);
        Words z(words);
        eachRow(polys, L, n, [&](size_t row, size_t l) { cpu->mul(&y[row], &w[row], &z[row], n, q[l]); });
        eachRow(polys, L, n, [&](size_t row, size_t l) { cpu->mulAdd(&y[row], &y[row], &z[row], n, q[l]); });
        Words zc = z;
        cpuInverse(zc, t, polys, L);
        Words ext(polys * K * n);
        cpuConvert(zc, ext, up, polys, n);
        cpuForward(ext, ts, polys, K);
        Words acc0(polys * K * n), acc1(polys * K * n);
        std::vector<const int32_t*> hostPerms(polys, perm.data());
        cpuKeySwitch(ext, keyB, keyA, 1, K, identityRows(K), hostPerms.data(), acc0, acc1, ts, polys, K);
        cpuInverse(acc0, ts, polys, K);
        Words back(words);
        cpuConvert(acc0, back, down, polys, n);
        cpuForward(back, t, polys, L);
        eachRow(polys, L, n, [&](size_t row, size_t l) { cpu->add(&z[row], &back[row], &z[row], n, q[l]); });
        Words next(polys * (L - 1) * n);
        cpuRescale(z, next, t, q[L - 1], sr, srs, polys, L - 1);
        cpuInverse(next, t, polys, L - 1);

        // device
        Dev dw(w), dkb(keyB), dka(keyA);
        zkc_basis* dup = upload(up);
        zkc_basis* ddown = upload(down);
        zkc_zero(ctx, dy.p, words);  // over the previous round's words
        ok &= expectSame(r + " zero", Words(words), dy.first(words));
        zkc_copy(ctx, dy.p, dx.p, words);
        zkc_ntt_forward(ctx, set, dy.p, polys, L);
        zkc_mul(ctx, set, dy.p, dw.p, dz.p, polys, L);
        zkc_mul_add(ctx, set, dy.p, dy.p, dz.p, polys, L);
        zkc_copy(ctx, dzc.p, dz.p, words);
        zkc_ntt_inverse(ctx, set, dzc.p, polys, L);
        deviceConvert(dup, dzc.p, dext.p, polys, L, K, n);
        zkc_ntt_forward(ctx, sset, dext.p, polys, K);
        std::vector<const int32_t*> devicePerms(polys, dperm);
        deviceKeySwitch(sset, dext.p, dkb.p, dka.p, 1, K, identityRows(K), devicePerms.data(), dacc0.p, dacc1.p, polys,
                        K, n);
        ok &= expectSame(r + " keySwitchProduct.acc1", acc1, dacc1.first(polys * K * n));
        zkc_ntt_inverse(ctx, sset, dacc0.p, polys, K);
        deviceConvert(ddown, dacc0.p, dback.p, polys, K, L, n);
        zkc_ntt_forward(ctx, set, dback.p, polys, L);
        zkc_add(ctx, set, dz.p, dback.p, dz.p, polys, L);
        ok &= expectSame(r + " before rescale", z, dz.first(words));
        std::vector<const uint64_t*> ins;
        std::vector<uint64_t*> outs;
        for (size_t p = 0; p < polys; p++) ins.push_back(dz.p + p * L * n), outs.push_back(dx.p + p * (L - 1) * n);
        zkc_rescale(ctx, set, ins.data(), outs.data(), sr.data(), srs.data(), dscratch.p, polys, L - 1);
        zkc_ntt_inverse(ctx, set, dx.p, polys, L - 1);
        ok &= expectSame(r + " after rescale", next, dx.first(polys * (L - 1) * n));
        zkc_basis_destroy(ctx, dup);
        zkc_basis_destroy(ctx, ddown);
        x = next;
        L--;
    }
    results.push_back({"chain n=" + std::to_string(n) + " depth " + std::to_string(depth) + " (all rounds)", ok, 0});
    zkc_free(ctx, dperm);
    zkc_limbs_destroy(ctx, set);
    zkc_limbs_destroy(ctx, sset);
}

// ---- timings ---------------------------------------------------------------------------------

struct Timing {
    std::string op;
    size_t n, limbs, polys;
    double kernelMs, scalarMs, avx2Ms;
};
std::vector<Timing> timings;

template <class F>
double medianMs(F f, int reps) {
    std::vector<double> t;
    f();  // warm-up
    zkc_sync(ctx);
    for (int r = 0; r < reps; r++) {
        auto s = std::chrono::steady_clock::now();
        f();
        zkc_sync(ctx);
        t.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s).count());
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

void bench(const std::vector<uint64_t>& primes, size_t n, size_t L, size_t K, size_t dnum, bool haveAvx2) {
    Words q(primes.begin(), primes.begin() + static_cast<long>(L + K));
    Tables t = makeTables(q, n);
    zkc_limbs* set = upload(t);
    size_t LK = L + K;
    Words a = randomPolys(1, q, n), b = randomPolys(1, q, n);
    Dev da(a), db(b), dout(a.size());
    const RingKernels* cpus[2] = {&zkllm::fhe::scalarKernels(), haveAvx2 ? &zkllm::fhe::avx2Kernels() : nullptr};
    auto cpuTime = [&](const std::function<void(const RingKernels&)>& f) {
        double r[2] = {-1, -1};
        for (int i = 0; i < 2; i++) {
            if (cpus[i] == nullptr) continue;
            const RingKernels& k = *cpus[i];
            std::vector<double> v;
            for (int rep = 0; rep < 3; rep++) {
                auto s = std::chrono::steady_clock::now();
                f(k);
                v.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s).count());
            }
            std::sort(v.begin(), v.end());
            r[i] = v[1];
        }
        return std::pair<double, double>(r[0], r[1]);
    };
    // NTT of a batch of 16 polys (8 ciphertexts) of LK limbs; the CPU figure is 16 single-poly runs
    {
        size_t polys = 16;
        Words big = randomPolys(polys, q, n);
        Dev dbig(big);
        double g = medianMs([&] { zkc_ntt_forward(ctx, set, dbig.p, polys, LK); }, 10);
        double gi = medianMs([&] { zkc_ntt_inverse(ctx, set, dbig.p, polys, LK); }, 10);
        // 11 forward then 11 inverse NTTs (warm-up + 10 each): the batch must come back unchanged.
        expectSame(tag("bench batch: inverseNtt^11(ntt^11(a)) == a", n, polys, LK), big, dbig.get());
        timings.push_back({"ntt(batch of 16 polys; cpu = 16 x 1 poly)", n, LK, polys, g, -1, -1});
        timings.push_back({"inverseNtt(batch of 16 polys)", n, LK, polys, gi, -1, -1});
    }
    // NTT batch of LK limbs (one poly)
    {
        Words h = a;
        double g = medianMs([&] { zkc_ntt_forward(ctx, set, da.p, 1, LK); }, 20);
        auto c = cpuTime([&](const RingKernels& k) {
            for (size_t l = 0; l < LK; l++) k.forwardNtt(&h[l * n], n, &t.psi[l * n], &t.psiShoup[l * n], q[l]);
        });
        timings.push_back({"ntt", n, LK, 1, g, c.first, c.second});
        double gi = medianMs([&] { zkc_ntt_inverse(ctx, set, da.p, 1, LK); }, 20);
        auto ci = cpuTime([&](const RingKernels& k) {
            for (size_t l = 0; l < LK; l++)
                k.inverseNtt(&h[l * n], n, &t.inversePsi[l * n], &t.inversePsiShoup[l * n], q[l], t.nInverse[l],
                             t.nInverseShoup[l]);
        });
        timings.push_back({"inverseNtt", n, LK, 1, gi, ci.first, ci.second});
        da.put(a);
        for (Timing& t2 : timings) {
            if (t2.polys == 16) {
                bool inv = t2.op.rfind("inverse", 0) == 0;
                t2.scalarMs = 16 * (inv ? ci.first : c.first);
                t2.avx2Ms = (inv ? ci.second : c.second) < 0 ? -1 : 16 * (inv ? ci.second : c.second);
            }
        }
    }
    {
        Words o(a.size());
        double g = medianMs([&] { zkc_mul(ctx, set, da.p, db.p, dout.p, 1, LK); }, 20);
        auto c = cpuTime([&](const RingKernels& k) {
            for (size_t l = 0; l < LK; l++) k.mul(&a[l * n], &b[l * n], &o[l * n], n, q[l]);
        });
        timings.push_back({"mul", n, LK, 1, g, c.first, c.second});
    }
    {
        // key switch: dnum digits over L + K limbs
        Words digits = randomPolys(dnum, q, n), kb = randomPolys(dnum, q, n), ka = randomPolys(dnum, q, n);
        Dev dd(digits), dkb(kb), dka(ka), d0(a.size()), d1(a.size());
        Words acc0(a.size()), acc1(a.size());
        std::vector<uint32_t> rows = identityRows(LK);
        const int32_t* none = nullptr;
        double g = medianMs([&] { deviceKeySwitch(set, dd.p, dkb.p, dka.p, dnum, LK, rows, &none, d0.p, d1.p, 1, LK, n); },
                            20);
        auto c = cpuTime([&](const RingKernels& k) {
            const RingKernels* saved = cpu;
            cpu = &k;
            cpuKeySwitch(digits, kb, ka, dnum, LK, identityRows(LK), &none, acc0, acc1, t, 1, LK);
            cpu = saved;
        });
        timings.push_back({"keySwitchProduct(dnum=" + std::to_string(dnum) + ")", n, LK, 1, g, c.first, c.second});
    }
    {
        // ModUp of one digit: alpha = L / dnum limbs -> the other L + K - alpha limbs
        size_t alpha = (L + dnum - 1) / dnum;
        Words from(q.begin(), q.begin() + static_cast<long>(alpha)), to(q.begin() + static_cast<long>(alpha), q.end());
        Basis basis = makeBasis(from, to);
        zkc_basis* dbasis = upload(basis);
        Words in(a.begin(), a.begin() + static_cast<long>(alpha * n)), out(to.size() * n);
        Dev dout2(out.size());
        double g = medianMs([&] { deviceConvert(dbasis, da.p, dout2.p, 1, alpha, to.size(), n); }, 20);
        auto c = cpuTime([&](const RingKernels& k) {
            const RingKernels* saved = cpu;
            cpu = &k;
            cpuConvert(in, out, basis, 1, n);
            cpu = saved;
        });
        timings.push_back({"convertBasis(" + std::to_string(alpha) + "->" + std::to_string(to.size()) + ")", n, LK, 1,
                           g, c.first, c.second});
        zkc_basis_destroy(ctx, dbasis);
    }
    {
        // rescale of one poly of LK limbs by its top limb: LK - 1 limbs out
        size_t limbs = LK - 1;
        Words sr(limbs), srs(limbs);
        for (size_t l = 0; l < limbs; l++) sr[l] = inverse(q[limbs] % q[l], q[l]), srs[l] = shoup(sr[l], q[l]);
        Words out(limbs * n);
        Dev dres(limbs * n), dscratch(LK * n);
        const uint64_t* in = da.p;
        uint64_t* res = dres.p;
        double g = medianMs([&] { zkc_rescale(ctx, set, &in, &res, sr.data(), srs.data(), dscratch.p, 1, limbs); }, 20);
        Words ref(limbs * n);
        cpuRescale(a, ref, t, q[limbs], sr, srs, 1, limbs);
        expectSame(tag("bench rescale", n, 1, limbs), ref, dres.get());
        auto c = cpuTime([&](const RingKernels& k) {
            const RingKernels* saved = cpu;
            cpu = &k;
            cpuRescale(a, out, t, q[limbs], sr, srs, 1, limbs);
            cpu = saved;
        });
        timings.push_back({"rescale", n, limbs, 1, g, c.first, c.second});
    }
    zkc_limbs_destroy(ctx, set);
}

}  // namespace

int main(int argc, char** argv) {
    bool quick = false, doBench = false;
    size_t benchLimbs = 24, benchSpecial = 4, benchDnum = 3;
    const char* json = nullptr;
    for (int i = 1; i < argc; i++) {
        if (!std::strcmp(argv[i], "--quick")) quick = true;
        else if (!std::strcmp(argv[i], "--bench")) doBench = true;
        else if (!std::strcmp(argv[i], "--json") && i + 1 < argc) json = argv[++i];
        else if (!std::strcmp(argv[i], "--bench-limbs") && i + 1 < argc) benchLimbs = std::strtoul(argv[++i], nullptr, 10);
    }
    __builtin_cpu_init();
    bool haveAvx2 = __builtin_cpu_supports("avx2") != 0;
    cpu = &zkllm::fhe::scalarKernels();
    if (zkc_device_count() < 1 || (ctx = zkc_create(0)) == nullptr) {
        std::printf("SKIP: no CUDA device\n");
        return 77;
    }
    auto start = std::chrono::steady_clock::now();
    // Primes of the project's sizes (< 2^31), all ≡ 1 mod 2^17 so they serve every n <= 2^16.
    std::vector<uint64_t> taken, primes;
    for (unsigned bits : {31u, 30u, 29u, 28u, 27u, 26u, 25u, 24u, 31u, 30u, 20u, 31u}) primes.push_back(nttPrime(bits, 16, taken));
    if (doBench) {  // 30-bit primes for the benchmark's larger basis (after the checked ones)
        while (primes.size() < benchLimbs + benchSpecial) primes.push_back(nttPrime(30, 16, taken));
    }
    std::vector<size_t> sizes = {2, 16, 1024, 2048, 4096, 8192, 16384, 32768, 65536};
    for (size_t n : sizes) {
        size_t polys = n >= 16384 ? 2 : 3;
        size_t limbs = quick ? (n >= 16384 ? 2 : 3) : (n >= 16384 ? 4 : 6);
        checkRing(primes, n, polys, limbs);
    }
    if (haveAvx2) {  // the CPU kernels agree with each other (the reference is the same bytes)
        const RingKernels* scalar = cpu;
        cpu = &zkllm::fhe::avx2Kernels();
        checkRing(primes, 4096, 2, 3);
        cpu = scalar;
    }
    checkConversionLaunch(primes, 1024);
    checkOutOfMemory();
    checkChain(primes, quick ? 4096 : 65536, 8, 7, 2);
    size_t failed = 0;
    for (const Result& r : results) failed += r.pass ? 0 : 1;
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%zu checks, %zu failed, %.1f s\n", results.size(), failed, seconds);
    if (doBench) {
        bench(primes, 65536, benchLimbs, benchSpecial, benchDnum, haveAvx2);
        failed = 0;
        for (const Result& r : results) failed += r.pass ? 0 : 1;
        std::printf("after the benchmark's check: %zu checks, %zu failed\n", results.size(), failed);
        for (const Timing& t : timings)
            std::printf("bench %-28s n=%zu limbs=%zu  kernel %.3f ms  cpu scalar %.3f ms  cpu avx2 %.3f ms\n",
                        t.op.c_str(), t.n, t.limbs, t.kernelMs, t.scalarMs, t.avx2Ms);
    }
    if (json != nullptr) {
        FILE* f = std::fopen(json, "w");
        if (f != nullptr) {
            std::fprintf(f, "{\n  \"checks\": %zu,\n  \"failed\": %zu,\n  \"seconds\": %.2f,\n  \"avx2\": %s,\n",
                         results.size(), failed, seconds, haveAvx2 ? "true" : "false");
            std::fprintf(f, "  \"results\": [\n");
            for (size_t i = 0; i < results.size(); i++)
                std::fprintf(f, "    {\"name\": \"%s\", \"pass\": %s, \"words\": %zu}%s\n", results[i].name.c_str(),
                             results[i].pass ? "true" : "false", results[i].words, i + 1 < results.size() ? "," : "");
            std::fprintf(f, "  ],\n  \"timings_ms\": [\n");
            for (size_t i = 0; i < timings.size(); i++) {
                const Timing& t = timings[i];
                std::fprintf(f,
                             "    {\"op\": \"%s\", \"n\": %zu, \"limbs\": %zu, \"polys\": %zu, \"kernel\": %.4f, "
                             "\"cpu_scalar_1thread\": %.4f, \"cpu_avx2_1thread\": %.4f}%s\n",
                             t.op.c_str(), t.n, t.limbs, t.polys, t.kernelMs, t.scalarMs, t.avx2Ms,
                             i + 1 < timings.size() ? "," : "");
            }
            std::fprintf(f, "  ]\n}\n");
            std::fclose(f);
        }
    }
    zkc_destroy(ctx);
    return failed == 0 ? 0 : 1;
}
