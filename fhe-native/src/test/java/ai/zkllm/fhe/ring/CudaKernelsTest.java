package ai.zkllm.fhe.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The CUDA kernels (src/main/cuda) against the CPU kernels, bit for bit, through the C++ checker
 * that the native build produces (src/test/cuda/kernel_check.cpp):
 *
 * <ul>
 *   <li>{@code zkllm_cuda_hostcheck}, always built: the kernels' per-thread code, compiled by the
 *       host compiler from the same {@code __host__ __device__} header, replays every kernel's grid
 *       on the CPU. This is what CI (no GPU) checks.
 *   <li>{@code zkllm_cuda_check}, built when CMake finds nvcc: the same checks on a GPU; skipped
 *       with a message when the kernels were not built or no GPU is present.
 * </ul>
 */
class CudaKernelsTest {
    private static final Path BUILD = Path.of("target", "native-build", "cuda");
    private static final int NO_DEVICE = 77;

    @Test
    void hostEmulationOfEveryKernelMatchesTheCpuKernels() throws Exception {
        assumeFalse(Boolean.getBoolean("native.skip"), "built with -Dnative.skip=true");
        Path exe = BUILD.resolve("zkllm_cuda_hostcheck");
        assertTrue(Files.isExecutable(exe), exe + " was not built (it needs CMake >= 3.18; see the CMake output)");
        Run run = run(exe, "--quick");
        assertEquals(0, run.exit, run.output);
        assertTrue(run.output.contains(" 0 failed"), run.output);
    }

    @Test
    void gpuKernelsMatchTheCpuKernels() throws Exception {
        assumeFalse(Boolean.getBoolean("native.skip"), "built with -Dnative.skip=true");
        Path exe = BUILD.resolve("zkllm_cuda_check");
        if (!Files.isExecutable(exe)) {
            abort("CUDA kernels not built: nvcc not found (GPU kernel tests skipped)");
        }
        Run run = run(exe, "--quick");
        if (run.exit == NO_DEVICE) {
            System.out.println("CudaKernelsTest: no CUDA device, GPU kernel tests skipped");
            abort("no CUDA device: GPU kernel tests skipped");
        }
        assertEquals(0, run.exit, run.output);
    }

    private record Run(int exit, String output) {}

    private static Run run(Path exe, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(exe.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(exe + " did not finish in 120 s");
        }
        return new Run(process.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
