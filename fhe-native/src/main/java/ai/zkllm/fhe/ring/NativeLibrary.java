package ai.zkllm.fhe.ring;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Loads libzkllm_fhe.so, the C++ ring kernels, from the classpath at most once per class loader.
 *
 * <p>The build puts the library under {@code native/<os>-<arch>/} among the classes. When that
 * resource is a plain file (running from target/classes) it is loaded in place; inside a jar it
 * is copied to a temporary folder first ({@link #localDirectory}), since the dynamic linker needs a path.
 */
public final class NativeLibrary {
    static final String LIBRARY_FILE = "libzkllm_fhe.so";

    private static final Object LOCK = new Object();
    private static volatile boolean attempted;
    private static volatile String failure;

    private NativeLibrary() {}

    /** Whether the library is loaded, trying once if no attempt was made yet. */
    public static boolean isAvailable() {
        ensureAttempted();
        return failure == null;
    }

    /** Why the library could not be loaded, or null when it is loaded. */
    public static String failureReason() {
        ensureAttempted();
        return failure;
    }

    /** Loads the library or throws {@link IllegalStateException} saying why it cannot. */
    public static void load() {
        if (!isAvailable()) {
            throw new IllegalStateException("native ring backend unavailable: " + failure);
        }
    }

    /** The classpath resource for this platform, e.g. native/linux-x86_64/libzkllm_fhe.so. */
    static String resourcePath() {
        return resourceDirectory() + LIBRARY_FILE;
    }

    /** Where the build puts this platform's libraries among the classes, e.g. native/linux-x86_64/. */
    static String resourceDirectory() {
        return "native/" + platform() + "/";
    }

    private static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String osName = os.startsWith("linux") ? "linux" : os.replaceAll("\\W", "");
        String archName = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64" : arch;
        return osName + "-" + archName;
    }

    private static void ensureAttempted() {
        if (attempted) {
            return;
        }
        synchronized (LOCK) {
            if (!attempted) {
                failure = tryLoad();
                attempted = true;
            }
        }
    }

    /** Returns null on success, otherwise the reason. */
    private static String tryLoad() {
        String resource = resourcePath();
        URL url = NativeLibrary.class.getClassLoader().getResource(resource);
        if (url == null) {
            return "no " + resource + " on the classpath (platform not built, or built with -Dnative.skip=true)";
        }
        try {
            System.load(localDirectory(url).resolve(LIBRARY_FILE).toString());
            return null;
        } catch (IOException | URISyntaxException | UnsatisfiedLinkError | SecurityException e) {
            return "cannot load " + url + ": " + e;
        }
    }

    /**
     * The folder holding these classpath files (of one folder): theirs when they are plain files,
     * else a temporary copy of each, since the dynamic linker needs paths and a library finds its
     * neighbours through $ORIGIN.
     */
    static Path localDirectory(URL... files) throws IOException, URISyntaxException {
        if ("file".equals(files[0].getProtocol())) {
            return Path.of(files[0].toURI()).getParent();
        }
        Path directory = Files.createTempDirectory("zkllm_native");
        directory.toFile().deleteOnExit();
        for (URL url : files) {
            String path = url.getPath();
            Path copy = directory.resolve(path.substring(path.lastIndexOf('/') + 1));
            try (InputStream in = url.openStream()) {
                Files.copy(in, copy);
            }
            copy.toFile().deleteOnExit();  // deleted before the folder: the hooks run in reverse order
        }
        return directory;
    }
}
