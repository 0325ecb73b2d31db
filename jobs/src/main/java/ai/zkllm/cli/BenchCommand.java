package ai.zkllm.cli;

import ai.zkllm.fhe.bench.FheBenchmark;
import ai.zkllm.fhe.bench.NttBenchmark;
import ai.zkllm.fhe.ckks.Parameters;
import ai.zkllm.fhe.ring.NativeLibrary;
import ai.zkllm.jobs.BackendName;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code zkllm bench}: the engine's benchmarks (figures for notes, never timed tests). */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks of the FHE engine, single thread.",
        subcommands = {BenchCommand.Fhe.class, BenchCommand.Ntt.class})
public final class BenchCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "fhe", mixinStandardHelpOptions = true,
            description = "Median milliseconds of keygen, encrypt, mul_relin, rescale, rotate and decrypt_decode.")
    static final class Fhe implements Runnable {
        @Option(names = "--log-n", defaultValue = "14", description = "log2 of the ring degree (default ${DEFAULT-VALUE}).")
        int logN;

        @Option(names = "--depth", defaultValue = "8", description = "Multiplicative depth (default ${DEFAULT-VALUE}).")
        int depth;

        @Option(names = "--scale-bits", defaultValue = "30", description = "log2 of the scale (default ${DEFAULT-VALUE}).")
        int scaleBits;

        @Option(names = "--dnum", defaultValue = "3", description = "Key-switching digits (default ${DEFAULT-VALUE}).")
        int dnum;

        @Option(names = "--backend", defaultValue = "auto", converter = BackendName.class, description = "java, native, cuda or auto (default ${DEFAULT-VALUE}).")
        String backend;

        @Option(names = "--runs", defaultValue = "10", description = "Timed runs per operation (default ${DEFAULT-VALUE}).")
        int runs;

        @Option(names = "--warmup", defaultValue = "3", description = "Untimed runs first (default ${DEFAULT-VALUE}).")
        int warmup;

        @Option(names = "--json", description = "Print one JSON object instead of a table.")
        boolean json;

        @Override
        public void run() {
            Parameters params = Parameters.builder()
                    .logN(logN).depth(depth).logScale(scaleBits).dnum(dnum).build();
            FheBenchmark.Result result = FheBenchmark.run(params, LocalBackend.named(backend), warmup, runs);
            if (json) {
                ObjectNode out = new ObjectMapper().createObjectNode();
                result.medianMillis().forEach((op, ms) -> out.put(op, Math.round(ms * 1000) / 1000.0));
                out.put("log_n", logN);
                out.put("log_qp", Math.round(params.logQP() * 10) / 10.0);
                out.put("dnum", params.dnum());
                out.put("security_bits", params.securityBits());
                out.put("backend", result.backend());
                out.put("runs", runs);
                ObjectNode bytes = out.putObject("bytes");
                result.serializedBytes().forEach(bytes::put);
                System.out.println(out);
            } else {
                System.out.printf("N = 2^%d, depth %d, scale 2^%d, dnum %d, log QP %.1f, %d-bit security, backend %s%n",
                        logN, depth, scaleBits, params.dnum(), params.logQP(), params.securityBits(), result.backend());
                for (Map.Entry<String, Double> e : result.medianMillis().entrySet()) {
                    System.out.printf("  %-20s %10.3f ms%n", e.getKey(), e.getValue());
                }
                result.serializedBytes().forEach((what, size) -> System.out.printf("  %-20s %,10d bytes%n", what, size));
            }
        }
    }

    @Command(name = "ntt", mixinStandardHelpOptions = true,
            description = "Median microseconds of one forward plus one inverse NTT, n = 2^12..2^16, every backend.")
    static final class Ntt implements Runnable {
        @Option(names = "--reps", defaultValue = "" + NttBenchmark.DEFAULT_REPS, description = "Timed runs (default ${DEFAULT-VALUE}).")
        int reps;

        @Option(names = "--warmup", defaultValue = "" + NttBenchmark.DEFAULT_WARMUP, description = "Untimed runs first (default ${DEFAULT-VALUE}).")
        int warmup;

        @Override
        public void run() {
            if (!NativeLibrary.isAvailable()) {
                System.out.println("native backend unavailable: " + NativeLibrary.failureReason());
            }
            List<NttBenchmark.Result> results = NttBenchmark.run(NttBenchmark.availableBackends(),
                    NttBenchmark.MIN_LOG_N, NttBenchmark.MAX_LOG_N, warmup, reps);
            System.out.printf("%-14s %8s %14s%n", "backend", "n", "median µs");
            for (NttBenchmark.Result r : results) {
                System.out.printf("%-14s %8d %14.1f%n", r.backend(), r.n(), r.medianMicros());
            }
        }
    }
}
