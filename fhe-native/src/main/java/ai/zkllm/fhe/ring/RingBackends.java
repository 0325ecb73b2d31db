package ai.zkllm.fhe.ring;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the {@link RingBackend}. All backends give identical bytes, so the choice only
 * affects speed.
 *
 * <p>The system property {@value #PROPERTY} (or, when it is unset, the environment variable
 * {@value #ENVIRONMENT_VARIABLE}) selects one of:
 * <ul>
 *   <li>{@code auto} (default): cuda when a GPU is visible and its library loads, else native when
 *       its library loads, otherwise Java with one warning;</li>
 *   <li>{@code java}: always the Java kernels;</li>
 *   <li>{@code native}: the C++ kernels, failing with the reason when they cannot load;</li>
 *   <li>{@code cuda}: the CUDA kernels on GPU 0, failing with the reason when no library was built
 *       or no GPU is visible. Polynomials stay on the device between operations (see
 *       {@link CudaRingBackend}).</li>
 * </ul>
 */
public final class RingBackends {
    public static final String PROPERTY = "zkllm.fhe.backend";
    public static final String ENVIRONMENT_VARIABLE = "ZKLLM_FHE_BACKEND";

    private static final Logger LOG = LoggerFactory.getLogger(RingBackends.class);
    private static final AtomicBoolean FALLBACK_LOGGED = new AtomicBoolean();
    private static final RingBackend JAVA = new JavaRingBackend();

    /** The names {@link #named} accepts. */
    public static final List<String> NAMES = List.of("auto", "java", "native", "cuda");

    private RingBackends() {}

    /** The backend the configuration asks for (see the class comment). */
    public static RingBackend preferred() {
        String configured = System.getProperty(PROPERTY);
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(ENVIRONMENT_VARIABLE);
        }
        return named(configured == null || configured.isBlank() ? "auto" : configured);
    }

    /**
     * The backend called {@code name}: one of {@link #NAMES} (case-insensitive).
     *
     * @throws IllegalArgumentException for any other name
     * @throws IllegalStateException for "native" or "cuda" when it cannot load
     */
    public static RingBackend named(String name) {
        switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "java":
                return JAVA;
            case "native":
                return NativeHolder.backend();
            case "cuda":
                return CudaHolder.backend();
            case "auto":
                if (CudaHolder.available()) {
                    return CudaHolder.backend();
                }
                if (NativeLibrary.isAvailable()) {
                    return NativeHolder.backend();
                }
                if (FALLBACK_LOGGED.compareAndSet(false, true)) {
                    LOG.warn("Using the Java ring kernels, which are several times slower: {}",
                            NativeLibrary.failureReason());
                }
                return JAVA;
            default:
                throw new IllegalArgumentException(
                        "unknown ring backend '" + name + "' (expected " + String.join(", ", NAMES) + ")");
        }
    }

    /** Created on first use, so that a Java-only configuration never touches the library. */
    private static final class NativeHolder {
        private static volatile NativeRingBackend instance;

        static NativeRingBackend backend() {
            NativeRingBackend backend = instance;
            if (backend == null) {
                backend = NativeRingBackend.create();  // throws with the reason if it cannot load
                instance = backend;
            }
            return backend;
        }
    }

    /** Created on first use; the context lives as long as the JVM. */
    private static final class CudaHolder {
        private static CudaRingBackend instance;
        private static Boolean available;

        /** Whether a GPU backend opens here; tried once (a machine without a GPU says so at the first try). */
        static synchronized boolean available() {
            if (available == null) {
                try {
                    backend();
                    available = true;
                    String library = System.getProperty(CudaRingBackend.LIBRARY_PROPERTY);
                    LOG.info(library == null ? "Using the CUDA ring kernels on GPU 0"
                            : "Using the CUDA ring kernels through " + library);
                } catch (IllegalStateException noGpu) {
                    available = false;
                    LOG.debug("No cuda ring backend: {}", noGpu.getMessage());
                }
            }
            return available;
        }

        static synchronized CudaRingBackend backend() {
            if (instance == null) {
                instance = CudaRingBackend.create();  // throws with the reason if it cannot load
            }
            return instance;
        }
    }
}
