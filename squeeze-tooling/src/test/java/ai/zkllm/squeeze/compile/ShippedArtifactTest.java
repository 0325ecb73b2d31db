package ai.zkllm.squeeze.compile;

import ai.zkllm.program.io.TempDirs;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.zkllm.program.artifact.ArtifactStore;
import ai.zkllm.program.artifact.FheArtifact;
import ai.zkllm.program.artifact.ShippedArtifact;
import ai.zkllm.program.squeezed.SqueezedModel;
import ai.zkllm.program.squeezed.SqueezedModelIO;
import ai.zkllm.squeeze.tool.FheReport;
import ai.zkllm.squeeze.tool.SqueezeTool;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The shipped FHE artifact is exactly what {@code zkllm squeeze compile} (RTT 0.1 s, planning context 16)
 * makes of the shipped squeezed model. Regenerate with {@code -Dzkllm.writeArtifact=DIR}.
 */
class ShippedArtifactTest {
    @Test
    void shippedArtifactIsTheCompiledShippedSqueezedModel() throws Exception {
        Path tmp = TempDirs.create("zkllm-art");
        SqueezedModel m = SqueezedModelIO.load(SqueezeTool.shippedSqueezed(tmp.resolve("sq")));
        FheArtifact a = FheReport.compile(m, ShippedArtifact.RTT_SECONDS, ShippedArtifact.PLANNING_CONTEXT,
                System.out::println);
        String out = System.getProperty("zkllm.writeArtifact");
        ArtifactStore store = new ArtifactStore(out != null ? Path.of(out) : tmp.resolve("store"));
        String hash = store.put(a);
        System.out.println("compiled artifact " + hash + ", " + Files.size(store.path(hash)) + " bytes");
        if (out == null) {
            assertEquals(ShippedArtifact.hash(), hash, "the committed artifact is stale: recompile it");
            FheArtifact loaded = ShippedArtifact.load();
            assertEquals(a.plan().toJson().toString(), loaded.plan().toJson().toString());
        }
    }
}
