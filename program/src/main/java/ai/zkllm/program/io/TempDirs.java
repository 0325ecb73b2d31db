package ai.zkllm.program.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Temporary folders that do not outlive the process: {@link #create} makes one in {@code java.io.tmpdir}
 * and registers it; {@link #delete} removes it (the normal path, e.g. from a {@code close()}), and a JVM
 * shutdown hook removes whatever is still registered when the JVM exits: normal exit, {@code System.exit},
 * Ctrl-C (SIGINT) and SIGTERM all run it. Only SIGKILL leaves a folder behind.
 */
public final class TempDirs {
    private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();
    /** A folder still being written to (a broker's log) may get new files while it is deleted: retry. */
    private static final int ATTEMPTS = 20;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(TempDirs::deleteAll, "zkllm-temp-dirs"));
    }

    private TempDirs() {}

    /** A fresh folder {@code java.io.tmpdir/<prefix><random>}, deleted at the latest when the JVM exits. */
    public static Path create(String prefix) throws IOException {
        return create(Path.of(System.getProperty("java.io.tmpdir")), prefix);
    }

    /** As {@link #create(String)}, in {@code parent} (e.g. a local network's state folder). */
    public static Path create(Path parent, String prefix) throws IOException {
        Path dir = Files.createTempDirectory(parent, prefix);
        LIVE.add(dir);
        return dir;
    }

    /** Deletes {@code dir} and everything in it, best effort, and forgets it; a missing folder is fine. */
    public static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        for (int attempt = 0; attempt < ATTEMPTS && Files.exists(dir); attempt++) {
            deleteTree(dir);
            if (Files.exists(dir)) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        LIVE.remove(dir);
    }

    /** Whether {@code dir} is still to be deleted at exit (tests). */
    public static boolean registered(Path dir) {
        return LIVE.contains(dir);
    }

    private static void deleteAll() {
        for (Path dir : Set.copyOf(LIVE)) {
            delete(dir);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException ignored) {
                    // a folder that got a new file meanwhile: the next attempt
                }
            });
        } catch (NoSuchFileException | java.io.UncheckedIOException ignored) {
            // removed meanwhile (a file walked away under us): the next attempt checks
        } catch (IOException ignored) {
            // best effort: a temp folder
        }
    }
}
