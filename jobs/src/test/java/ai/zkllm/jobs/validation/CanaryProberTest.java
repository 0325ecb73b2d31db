package ai.zkllm.jobs.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.jobs.ValidationJobConfig;
import ai.zkllm.jobs.demo.LinearSquareProgram;
import ai.zkllm.program.blob.BlobStore;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CanaryProberTest {
    static final int DRAWS = 20_000;

    @TempDir
    Path tmp;

    CanaryProber prober(LinearSquareProgram program) {
        ValidationJobConfig cfg = new ValidationJobConfig();
        cfg.brain = 3;
        cfg.validatorId = 1;
        return new CanaryProber(cfg, program, program::plainLogits, new BlobStore(tmp.toString(), 1 << 20));
    }

    /** Exponential gaps: mean as configured, and as many long gaps as a Poisson process has (no floor, no ceiling). */
    @Test
    void gapsAreExponential() {
        try (CanaryProber prober = prober(new LinearSquareProgram())) {
            long[] gaps = IntStream.range(0, DRAWS).mapToLong(i -> prober.nextGapMs(10_000)).toArray();
            double mean = java.util.Arrays.stream(gaps).average().orElseThrow();
            double beyondTwoMeans = java.util.Arrays.stream(gaps).filter(g -> g > 20_000).count() / (double) DRAWS;
            double belowTenth = java.util.Arrays.stream(gaps).filter(g -> g < 1000).count() / (double) DRAWS;
            assertTrue(Math.abs(mean - 10_000) < 300, "mean " + mean);
            assertEquals(Math.exp(-2), beyondTwoMeans, 0.01, "P(gap > 2 mean)");
            assertEquals(1 - Math.exp(-0.1), belowTenth, 0.01, "P(gap < mean / 10)");
        }
    }

    @Test
    void contextLengthsCoverTheWholeWindowUniformly() {
        LinearSquareProgram program = new LinearSquareProgram();
        try (CanaryProber prober = prober(program)) {
            int[] counts = new int[program.maxContext() + 1];
            IntStream.range(0, DRAWS).forEach(i -> counts[prober.nextContextLength()]++);
            assertEquals(0, counts[0]);
            double expected = (double) DRAWS / program.maxContext();
            for (int n = 1; n <= program.maxContext(); n++) {
                assertTrue(Math.abs(counts[n] - expected) < 0.4 * expected, "length " + n + ": " + counts[n]);
            }
        }
    }
}
