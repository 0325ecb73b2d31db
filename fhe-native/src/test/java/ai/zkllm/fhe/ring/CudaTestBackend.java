package ai.zkllm.fhe.ring;

import static org.junit.jupiter.api.Assumptions.abort;

import java.nio.file.Path;

/**
 * The {@link CudaRingBackend} the tests run: on a GPU when one is visible, else through
 * libzkllm_cuda_emulated.so, the same JNI layer over the host emulation of the CUDA kernels, which
 * the native build leaves in its build directory. Skips the calling test under -Dnative.skip=true.
 *
 * <p>A JVM holds one cuda library, so the GPU library is always tried first: RingBackends then
 * reports this machine's own reason for "cuda" being unavailable, not "the emulation is loaded".
 */
public final class CudaTestBackend {
    static final Path EMULATION = Path.of("target", "native-build", "libzkllm_cuda_emulated.so");

    private static Boolean onGpu;
    private static CudaRingBackend shared;

    private CudaTestBackend() {}

    /** One backend shared by the tests, open for the whole run. */
    public static synchronized CudaRingBackend shared() {
        if (shared == null) {
            shared = open();
        }
        return shared;
    }

    /** A backend of its own, for tests that close it. */
    public static synchronized CudaRingBackend open() {
        if (Boolean.getBoolean("native.skip")) {
            // A class whose @BeforeAll aborts reports 0 tests and no reason; say it here.
            System.out.println("cuda backend tests skipped: built with -Dnative.skip=true, no cuda library to test");
            abort("built with -Dnative.skip=true: no cuda library to test");
        }
        return onGpu() ? CudaRingBackend.create() : CudaRingBackend.create(EMULATION);
    }

    /** Whether a GPU is visible, which is when the classpath library loads; tried once, before any emulation. */
    static synchronized boolean onGpu() {
        if (onGpu == null) {
            try {
                CudaLibrary.loadFromClasspath();
                onGpu = true;
            } catch (IllegalStateException noGpu) {
                onGpu = false;
            }
        }
        return onGpu;
    }
}
