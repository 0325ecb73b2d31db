package ai.zkllm.squeeze;

import ai.zkllm.program.io.Tensor;
import ai.zkllm.program.model.Gpt2Config;
import ai.zkllm.program.model.Gpt2Weights;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** A one-layer GPT-2 (d = 8, 2 heads, context 4, vocabulary 16) of seeded random weights, for checkpoint tests. */
final class TinyGpt2 {
    private TinyGpt2() {}

    static Gpt2Weights weights() {
        Gpt2Config c = Gpt2Config.of(1, 2, 8, 4, 16);
        Map<String, float[]> v = new LinkedHashMap<>();
        Random r = new Random(1);
        Gpt2Weights.expectedShapes(c).forEach((k, s) -> {
            float[] f = new float[(int) Tensor.numel(s)];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) r.nextGaussian() * 0.1f;
            }
            v.put(k, f);
        });
        return Gpt2Weights.fromNamed(c, v);
    }
}
