package ai.zkllm.program.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TempDirsTest {
    @Test
    void deleteRemovesTheTreeAndForgetsIt() throws Exception {
        Path dir = TempDirs.create("zkllm-tempdirs-test-");
        Files.createDirectories(dir.resolve("a/b"));
        Files.writeString(dir.resolve("a/b/c.txt"), "x");
        assertTrue(TempDirs.registered(dir));
        TempDirs.delete(dir);
        assertFalse(Files.exists(dir), dir + " left behind");
        assertFalse(TempDirs.registered(dir));
        TempDirs.delete(dir); // twice is fine
    }

    /**
     * Ctrl-C: a child JVM holding a temp folder gets SIGINT; its shutdown hook removes the folder. The child
     * starts with SIGINT at its default action: a build started in the background by a shell without job
     * control inherits SIGINT ignored, and a JVM that starts so never runs its hooks on it.
     */
    @Test
    void sigintRemovesTheFolders() throws Exception {
        Process child = new ProcessBuilder("env", "--default-signal=INT",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Holder.class.getName())
                .redirectErrorStream(true).start();
        Path dir;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream()))) {
            dir = Path.of(r.readLine());
            assertTrue(Files.exists(dir.resolve("file")));
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(child.pid())).start();
            assertEquals(0, kill.waitFor());
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child did not exit on SIGINT");
        } finally {
            child.destroyForcibly();
        }
        assertFalse(Files.exists(dir), dir + " survived SIGINT");
    }

    /** The child: makes a folder with a file, prints its path, waits to be interrupted. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            Path dir = TempDirs.create("zkllm-tempdirs-child-");
            Files.writeString(dir.resolve("file"), "x");
            System.out.println(dir);
            System.out.flush();
            Thread.sleep(120_000);
        }
    }
}
