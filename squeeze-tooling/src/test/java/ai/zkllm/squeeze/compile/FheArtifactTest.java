package ai.zkllm.squeeze.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.program.artifact.ArtifactStore;
import ai.zkllm.program.artifact.FheArtifact;
import ai.zkllm.program.io.ArtifactException;
import ai.zkllm.program.plan.Plan;
import ai.zkllm.program.squeezed.SqueezedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FheArtifactTest {
    @TempDir
    Path dir;

    @Test
    void roundTripByHash() throws Exception {
        SqueezedModel m = TinyModelsAccess.reference();
        Plan plan = new PlanCompiler(m, CostModel.JAVA_N14, 0.1, 8).compile(s -> { });
        ArtifactStore store = new ArtifactStore(dir);
        String hash = store.put(new FheArtifact(m, plan));
        assertEquals(64, hash.length());
        assertEquals(hash, new ArtifactStore(dir).put(new FheArtifact(m, plan)), "content hash is deterministic");
        FheArtifact back = store.load(hash);
        assertEquals(plan, back.plan());
        int[] ctx = {1, 2, 3, 200, 17};
        double[] a = m.logits(ctx);
        double[] c = back.model().logits(ctx);
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], c[i], 1e-4, "stored values are float32");
        }
        // what was loaded stores to the same bytes: the hash names the content
        Path again = dir.resolve("again");
        assertEquals(hash, new ArtifactStore(again).put(back));
        assertArrayEquals(c, new ArtifactStore(again).load(hash).model().logits(ctx));
        assertEquals(hash, FheArtifact.loadProgram(dir, hash).modelHash());
        try (var files = Files.list(again)) {
            assertEquals(1, files.count(), "no temp files left behind");
        }
    }

    @Test
    void hashMismatchAndCorruptionNameTheFile() throws Exception {
        SqueezedModel m = TinyModelsAccess.reference();
        Plan plan = new PlanCompiler(m, CostModel.JAVA_N14, 0.1, 8).compile(s -> { });
        ArtifactStore store = new ArtifactStore(dir);
        String hash = store.put(new FheArtifact(m, plan));
        Path f = store.path(hash);
        // flip one byte in the tensor data
        byte[] b = Files.readAllBytes(f);
        b[b.length - 100] ^= 1;
        Files.write(f, b);
        ArtifactException e = assertThrows(ArtifactException.class, () -> store.load(hash));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("hash mismatch"), e.getMessage());
        // truncated file read without an expected hash
        Path t = dir.resolve("truncated.zkfhe");
        Files.write(t, java.util.Arrays.copyOf(b, b.length / 2), StandardOpenOption.CREATE);
        e = assertThrows(ArtifactException.class, () -> FheArtifact.read(t, null));
        assertTrue(e.getMessage().contains(t.toString()), e.getMessage());
        // missing
        String other = "0".repeat(64);
        e = assertThrows(ArtifactException.class, () -> store.load(other));
        assertTrue(e.getMessage().contains(other), e.getMessage());
        e = assertThrows(ArtifactException.class, () -> store.load("not-a-hash"));
        assertTrue(e.getMessage().contains("not-a-hash"));
    }
}
