package ai.zkllm.squeeze.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The adversarial term of alignment (the paper's GAN analogy): a one-hidden-layer MLP that reads a
 * next-token log-distribution and scores whether it came from the teacher (high) or the squeezed
 * student (low).
 */
public final class Discriminator implements AutoCloseable {
    private final Map<String, NDArray> params = new LinkedHashMap<>();

    public Discriminator(NDManager manager, int vocab, int hidden, long seed) {
        Random r = new Random(seed);
        float[] w1 = new float[vocab * hidden];
        float[] w2 = new float[hidden];
        for (int i = 0; i < w1.length; i++) {
            w1[i] = (float) (r.nextGaussian() / Math.sqrt(vocab));
        }
        for (int i = 0; i < w2.length; i++) {
            w2[i] = (float) (r.nextGaussian() / Math.sqrt(hidden));
        }
        put(manager, "w1", w1, new Shape(vocab, hidden));
        put(manager, "b1", new float[hidden], new Shape(hidden));
        put(manager, "w2", w2, new Shape(hidden, 1));
        put(manager, "b2", new float[1], new Shape(1));
    }

    private void put(NDManager m, String name, float[] v, Shape s) {
        NDArray a = m.create(v, s);
        a.setRequiresGradient(true);
        params.put(name, a);
    }

    public Map<String, NDArray> params() {
        return params;
    }

    /** Logit that {@code logProbs [..., V]} is a teacher distribution. */
    public NDArray score(NDArray logProbs) {
        NDArray h = logProbs.matMul(params.get("w1")).add(params.get("b1"));
        h = h.maximum(h.mul(0.2)); // leaky ReLU (plaintext only: the discriminator never runs under FHE)
        return h.matMul(params.get("w2")).add(params.get("b2"));
    }

    /** log(1 + e^x), stable. */
    public static NDArray softplus(NDArray x) {
        return x.maximum(0).add(x.abs().neg().exp().add(1).log());
    }

    @Override
    public void close() {
        params.values().forEach(NDArray::close);
    }
}
