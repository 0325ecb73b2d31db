package ai.zkllm.squeeze.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.zkllm.program.artifact.ArtifactStore;
import ai.zkllm.program.artifact.FheArtifact;
import ai.zkllm.program.artifact.ShippedArtifact;
import ai.zkllm.program.squeezed.SqueezedModel;
import ai.zkllm.program.squeezed.SqueezedModelIO;
import ai.zkllm.squeeze.tool.FheReport;
import ai.zkllm.squeeze.tool.SqueezeTool;
import ai.zkllm.program.io.TempDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each shipped FHE artifact is exactly what {@code zkllm squeeze compile} (RTT 0.1 s, planning context 1) makes of
 * its shipped squeezed model. Regenerate with {@code -Dzkllm.writeArtifact=DIR}.
 */
class ShippedArtifactTest {
    @ParameterizedTest
    @EnumSource(ShippedArtifact.class)
    void shippedArtifactIsTheCompiledShippedSqueezedModel(ShippedArtifact shipped) throws Exception {
        Path tmp = TempDirs.create("zkllm-art");
        SqueezedModel m = SqueezedModelIO.load(SqueezeTool.shippedSqueezed(shipped, tmp.resolve("sq")));
        FheArtifact a = FheReport.compile(m, ShippedArtifact.RTT_SECONDS, ShippedArtifact.PLANNING_CONTEXT,
                System.out::println);
        String out = System.getProperty("zkllm.writeArtifact");
        ArtifactStore store = new ArtifactStore(out != null ? Path.of(out) : tmp.resolve("store"));
        String hash = store.put(a);
        System.out.println(shipped + ": compiled artifact " + hash + ", " + Files.size(store.path(hash)) + " bytes");
        if (out == null) {
            assertEquals(shipped.hash(), hash, "the committed artifact of " + shipped + " is stale: recompile it");
            FheArtifact loaded = shipped.load();
            assertEquals(a.plan().toJson().toString(), loaded.plan().toJson().toString());
        }
    }
}
