package ai.zkllm.squeeze.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.zkllm.program.artifact.FheArtifact;
import ai.zkllm.program.plan.Plan;
import ai.zkllm.program.squeezed.SqueezedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed of {@link FheArtifactFuzzTest}: the tiny reference model's artifact, so fuzzing starts
 * from a file that loads. It must equal what is written today; {@code -Dfuzz.seeds.write=true}
 * rewrites it after an intended change of the format or the model.
 */
class FheArtifactFuzzSeedsTest {
    private static final Path SEED =
            Path.of("src/test/resources/ai/zkllm/squeeze/compile/FheArtifactFuzzTestInputs/read/valid");

    @TempDir
    Path dir;

    @Test
    void committedSeedIsTodaysArtifact() throws IOException {
        SqueezedModel m = TinyModelsAccess.reference();
        Plan plan = new PlanCompiler(m, CostModel.JAVA_N14, 0.1, 8).compile(s -> { });
        Path file = dir.resolve("seed" + FheArtifact.EXTENSION);
        new FheArtifact(m, plan).write(file);
        byte[] valid = Files.readAllBytes(file);
        if (Boolean.getBoolean("fuzz.seeds.write")) {
            Files.createDirectories(SEED.getParent());
            Files.write(SEED, valid);
        }
        assertArrayEquals(valid, Files.readAllBytes(SEED), SEED + " is stale: rerun with -Dfuzz.seeds.write=true");
    }
}
