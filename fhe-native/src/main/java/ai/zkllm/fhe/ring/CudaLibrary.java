package ai.zkllm.fhe.ring;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads the JNI library behind {@link CudaRingBackend}: libzkllm_cuda_jni.so from the classpath,
 * or (tests) a given build of the same JNI layer over the host emulation of the kernels.
 *
 * <p>A JVM binds the backend's native methods to one library, so at most one is loaded: asking
 * for another throws. The GPU library refuses to load where no device is visible (its JNI_OnLoad
 * fails, leaving nothing bound), so on a machine without a GPU the emulation can still load
 * after a failed attempt. The GPU library needs libzkllm_cuda.so beside it (it finds it through
 * $ORIGIN); from a jar both are copied into one temporary directory first.
 */
final class CudaLibrary {
    static final String LIBRARY_FILE = "libzkllm_cuda_jni.so";
    static final String KERNELS_FILE = "libzkllm_cuda.so";

    private static Path loaded;
    private static boolean classpathAttempted;
    private static String classpathFailure;

    private CudaLibrary() {}

    /** Loads libzkllm_cuda_jni.so from the classpath, or throws {@link IllegalStateException} saying why not. */
    static synchronized void loadFromClasspath() {
        if (!classpathAttempted) {
            classpathFailure = tryLoadFromClasspath();
            classpathAttempted = true;
        }
        if (classpathFailure != null) {
            throw unavailable(classpathFailure);
        }
    }

    /** Loads the library at {@code file} unless it is the one already loaded. */
    static synchronized void load(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        if (absolute.equals(loaded)) {
            return;
        }
        if (!Files.isRegularFile(absolute)) {
            throw unavailable("no " + absolute);
        }
        String failure = tryLoad(absolute);
        if (failure != null) {
            throw unavailable(failure);
        }
    }

    private static IllegalStateException unavailable(String reason) {
        return new IllegalStateException("cuda ring backend unavailable: " + reason);
    }

    /** Null on success, otherwise the reason. */
    private static String tryLoadFromClasspath() {
        String directory = NativeLibrary.resourceDirectory();
        ClassLoader classLoader = CudaLibrary.class.getClassLoader();
        URL library = classLoader.getResource(directory + LIBRARY_FILE);
        URL kernels = classLoader.getResource(directory + KERNELS_FILE);
        if (library == null || kernels == null) {
            return "no " + directory + LIBRARY_FILE + " with its " + KERNELS_FILE
                    + " on the classpath (built without nvcc, or with -Dnative.skip=true)";
        }
        try {
            return tryLoad(NativeLibrary.localDirectory(library, kernels).resolve(LIBRARY_FILE));
        } catch (IOException | URISyntaxException e) {
            return "cannot copy " + library + " out of the jar: " + e;
        }
    }

    private static String tryLoad(Path file) {
        if (loaded != null) {
            return loaded + " is already loaded in this JVM";
        }
        try {
            System.load(file.toString());
            loaded = file;
            return null;
        } catch (UnsatisfiedLinkError | SecurityException e) {
            return e.getMessage() + " (" + file + ")";
        }
    }
}
