package ai.zkllm.squeeze.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.zkllm.program.io.Tensor;
import ai.zkllm.program.model.Gpt2Config;
import ai.zkllm.program.model.Gpt2Weights;
import ai.zkllm.program.squeezed.Chebyshev;
import ai.zkllm.program.squeezed.SqueezeParams;
import ai.zkllm.squeeze.compress.Squeezer;
import ai.zkllm.squeeze.model.Gpt2Teacher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * GPT-2 in DJL NDArrays, for training (teacher) and alignment (squeezed student). In student mode
 * the non-linear sites are the squeezed ones, computed exactly as {@code SqueezedModel} computes
 * them (before folding and quantization): LayerNorm with calibrated per-position 1/σ, power
 * attention with calibrated shift and denominators, Chebyshev GELU; an {@link Ablation} swaps
 * attention or LayerNorm back to an exact form for measurement. With client normalisation the
 * student has the exact softmax and LayerNorm that the client computes, but for an affine ln_2
 * ({@code SqueezeParams.affineLn2}), whose per-position 1/σ it trains.
 *
 * <p>Constant arrays (causal mask, temperatures, shifts) are created once with the model, never per
 * forward pass: PyTorch keeps arrays made from Java buffers without copying them, and autograd saves
 * some of them for the backward pass, so they must outlive every graph that uses them.
 */
public final class DjlGpt2 implements AutoCloseable {
    private final NDManager manager;
    private final Gpt2Config c;
    private final Map<String, NDArray> params = new LinkedHashMap<>();
    private final SqueezeParams sq;
    private final Ablation ablation;
    private final Map<String, NDArray> sqParams = new LinkedHashMap<>();
    private final Chebyshev[] gelu;
    private final Map<String, Chebyshev> normPoly = new LinkedHashMap<>();
    /** [1, 1, P, P]: 1 where key ≤ query. */
    private final NDArray causalMask;
    /** Per layer, [1, H, 1, 1]: temperature τ and shift m of the power attention (student only). */
    private final NDArray[] attnScale;
    private final NDArray[] attnShift;

    private DjlGpt2(NDManager manager, Gpt2Config c, SqueezeParams sq, Ablation ablation) {
        this.manager = manager;
        this.c = c;
        this.sq = sq;
        boolean client = sq != null && sq.normalisation == SqueezeParams.Normalisation.CLIENT;
        if (client && !ablation.equals(Ablation.NONE)) {
            throw new IllegalArgumentException("nothing to ablate: this calibration leaves softmax and LayerNorm to"
                    + " the client, exactly (calibrate with --normalisation CALIBRATED to measure the squeezed sites)");
        }
        // client normalisation computes exactly what the exact forms of an ablation compute
        this.ablation = client ? new Ablation(Ablation.Attention.SOFTMAX, true) : ablation;
        this.gelu = sq == null ? null : new Chebyshev[c.nLayer()];
        this.attnScale = sq == null ? null : new NDArray[c.nLayer()];
        this.attnShift = sq == null ? null : new NDArray[c.nLayer()];
        int P = c.nPositions();
        float[] maskV = new float[P * P];
        for (int i = 0; i < P; i++) {
            for (int j = 0; j <= i; j++) {
                maskV[i * P + j] = 1f;
            }
        }
        this.causalMask = manager.create(maskV, new Shape(1, 1, P, P));
        if (sq != null) {
            Shape perHead = new Shape(1, c.nHead(), 1, 1);
            for (int l = 0; l < c.nLayer(); l++) {
                gelu[l] = Chebyshev.fit(Gpt2Teacher::gelu, sq.geluInterval[l][0], sq.geluInterval[l][1], sq.geluDegree);
                attnScale[l] = manager.create(toF(sq.attnScale[l]), perHead);
                attnShift[l] = manager.create(toF(sq.attnShift[l]), perHead);
                if (sq.lnDegree > 0) {
                    normPoly.put("h." + l + ".ln_1", Squeezer.norm(sq, c, 2 * l, null).poly);
                    normPoly.put("h." + l + ".ln_2", Squeezer.norm(sq, c, 2 * l + 1, null).poly);
                }
            }
            if (sq.lnDegree > 0) {
                normPoly.put("ln_f", Squeezer.norm(sq, c, 2 * c.nLayer(), null).poly);
            }
        }
    }

    /** GPT-2 initialisation (N(0, 0.02), residual projections scaled by 1/sqrt(2L)) from a seeded Random. */
    public static DjlGpt2 init(NDManager manager, Gpt2Config c, long seed) {
        Random r = new Random(seed);
        Map<String, Tensor> t = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : Gpt2Weights.expectedShapes(c).entrySet()) {
            String name = e.getKey();
            int[] shape = e.getValue();
            float[] v = new float[(int) Tensor.numel(shape)];
            if (name.contains("ln_") && name.endsWith(".weight")) {
                java.util.Arrays.fill(v, 1f);
            } else if (name.endsWith(".weight")) {
                double std = 0.02;
                if (name.endsWith("c_proj.weight")) {
                    std /= Math.sqrt(2.0 * c.nLayer());
                }
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (r.nextGaussian() * std);
                }
            }
            t.put(name, Tensor.ofFloats(shape, v));
        }
        DjlGpt2 m = new DjlGpt2(manager, c, null, Ablation.NONE);
        t.forEach((k, v) -> m.params.put(k, m.array(v.floats(), v.shape(), true)));
        return m;
    }

    /** From weights; with {@code sq} non-null the squeezed student (its constants trainable too). */
    public static DjlGpt2 fromWeights(NDManager manager, Gpt2Weights w, SqueezeParams sq, boolean trainable) {
        return fromWeights(manager, w, sq, trainable, Ablation.NONE);
    }

    /** The squeezed student with the sites {@code ablation} names swapped for their exact form. */
    public static DjlGpt2 fromWeights(NDManager manager, Gpt2Weights w, SqueezeParams sq, boolean trainable,
            Ablation ablation) {
        DjlGpt2 m = new DjlGpt2(manager, w.config, sq, ablation);
        w.toTensors().forEach((k, v) -> m.params.put(k, m.array(v.floats(), v.shape(), trainable)));
        if (sq != null) {
            int L = w.config.nLayer();
            int H = w.config.nHead();
            int P = w.config.nPositions();
            for (int l = 0; l < L; l++) {
                m.sqParams.put("h." + l + ".ln1_inv", m.array(toF(sq.ln1Inv[l]), new int[] {P, 1}, trainable));
                m.sqParams.put("h." + l + ".ln2_inv", m.array(toF(sq.ln2Inv[l]), new int[] {P, 1}, trainable));
                float[] lg = new float[H * P];
                for (int h = 0; h < H; h++) {
                    for (int p = 0; p < P; p++) {
                        lg[h * P + p] = (float) Math.log(sq.attnInvDen[l][h][p]);
                    }
                }
                m.sqParams.put("h." + l + ".attn_log_inv_den", m.array(lg, new int[] {H, P}, trainable));
            }
            m.sqParams.put("ln_f_inv", m.array(toF(sq.lnfInv), new int[] {P, 1}, trainable));
        }
        return m;
    }

    private static float[] toF(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    private NDArray array(float[] v, int[] shape, boolean grad) {
        long[] s = new long[shape.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = shape[i];
        }
        NDArray a = manager.create(v, new Shape(s));
        if (grad) {
            a.setRequiresGradient(true);
        }
        return a;
    }

    public Gpt2Config config() {
        return c;
    }

    public boolean isStudent() {
        return sq != null;
    }

    /** Every trainable array, by name. */
    public Map<String, NDArray> trainable() {
        Map<String, NDArray> m = new LinkedHashMap<>(params);
        sqParams.forEach((k, v) -> m.put("sq." + k, v));
        return m;
    }

    /** Logits [B, T, V] of int token ids [B, T]. */
    public NDArray forward(NDArray tokens) {
        long B = tokens.getShape().get(0);
        int T = (int) tokens.getShape().get(1);
        int d = c.nEmbd();
        int H = c.nHead();
        int dh = c.headDim();
        NDArray oneHot = tokens.oneHot(c.vocabSize());
        NDArray x = oneHot.matMul(params.get("wte.weight")).add(params.get("wpe.weight").get(new NDIndex("0:" + T)));
        NDArray mask = causalMask.get(new NDIndex(":, :, 0:" + T + ", 0:" + T));
        for (int l = 0; l < c.nLayer(); l++) {
            String p = "h." + l + ".";
            NDArray h = norm(x, p + "ln_1", constNorm() ? sqParams.get(p + "ln1_inv") : null, T);
            NDArray qkv = h.matMul(params.get(p + "attn.c_attn.weight")).add(params.get(p + "attn.c_attn.bias"));
            NDArray q = heads(qkv.get(new NDIndex("..., 0:" + d)), B, T, H, dh);
            NDArray k = heads(qkv.get(new NDIndex("..., " + d + ":" + 2 * d)), B, T, H, dh);
            NDArray v = heads(qkv.get(new NDIndex("..., " + 2 * d + ":")), B, T, H, dh);
            NDArray s = q.matMul(k.transpose(0, 1, 3, 2)).mul(1.0 / Math.sqrt(dh));
            NDArray pr;
            if (sq == null || ablation.attention() == Ablation.Attention.SOFTMAX) {
                pr = s.add(mask.sub(1).mul(1e9f)).softmax(-1);
            } else {
                int n = sq.attnPower;
                NDArray kappa = sqParams.get(p + "attn_log_inv_den").get(new NDIndex(":, 0:" + T)).div(n).exp()
                        .reshape(1, H, T, 1);
                NDArray base = s.mul(attnScale[l]).sub(attnShift[l]).div(n).add(1).mul(kappa).mul(mask);
                pr = base;
                for (int e = n; e > 1; e >>= 1) {
                    pr = pr.mul(pr);
                }
                if (ablation.attention() == Ablation.Attention.ROW_NORMALISED) {
                    pr = pr.div(pr.sum(new int[] {-1}, true));
                }
            }
            NDArray o = pr.matMul(v).transpose(0, 2, 1, 3).reshape(B, T, d);
            x = x.add(o.matMul(params.get(p + "attn.c_proj.weight")).add(params.get(p + "attn.c_proj.bias")));
            NDArray h2 = norm(x, p + "ln_2", constNorm() || sq != null && sq.affineLn2 ? sqParams.get(p + "ln2_inv") : null, T);
            NDArray u = h2.matMul(params.get(p + "mlp.c_fc.weight")).add(params.get(p + "mlp.c_fc.bias"));
            NDArray g = sq == null ? geluTanh(u) : cheb(u, gelu[l]);
            x = x.add(g.matMul(params.get(p + "mlp.c_proj.weight")).add(params.get(p + "mlp.c_proj.bias")));
        }
        NDArray hf = norm(x, "ln_f", constNorm() ? sqParams.get("ln_f_inv") : null, T);
        return hf.matMul(params.get("wte.weight").transpose());
    }

    private boolean constNorm() {
        return sq != null && sq.lnDegree == 0 && !ablation.exactLayerNorm();
    }

    private static NDArray heads(NDArray a, long B, int T, int H, int dh) {
        return a.reshape(B, T, H, dh).transpose(0, 2, 1, 3);
    }

    private NDArray norm(NDArray x, String site, NDArray invSigma, int T) {
        NDArray centered = x.sub(x.mean(new int[] {-1}, true));
        NDArray n;
        if (invSigma != null) {
            n = centered.mul(invSigma.get(new NDIndex("0:" + T)));
        } else if (sq != null && sq.lnDegree > 0 && !ablation.exactLayerNorm()) {
            NDArray var = centered.square().mean(new int[] {-1}, true);
            n = centered.mul(cheb(var, normPoly.get(site)));
        } else {
            NDArray var = centered.square().mean(new int[] {-1}, true);
            n = centered.div(var.add(c.layerNormEps()).sqrt());
        }
        return n.mul(params.get(site + ".weight")).add(params.get(site + ".bias"));
    }

    private static NDArray geluTanh(NDArray x) {
        NDArray inner = x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
        return x.mul(0.5).mul(inner.tanh().add(1));
    }

    private static NDArray cheb(NDArray x, Chebyshev p) {
        double[] c = p.coefficients();
        NDArray t = x.mul(p.alpha()).add(p.beta());
        NDArray prev = t.onesLike();
        NDArray cur = t;
        NDArray s = prev.mul(c[0]);
        if (c.length > 1) {
            s = s.add(t.mul(c[1]));
        }
        for (int k = 2; k < c.length; k++) {
            NDArray next = t.mul(cur).mul(2).sub(prev);
            s = s.add(next.mul(c[k]));
            prev = cur;
            cur = next;
        }
        return s;
    }

    /** Mean next-token cross entropy (nats) of logits [B,T,V] against targets [B,T]. */
    public static NDArray crossEntropy(NDArray logits, NDArray targets, int vocab) {
        NDArray logp = logits.logSoftmax(-1);
        return logp.mul(targets.oneHot(vocab)).sum(new int[] {-1}).mean().neg();
    }

    /** Current weights as a checkpoint. */
    public Gpt2Weights toWeights() {
        Map<String, int[]> shapes = Gpt2Weights.expectedShapes(c);
        Map<String, float[]> v = new LinkedHashMap<>();
        for (String k : shapes.keySet()) {
            v.put(k, params.get(k).toFloatArray());
        }
        return Gpt2Weights.fromNamed(c, v);
    }

    /** Current squeeze constants (student mode). */
    public SqueezeParams toSqueezeParams() {
        if (sq == null) {
            throw new IllegalStateException("not a squeezed student");
        }
        SqueezeParams.Builder p = sq.toBuilder();
        int H = c.nHead();
        int P = c.nPositions();
        for (int l = 0; l < c.nLayer(); l++) {
            p.ln1Inv[l] = toD(sqParams.get("h." + l + ".ln1_inv").toFloatArray());
            p.ln2Inv[l] = toD(sqParams.get("h." + l + ".ln2_inv").toFloatArray());
            float[] lg = sqParams.get("h." + l + ".attn_log_inv_den").toFloatArray();
            for (int h = 0; h < H; h++) {
                for (int q = 0; q < P; q++) {
                    p.attnInvDen[l][h][q] = Math.exp(lg[h * P + q]);
                }
            }
        }
        p.lnfInv = toD(sqParams.get("ln_f_inv").toFloatArray());
        return p.build();
    }

    private static double[] toD(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /** Token batch [B, T] as an int NDArray. */
    public static NDArray batch(NDManager m, List<int[]> rows) {
        int T = rows.get(0).length;
        int[] flat = new int[rows.size() * T];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, flat, i * T, T);
        }
        return m.create(flat, new Shape(rows.size(), T)).toType(DataType.INT64, false);
    }

    static List<NDArray> list(Map<String, NDArray> m) {
        return new ArrayList<>(m.values());
    }

    @Override
    public void close() {
        params.values().forEach(NDArray::close);
        sqParams.values().forEach(NDArray::close);
        causalMask.close();
        if (sq != null) {
            java.util.Arrays.stream(attnScale).forEach(NDArray::close);
            java.util.Arrays.stream(attnShift).forEach(NDArray::close);
        }
    }
}
