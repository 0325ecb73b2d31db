package ai.zkllm.squeeze.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam (Kingma and Ba) on DJL arrays, in place, with global-norm gradient clipping. Written out
 * rather than taken from DJL's optimizer so that the update is explicit and its temporaries are
 * scoped; gradients are zeroed after each step.
 */
public final class AdamOptimizer {
    private final Map<String, NDArray> params;
    private final Map<String, NDArray> m = new LinkedHashMap<>();
    private final Map<String, NDArray> v = new LinkedHashMap<>();
    private final double beta1 = 0.9;
    private final double beta2 = 0.999;
    private final double eps = 1e-8;
    private final double clipNorm;
    private int t;
    private int skipped;

    public AdamOptimizer(Map<String, NDArray> params, double clipNorm) {
        this.params = params;
        this.clipNorm = clipNorm;
        params.forEach((k, p) -> {
            m.put(k, p.zerosLike());
            v.put(k, p.zerosLike());
        });
    }

    /** One update with learning rate {@code lr}; returns the gradient norm before clipping. */
    public double step(double lr) {
        t++;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            double sq = 0;
            for (NDArray p : params.values()) {
                sq += p.getGradient().square().sum().getFloat();
            }
            double norm = Math.sqrt(sq);
            if (!Double.isFinite(norm)) {
                // a non-finite gradient never reaches the weights: the step is skipped. The gradient is
                // cleared by an indexed fill, which copies into its storage; set(float[]) would swap in
                // a Java buffer that is freed with the temporary gradient wrapper.
                for (NDArray p : params.values()) {
                    p.getGradient().set(new NDIndex("..."), 0f);
                }
                skipped++;
                return norm;
            }
            double clip = clipNorm > 0 && norm > clipNorm ? clipNorm / norm : 1.0;
            double c1 = 1 - Math.pow(beta1, t);
            double c2 = 1 - Math.pow(beta2, t);
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                NDArray p = e.getValue();
                NDArray g = p.getGradient();
                NDArray gc = g.mul(clip);
                NDArray mk = m.get(e.getKey());
                NDArray vk = v.get(e.getKey());
                mk.muli(beta1).addi(gc.mul(1 - beta1));
                vk.muli(beta2).addi(gc.square().muli(1 - beta2));
                NDArray upd = mk.div(c1).div(vk.div(c2).sqrt().add(eps)).muli(lr);
                p.subi(upd);
                g.muli(0);
            }
            return norm;
        }
    }

    /** Steps skipped because the gradient was not finite. */
    public int skipped() {
        return skipped;
    }

    public int steps() {
        return t;
    }
}
