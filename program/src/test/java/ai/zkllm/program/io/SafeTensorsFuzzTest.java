package ai.zkllm.program.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Fuzz target for the safetensors reader, the first reader of a downloaded model. Property: the
 * file reads into tensors that hold exactly what their shapes say, or fails with
 * {@link ArtifactException}; any other throwable (an IOException that does not name the problem, a
 * runtime exception, an OOM) is a finding. Seeds and findings are in
 * SafeTensorsFuzzTestInputs/read/.
 */
class SafeTensorsFuzzTest {
    /** Tensors are allocated by the sizes the header declares, which the file size bounds. */
    private static final int MAX_BYTES = 1 << 16;
    private static final Path FILE = tempFile("fuzz", ".safetensors");

    @FuzzTest(maxDuration = "45s")
    void read(byte[] bytes) throws IOException {
        if (bytes.length > MAX_BYTES) {
            return;
        }
        Files.write(FILE, bytes);
        SafeTensors.Contents contents;
        try {
            contents = SafeTensors.read(FILE);
        } catch (ArtifactException refused) {
            return;
        }
        for (Tensor t : contents.tensors().values()) {
            long values = Arrays.stream(t.shape()).asLongStream().reduce(1, Math::multiplyExact);
            assertEquals(values, t.isFloat() ? t.floats().length : t.ints().length, "a tensor holds what its shape says");
        }
    }

    /** One file for every input, deleted when the JVM exits: writing is far cheaper than creating. */
    static Path tempFile(String prefix, String suffix) {
        try {
            Path file = Files.createTempFile(prefix, suffix);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
