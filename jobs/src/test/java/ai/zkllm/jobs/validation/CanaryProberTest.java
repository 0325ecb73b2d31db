package ai.zkllm.jobs.validation;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.fhe.ckks.KeyGenerator;
import ai.zkllm.fhe.ring.RingBackends;
import ai.zkllm.jobs.ValidationJobConfig;
import ai.zkllm.jobs.demo.LinearSquareProgram;
import ai.zkllm.program.FheEngines;
import ai.zkllm.program.blob.BlobStore;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CanaryProberTest {
    @TempDir
    Path tmp;

    @Test
    void intervalsJitterAroundTheMean() {
        ValidationJobConfig cfg = new ValidationJobConfig();
        cfg.brain = 3;
        cfg.validatorId = 1;
        cfg.canaryJitter = 0.5;
        LinearSquareProgram program = new LinearSquareProgram();
        var sk = new KeyGenerator(FheEngines.get(program.parameters(), RingBackends.preferred()).context(),
                new SecureRandom()).secretKey();
        try (CanaryProber prober = new CanaryProber(cfg, program, program::plainLogits, sk,
                new BlobStore(tmp.toString(), 1 << 20), tmp.resolve("k"))) {
            long min = Long.MAX_VALUE;
            long max = 0;
            double sum = 0;
            for (int i = 0; i < 2000; i++) {
                long v = prober.nextIntervalMs(10_000);
                min = Math.min(min, v);
                max = Math.max(max, v);
                sum += v;
            }
            assertTrue(min >= 5000 && max <= 15_000, min + ".." + max);
            assertTrue(max - min > 8000, "spread " + min + ".." + max);
            assertTrue(Math.abs(sum / 2000 - 10_000) < 400, "mean " + sum / 2000);
        }
    }
}
