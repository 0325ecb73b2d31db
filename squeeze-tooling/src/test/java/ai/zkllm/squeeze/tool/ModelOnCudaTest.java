package ai.zkllm.squeeze.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;

import ai.zkllm.fhe.ring.CudaRingBackend;
import ai.zkllm.program.model.Gpt2Config;
import ai.zkllm.program.squeezed.SqueezedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A squeezed model end to end on the cuda backend, polynomials held on the device between
 * operations: on the GPU when one is visible, else through the host emulation of the CUDA kernels
 * that fhe-native's build leaves (whose "device" memory is separate, so a stale copy is a wrong
 * logit). Two batched sessions, cached encodings, every token against the plaintext model.
 */
class ModelOnCudaTest {
    private static final Path EMULATION = Path.of("..", "fhe-native", "target", "native-build",
            "libzkllm_cuda_emulated.so");

    @Test
    void batchedSessionsOnTheCudaBackendGetThePlaintextModelsLogits() {
        SqueezedModel model = RandomModel.squeezed(Gpt2Config.of(1, 2, 16, 8, 200), 11);
        try (CudaRingBackend cuda = open()) {
            ModelBenchmark.Result r = ModelBenchmark.run(model, cuda,
                    new ModelBenchmark.Options(2, 2, 9, true, 2, true), line -> { });
            assertEquals("cuda", r.backend());
            assertTrue(r.maxLogitError() <= 1e-2, "max logit error " + r.maxLogitError());
            assertNotNull(r.device(), "the cuda backend counts what crosses PCIe");
            assertTrue(r.device().bytesUp() > 0 && r.device().bytesDown() > 0);
            assertTrue(r.device().operations() > 0);
            // a GPU is waited for (every logit is read back); the emulation counts its device work as the wait; the
            // backend serializes its calls, so either fits in the wall time
            long waited = r.device().waitNanos();
            assertTrue(waited > 0 && waited / 1e9 <= r.wallSeconds(), "waited " + waited + " ns in " + r.wallSeconds() + " s");
            // each of the first session's tokens counts the device's work while it ran, not since the run began: together
            // at most the run's (all of it where the other session's rounds ran in the same batches)
            long launched = 0;
            for (ModelBenchmark.Token t : r.tokens()) {
                assertNotNull(t.device(), "a token on the cuda backend counts the device's work");
                assertTrue(t.device().launches() > 0 && t.device().operations() > 0 && t.device().bytesDown() > 0);
                assertTrue(t.device().waitNanos() / 1e9 <= t.seconds(), "a token waits within its own time");
                launched += t.device().launches();
            }
            assertTrue(launched <= r.device().launches(), launched + " of " + r.device().launches() + " launches");
        }
    }

    private static CudaRingBackend open() {
        try {
            return CudaRingBackend.create();  // a GPU, when one is visible (tried first: one cuda library per JVM)
        } catch (IllegalStateException noGpu) {
            if (!Files.isRegularFile(EMULATION)) {
                System.out.println("ModelOnCudaTest skipped: no GPU and no " + EMULATION + " (-Dnative.skip=true)");
                abort("no GPU and no host emulation of the cuda kernels");
            }
            return CudaRingBackend.create(EMULATION);
        }
    }
}
