package ai.zkllm.squeeze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.program.Logits;
import ai.zkllm.program.model.Gpt2Weights;
import ai.zkllm.program.plan.Layout;
import ai.zkllm.squeeze.model.Gpt2Teacher;
import ai.zkllm.squeeze.tool.Fidelity;
import ai.zkllm.squeeze.tool.ReferenceModel;
import ai.zkllm.squeeze.train.Corpus;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shipped English reference model (Jane Austen): its architecture, held-out bits per byte, a greedy sample. */
class EnglishReferenceModelTest {
    /** Measured on these 8 of Persuasion's windows (1,024 predictions): 1.980; on all 3,610 windows: 1.781. */
    private static final double BITS_PER_BYTE_BOUND = 2.05;
    /** Token and position embeddings 49,152, four layers of 198,272, the final LayerNorm 256. */
    private static final long PARAMS = 842_496;
    private static final String CONTINUATION = " that I have not the same time of the su";

    @Test
    void isTheRecipesArchitectureAndFitsTheFheLayout() {
        Gpt2Weights w = Shipped.english();
        assertEquals(ReferenceModel.ENGLISH_CONFIG, w.config);
        assertEquals(512, Layout.width(w.config), "W = max(3d, n_inner, vocabulary) rounded up to a power of two");
        assertEquals(PARAMS, w.parameterCount());
    }

    @Test
    void heldOutBitsPerByteOnASample() throws Exception {
        Gpt2Weights w = Shipped.english();
        List<int[]> windows = Corpus.windows(Corpus.austen().heldOut(), w.config.nPositions() + 1, 8);
        double bits = Fidelity.bits(Fidelity.perplexity(new Gpt2Teacher(w)::forward, windows));
        assertTrue(bits < BITS_PER_BYTE_BOUND, "held-out bits per byte " + bits);
    }

    @Test
    void greedyContinuationIsEnglish() {
        assertEquals(CONTINUATION, greedy(new Gpt2Teacher(Shipped.english()), "It is a truth universally acknowledged", 40));
    }

    /** The most likely next byte, {@code n} times (pure-Java doubles: the same bytes on every machine). */
    private static String greedy(Gpt2Teacher teacher, String prompt, int n) {
        int[] tokens = prompt.chars().toArray();
        int context = teacher.config().nPositions();
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            double[][] logits = teacher.forward(Arrays.copyOfRange(tokens, Math.max(0, tokens.length - context),
                    tokens.length));
            int next = Logits.argmax(logits[logits.length - 1]);
            tokens = Arrays.copyOf(tokens, tokens.length + 1);
            tokens[tokens.length - 1] = next;
            out[i] = (byte) next;
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
