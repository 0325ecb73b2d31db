package ai.zkllm.fhe.ring;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import ai.zkllm.fhe.bench.FheBenchmark;
import ai.zkllm.fhe.ckks.Parameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The Java half of the device run (src/test/device/run.sh), for a machine with a GPU and no JDK: a
 * runtime made here by src/test/device/prepare-java.sh runs it there. It runs the cuda backend's
 * tests through JUnit (every kernel and a random circuit against the Java kernels, bit for bit; on
 * the GPU's library when one is visible, else on the host emulation, which {@code on_gpu} says),
 * then {@link FheBenchmark} on the native and cuda backends and the cost of an operation whose work is
 * negligible (on a GPU: a launch), and writes one JSON object. Exit status
 * 0 when every test passed.
 *
 * <p>Usage: {@code CudaDeviceRun OUT.json [--quick]}: the N = 2^16, depth 20, dnum 3, or with
 * --quick N = 2^13, depth 3 (a check of the harness).
 */
public final class CudaDeviceRun {
    private static final List<String> TEST_CLASSES =
            List.of("ai.zkllm.fhe.ring.CudaRingBackendTest", "ai.zkllm.fhe.ckks.CrossBackendCircuitTest");

    private CudaDeviceRun() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2 || (args.length == 2 && !args[1].equals("--quick"))) {
            System.err.println("usage: CudaDeviceRun OUT.json [--quick]");
            System.exit(2);
        }
        boolean quick = args.length == 2;
        Parameters params = quick
                ? Parameters.builder().logN(13).depth(3).logScale(30).dnum(4).build()
                : Parameters.builder().logN(16).depth(20).logScale(30).dnum(3).build();
        boolean onGpu = CudaTestBackend.onGpu();
        TestExecutionSummary tests = runTests();
        List<String> benchmarks = new ArrayList<>();
        List<String> operationCosts = new ArrayList<>();
        for (String backend : List.of("native", "cuda")) {
            benchmarks.add(benchmarkJson(backend, params, quick ? 3 : 5));
            operationCosts.add(quote(backend) + ": " + operationMicros(backend));
        }
        String json = String.format(Locale.ROOT, "{\"on_gpu\": %b, \"tests\": %s, \"parameters\": %s, \"benchmarks\": [%s],"
                        + " \"operation_us\": {%s}}", onGpu, testsJson(tests), quote(params.toString()),
                String.join(", ", benchmarks), String.join(", ", operationCosts));
        Files.writeString(Path.of(args[0]), json + "\n");
        System.out.println(json);
        System.exit(tests.getTotalFailureCount() == 0 && tests.getTestsSucceededCount() > 0 ? 0 : 1);
    }

    private static TestExecutionSummary runTests() {
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request();
        TEST_CLASSES.forEach(name -> request.selectors(selectClass(name)));
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(request.build(), listener);
        return listener.getSummary();
    }

    private static String testsJson(TestExecutionSummary s) {
        List<String> failures = s.getFailures().stream().limit(20)
                .map(f -> quote(f.getTestIdentifier().getDisplayName() + ": " + f.getException())).toList();
        return String.format(Locale.ROOT, "{\"classes\": [%s], \"found\": %d, \"succeeded\": %d, \"failed\": %d,"
                        + " \"aborted\": %d, \"failures\": [%s]}",
                String.join(", ", TEST_CLASSES.stream().map(CudaDeviceRun::quote).toList()), s.getTestsFoundCount(),
                s.getTestsSucceededCount(), s.getTotalFailureCount(), s.getTestsAbortedCount(),
                String.join(", ", failures));
    }

    /** One backend's medians in milliseconds, or the reason it did not run. */
    private static String benchmarkJson(String name, Parameters params, int runs) {
        try {
            long start = System.nanoTime();
            FheBenchmark.Result r = FheBenchmark.run(params, RingBackends.named(name), 1, runs);
            List<String> medians = new ArrayList<>();
            for (Map.Entry<String, Double> e : r.medianMillis().entrySet()) {
                medians.add(String.format(Locale.ROOT, "%s: %.3f", quote(e.getKey()), e.getValue()));
            }
            return String.format(Locale.ROOT, "{\"backend\": %s, \"runs\": %d, \"seconds\": %.1f, \"median_ms\": {%s}}",
                    quote(name), r.runs(), (System.nanoTime() - start) / 1e9, String.join(", ", medians));
        } catch (RuntimeException e) {
            return String.format("{\"backend\": %s, \"error\": %s}", quote(name), quote(String.valueOf(e)));
        }
    }

    /**
     * Microseconds per polynomial operation whose work is negligible (an add of one limb of 1,024
     * words, inputs held): on a GPU the launch cost, which a model's device_operations multiply;
     * "held" writes one output over and over, "fresh" a new output each time (an allocation too, as
     * most of a model's operations do). Or the reason it did not run, quoted.
     */
    private static String operationMicros(String name) {
        try {
            RingBackend backend = RingBackends.named(name);
            NttTable[] chain = RingBackendConformanceTest.chain(1, 1024);
            SplittableRandom random = new SplittableRandom(1);
            RnsPoly a = RingBackendConformanceTest.poly(random, chain, 1);
            RnsPoly b = RingBackendConformanceTest.poly(random, chain, 1);
            RnsPoly out = RnsPoly.zero(1, 1024, true);
            double held = bestMicros(backend, i -> backend.add(a, i % 2 == 0 ? b : out, out, chain));
            double fresh = bestMicros(backend, i -> backend.add(a, b, RnsPoly.zero(1, 1024, true), chain));
            return String.format(Locale.ROOT, "{\"held\": %.3f, \"fresh\": %.3f}", held, fresh);
        } catch (RuntimeException e) {
            return quote(String.valueOf(e));
        }
    }

    /** The best of three rounds (the first warms up) of 20,000 operations, each round ended by finish(). */
    private static double bestMicros(RingBackend backend, IntConsumer operation) {
        int operations = 20_000;
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            long start = System.nanoTime();
            for (int i = 0; i < operations; i++) {
                operation.accept(i);
            }
            backend.finish();
            best = Math.min(best, (System.nanoTime() - start) / 1e3 / operations);
        }
        return best;
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
