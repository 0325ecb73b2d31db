package ai.zkllm.cli;

import ai.zkllm.fhe.bench.FheBenchmark;
import ai.zkllm.fhe.bench.NttBenchmark;
import ai.zkllm.fhe.ckks.Parameters;
import ai.zkllm.fhe.ring.NativeLibrary;
import ai.zkllm.fhe.ring.RingBackend;
import ai.zkllm.jobs.BackendName;
import ai.zkllm.jobs.PositiveInt;
import ai.zkllm.program.model.Gpt2Config;
import ai.zkllm.squeeze.tool.ModelBenchmark;
import ai.zkllm.squeeze.tool.RandomModel;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code zkllm bench}: the engine's benchmarks (figures for notes, never timed tests). */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks of the FHE engine and of a model under encryption, single thread.",
        subcommands = {BenchCommand.Fhe.class, BenchCommand.Ntt.class, BenchCommand.Model.class})
public final class BenchCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "fhe", mixinStandardHelpOptions = true,
            description = "Median milliseconds of keygen, encrypt, mul_relin, rescale, rotate, decrypt_decode and product_sum_16.")
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

    @Command(name = "model", mixinStandardHelpOptions = true,
            description = {"Seconds per token of a squeezed model of seeded random weights (the shape of a model,"
                    + " not its fidelity) under encryption: its plan, evaluation keys, then a random prompt and greedy"
                    + " tokens through the client loop and the miner's round executor in one process (no Kafka),"
                    + " each token's logits checked against the plaintext squeezed model.",
                    "GPT-2 small's shape takes about 13 s per token on 2 cores and 23 s on one, with about 10 GB"
                    + " resident (ZKLLM_JAVA_OPTS=-Xmx12g)."})
    static final class Model implements Runnable {
        @Option(names = "--shape", defaultValue = "gpt2-small",
                description = "gpt2-small (12 layers, 12 heads, d = 768, vocabulary 50257, context 128), english"
                        + " (the shipped English model's: 4 layers, d = 128) or reference (2 layers, d = 64)"
                        + " (default ${DEFAULT-VALUE}).")
        String shape;

        @Option(names = "--layers", converter = PositiveInt.class,
                description = "Layers instead of the shape's (fewer: a quicker figure; a token's rounds scale with them).")
        Integer layers;

        @Option(names = "--prompt", defaultValue = "1", converter = PositiveInt.class,
                description = "Random prompt tokens the first token sends (default ${DEFAULT-VALUE}).")
        int prompt;

        @Option(names = "--tokens", defaultValue = "2", converter = PositiveInt.class,
                description = "Tokens to generate, the first included (default ${DEFAULT-VALUE}).")
        int tokens;

        @Option(names = "--seed", defaultValue = "1", description = "Seed of the weights and the prompt (default ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--backend", defaultValue = "auto", converter = BackendName.class, description = "java, native, cuda or auto (default ${DEFAULT-VALUE}).")
        String backend;

        @Option(names = "--cache-encodings",
                description = "Keep every diagonal's plaintext once encoded, as a long-lived miner may: later tokens skip"
                        + " the encoding (GPT-2 small at N = 2^13: 11 GiB of encodings, 19 GB resident with -Xmx18g).")
        boolean cacheEncodings;

        @Option(names = "--sessions", defaultValue = "1", converter = PositiveInt.class,
                description = "Concurrent sessions on one miner, each with its own keys and conversation: the"
                        + " throughput figure (tokens per second of all of them) (default ${DEFAULT-VALUE}).")
        int sessions;

        @Option(names = "--unbatched",
                description = "Run concurrent sessions' rounds one by one, side by side, instead of in batches that"
                        + " encode each weight diagonal once for all of them.")
        boolean unbatched;

        @Option(names = "--json", description = "Print one JSON object (progress goes to stderr).")
        boolean json;

        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            RingBackend ring = LocalBackend.named(backend); // before minutes of squeezing
            Gpt2Config c;
            try {
                c = RandomModel.shape(shape, layers);
            } catch (IllegalArgumentException unknown) {
                throw new ParameterException(spec.commandLine(), "--shape: " + unknown.getMessage());
            }
            if (prompt + tokens - 1 > c.nPositions()) {
                throw new UsageException("--prompt " + prompt + " and --tokens " + tokens + " do not fit the shape's"
                        + " context of " + c.nPositions() + " tokens");
            }
            Consumer<String> log = json ? System.err::println : System.out::println;
            ModelBenchmark.Result r = ModelBenchmark.measure(c, ring,
                    new ModelBenchmark.Options(prompt, tokens, seed, cacheEncodings, sessions, !unbatched), log);
            if (json) {
                System.out.println(r.toJson());
            } else {
                System.out.printf("%d rounds per token at N = 2^%d, dnum %d, backend %s: %.3f s per token after the"
                        + " first, %.3f tokens/s over %d session(s) (%.3f after every session's first); evaluation"
                        + " keys %,d bytes (%d rotations) in %.1f s%n", r.plan().roundCount(), r.plan().logN(),
                        r.plan().dnum(), r.backend(), r.secondsPerTokenAfterFirst(), r.tokensPerSecond(), sessions,
                        r.tokensPerSecondAfterFirst(), r.evaluationKeyBytes(), r.rotationKeys(), r.keySeconds());
            }
        }
    }
}
