package ai.zkllm.fhe.bench;

import ai.zkllm.fhe.ring.Modulus;
import ai.zkllm.fhe.ring.NativeLibrary;
import ai.zkllm.fhe.ring.NativeRingBackend;
import ai.zkllm.fhe.ring.NttTable;
import ai.zkllm.fhe.ring.Primes;
import ai.zkllm.fhe.ring.RingBackend;
import ai.zkllm.fhe.ring.RingBackends;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Single-threaded timing of one forward plus one inverse NTT on a 31-bit prime, per backend
 * and ring degree; {@code zkllm bench ntt} prints it.
 */
public final class NttBenchmark {
    public static final int MIN_LOG_N = 12;
    public static final int MAX_LOG_N = 16;

    /** Warmup rounds by default: enough for the JIT to compile the Java kernels at n = 2^12. */
    public static final int DEFAULT_WARMUP = 100;
    public static final int DEFAULT_REPS = 30;

    /**
     * Median wall time of one forward + inverse NTT of length n, in microseconds. backend is
     * "java", "native-avx2" or "native-scalar".
     */
    public record Result(String backend, int n, double medianMicros) {}

    private NttBenchmark() {}

    /** Times each backend for n = 2^minLogN..2^maxLogN: warmup rounds first, then reps timed ones. */
    public static List<Result> run(List<RingBackend> backends, int minLogN, int maxLogN, int warmup, int reps) {
        if (reps < 1 || warmup < 0 || minLogN < 1 || maxLogN < minLogN) {
            throw new IllegalArgumentException("need reps >= 1, warmup >= 0 and 1 <= minLogN <= maxLogN");
        }
        List<Result> results = new ArrayList<>();
        for (int logN = minLogN; logN <= maxLogN; logN++) {
            int n = 1 << logN;
            Modulus q = new Modulus(Primes.nttPrimesBelow(Modulus.MAX_BITS, n, 1, List.of()).get(0));
            NttTable table = new NttTable(q, n);
            long[] input = new SplittableRandom(logN).longs(n, 0, q.value()).toArray();
            for (RingBackend backend : backends) {
                results.add(new Result(label(backend), n, medianMicros(backend, table, input, warmup, reps)));
            }
        }
        return results;
    }

    private static double medianMicros(RingBackend backend, NttTable table, long[] input, int warmup, int reps) {
        long[] a = input.clone();
        for (int i = 0; i < warmup; i++) {
            backend.ntt(a, table);
            backend.inverseNtt(a, table);
        }
        long[] nanos = new long[reps];
        for (int i = 0; i < reps; i++) {
            long start = System.nanoTime();
            backend.ntt(a, table);
            backend.inverseNtt(a, table);
            nanos[i] = System.nanoTime() - start;
        }
        if (!Arrays.equals(a, input)) {
            throw new IllegalStateException(backend.name() + " NTT round trip changed the data");
        }
        Arrays.sort(nanos);
        return nanos[reps / 2] / 1000.0;
    }

    private static String label(RingBackend backend) {
        return backend instanceof NativeRingBackend nativeBackend
                ? backend.name() + "-" + nativeBackend.simdLevel()
                : backend.name();
    }

    /** Java always; when the library loads, the native kernels, plus their scalar flavour on AVX2 CPUs. */
    public static List<RingBackend> availableBackends() {
        List<RingBackend> backends = new ArrayList<>(List.of(RingBackends.named("java")));
        if (NativeLibrary.isAvailable()) {
            NativeRingBackend fastest = NativeRingBackend.create();
            backends.add(fastest);
            if (!fastest.simdLevel().equals("scalar")) {
                backends.add(NativeRingBackend.scalarOnly());
            }
        }
        return backends;
    }
}
