package ai.zkllm.squeeze.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.program.artifact.ArtifactStore;
import ai.zkllm.program.artifact.FheArtifact;
import ai.zkllm.program.model.Checkpoint;
import ai.zkllm.squeeze.compile.TinyModelsAccess;
import ai.zkllm.squeeze.train.Corpus;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** One FHE prediction end to end through the report; leaves its inputs in target/report-demo for the CLI. */
class FheReportTest {
    @Test
    void reportHasEveryColumnAndAPlot() throws Exception {
        Path demo = Path.of("target", "report-demo");
        Files.createDirectories(demo);
        Checkpoint.save(TinyModelsAccess.teacher(), demo.resolve("teacher"), Map.of("note", "random test teacher"), null);
        FheArtifact a = FheReport.compile(TinyModelsAccess.reference(), 0.1, 8, System.out::println);
        String hash = new ArtifactStore(demo.resolve("store")).put(a);
        int[] held = Corpus.shipped().heldOut();
        Files.write(demo.resolve("heldout.txt"), toBytes(Arrays.copyOf(held, 2000)));
        ObjectNode r = FheReport.run(a, hash, TinyModelsAccess.teacher(), Arrays.copyOf(held, 2000),
                new FheReport.Options(1, 4, 4, new int[] {4, 8}, new int[] {7, 15}, 2, Corpus.shipped().train()),
                System.out::println);
        FheReport.write(r, demo.resolve("report.json"), demo.resolve("report.png"));
        System.out.println(r.toPrettyString());
        assertEquals(1, r.path("fhe").path("positions").asInt());
        assertTrue(r.path("fhe").path("max_logit_error").asDouble() <= 1e-2);
        assertEquals(1.0, r.path("fhe").path("top1_agreement_squeezed_plaintext").asDouble());
        assertEquals(0.05, r.path("fhe").path("top1_agreement_squeezed_plaintext_lower95").asDouble(), 1e-9);
        assertTrue(r.path("plaintext").path("teacher_perplexity").asDouble() > 1);
        JsonNode plain = r.path("plaintext");
        assertEquals(Math.log(plain.path("squeezed_perplexity").asDouble()) / Math.log(2),
                plain.path("squeezed_bits_per_byte").asDouble(), 1e-12);
        assertEquals(Math.log(r.path("fhe").path("perplexity").asDouble()) / Math.log(2),
                r.path("fhe").path("bits_per_byte").asDouble(), 1e-9);
        assertTrue(r.path("fhe").has("teacher_bits_per_byte_same_positions"));
        assertEquals(4, r.path("sweep").size());
        assertEquals(2, r.path("sweep").get(0).path("align_steps").asInt());
        assertTrue(r.path("program").path("evaluation_key_bytes").asLong() > 1_000_000);
        assertEquals(760, ImageIO.read(demo.resolve("report.png").toFile()).getWidth());
        Files.writeString(demo.resolve("hash.txt"), hash);
    }

    private static byte[] toBytes(int[] t) {
        byte[] b = new byte[t.length];
        for (int i = 0; i < t.length; i++) {
            b[i] = (byte) t[i];
        }
        return b;
    }
}
