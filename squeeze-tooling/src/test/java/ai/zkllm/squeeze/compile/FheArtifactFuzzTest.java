package ai.zkllm.squeeze.compile;

import ai.zkllm.program.artifact.FheArtifact;
import ai.zkllm.program.io.ArtifactException;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzz target for the artifact loader (safetensors, then the manifest in its metadata: config,
 * squeezed spec, plan, parameters). Property: the file loads, or fails with
 * {@link ArtifactException}; anything else is a finding. The seed is a valid artifact of the tiny
 * reference model, kept current by {@link FheArtifactFuzzSeedsTest}; findings are in
 * FheArtifactFuzzTestInputs/read/.
 */
class FheArtifactFuzzTest {
    /** A little above the seed, so mutations can grow it without reaching sizes that only cost time. */
    private static final int MAX_BYTES = 1 << 20;
    private static final Path FILE = tempFile();

    @FuzzTest(maxDuration = "45s")
    void read(byte[] bytes) throws IOException {
        if (bytes.length > MAX_BYTES) {
            return;
        }
        Files.write(FILE, bytes);
        try {
            FheArtifact.read(FILE, null);
        } catch (ArtifactException refused) {
            // the documented outcome of a bad artifact
        }
    }

    private static Path tempFile() {
        try {
            Path file = Files.createTempFile("fuzz", FheArtifact.EXTENSION);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
