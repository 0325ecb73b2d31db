package ai.zkllm.fhe.ring;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Single-threaded timing of one forward plus one inverse NTT on a 31-bit prime, per backend
 * and ring degree. Run: {@code java -cp <fhe jar> ai.zkllm.fhe.ring.NttBenchmark [reps]}.
 */
public final class NttBenchmark {
    public static final int MIN_LOG_N = 12;
    public static final int MAX_LOG_N = 16;

    /** Median wall time of one forward + inverse NTT of length n, in microseconds. */
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
                results.add(new Result(backend.name(), n, medianMicros(backend, table, input, warmup, reps)));
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

    /** The backends worth comparing here: Java always, native when it loads. */
    public static List<RingBackend> availableBackends() {
        List<RingBackend> backends = new ArrayList<>(List.of(RingBackends.named("java")));
        if (NativeLibrary.isAvailable()) {
            backends.add(RingBackends.named("native"));
        }
        return backends;
    }

    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        List<Result> results = run(availableBackends(), MIN_LOG_N, MAX_LOG_N, Math.max(10, reps / 2), reps);
        if (!NativeLibrary.isAvailable()) {
            System.out.println("native backend unavailable: " + NativeLibrary.failureReason());
        }
        System.out.printf("%-8s %8s %14s%n", "backend", "n", "median µs");
        for (Result r : results) {
            System.out.printf("%-8s %8d %14.1f%n", r.backend(), r.n(), r.medianMicros());
        }
    }
}
