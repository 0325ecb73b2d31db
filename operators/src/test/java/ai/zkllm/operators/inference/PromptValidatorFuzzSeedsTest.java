package ai.zkllm.operators.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The seed of {@link PromptValidatorFuzzTest}: a prompt the validator passes, kept equal to
 * {@link PromptValidatorTest#good()} so fuzzing starts past every check;
 * {@code -Dfuzz.seeds.write=true} rewrites it after an intended change.
 */
class PromptValidatorFuzzSeedsTest {
    private static final Path SEED =
            Path.of("src/test/resources/ai/zkllm/operators/inference/PromptValidatorFuzzTestInputs/validate/valid");

    @Test
    void committedSeedIsTodaysValidPrompt() throws IOException {
        byte[] valid = PromptValidatorTest.good().build().toByteArray();
        if (Boolean.getBoolean("fuzz.seeds.write")) {
            Files.createDirectories(SEED.getParent());
            Files.write(SEED, valid);
        }
        assertArrayEquals(valid, Files.readAllBytes(SEED), SEED + " is stale: rerun with -Dfuzz.seeds.write=true");
    }
}
