package ai.zkllm.squeeze;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.zkllm.program.model.Gpt2Weights;
import ai.zkllm.squeeze.model.Gpt2Teacher;
import ai.zkllm.squeeze.train.Djl;
import ai.zkllm.squeeze.train.DjlGpt2;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure-Java teacher matches the DJL (libtorch) forward on the shipped checkpoint. */
class TeacherDjlTest {
    @Test
    void pureJavaTeacherMatchesDjl() {
        Gpt2Weights w = Shipped.reference();
        int[] ctx = Arrays.copyOfRange(Shipped.corpus().heldOut(), 0, 64);
        double[][] java = new Gpt2Teacher(w).forward(ctx);
        try (NDManager m = Djl.engine().newBaseManager(); DjlGpt2 djl = DjlGpt2.fromWeights(m, w, null, false)) {
            NDArray out = djl.forward(DjlGpt2.batch(m, List.of(ctx)));
            float[] f = out.toFloatArray();
            int V = w.config.vocabSize();
            double worst = 0;
            for (int t = 0; t < ctx.length; t++) {
                for (int v = 0; v < V; v++) {
                    worst = Math.max(worst, Math.abs(java[t][v] - f[t * V + v]));
                }
            }
            // DJL computes in float32; logits are O(10)
            assertTrue(worst < 1e-3, "max |java - djl| = " + worst);
        }
    }
}
