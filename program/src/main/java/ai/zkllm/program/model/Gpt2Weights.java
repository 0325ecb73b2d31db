package ai.zkllm.program.model;

import ai.zkllm.program.io.ArtifactException;
import ai.zkllm.program.io.SafeTensors;
import ai.zkllm.program.io.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * GPT-2 parameters under their Hugging Face names. Matrices keep the Conv1D orientation
 * {@code [in, out]} row-major, so {@code y = x W + b}. The LM head is tied to {@code wte}.
 */
public final class Gpt2Weights {
    public final Gpt2Config config;
    /** [vocab, d] */
    public final float[] wte;
    /** [positions, d] */
    public final float[] wpe;
    public final Layer[] layers;
    public final float[] lnFW;
    public final float[] lnFB;

    /** GPT2LMHeadModel's output projection, never prefixed; the teacher's is {@code wte} (tied). */
    private static final String LM_HEAD = "lm_head.weight";
    /** Causal-mask buffers that Hugging Face saves (bool or float) and that carry no parameter. */
    private static final Pattern CAUSAL_MASK = Pattern.compile("h\\.\\d+\\.attn\\.(bias|masked_bias)");

    /** One transformer block. */
    public static final class Layer {
        /** The Hugging Face names of a block's tensors (after {@code h.<i>.}), in the order of {@link #arrays}. */
        static final String[] NAMES = {"ln_1.weight", "ln_1.bias", "attn.c_attn.weight", "attn.c_attn.bias",
            "attn.c_proj.weight", "attn.c_proj.bias", "ln_2.weight", "ln_2.bias", "mlp.c_fc.weight", "mlp.c_fc.bias",
            "mlp.c_proj.weight", "mlp.c_proj.bias"};

        public final float[] ln1W, ln1B, attnW, attnB, attnProjW, attnProjB, ln2W, ln2B, fcW, fcB, fcProjW, fcProjB;

        public Layer(float[] ln1W, float[] ln1B, float[] attnW, float[] attnB, float[] attnProjW, float[] attnProjB,
                float[] ln2W, float[] ln2B, float[] fcW, float[] fcB, float[] fcProjW, float[] fcProjB) {
            this.ln1W = ln1W; this.ln1B = ln1B; this.attnW = attnW; this.attnB = attnB;
            this.attnProjW = attnProjW; this.attnProjB = attnProjB; this.ln2W = ln2W; this.ln2B = ln2B;
            this.fcW = fcW; this.fcB = fcB; this.fcProjW = fcProjW; this.fcProjB = fcProjB;
        }

        /** A block from its tensors in the order of {@link #NAMES}. */
        static Layer of(float[][] v) {
            return new Layer(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11]);
        }

        /** The block's tensors in the order of {@link #NAMES}. */
        float[][] arrays() {
            return new float[][] {ln1W, ln1B, attnW, attnB, attnProjW, attnProjB, ln2W, ln2B, fcW, fcB, fcProjW, fcProjB};
        }
    }

    public Gpt2Weights(Gpt2Config config, float[] wte, float[] wpe, Layer[] layers, float[] lnFW, float[] lnFB) {
        this.config = config;
        this.wte = wte;
        this.wpe = wpe;
        this.layers = layers;
        this.lnFW = lnFW;
        this.lnFB = lnFB;
    }

    /** Names and shapes every GPT-2 checkpoint of this config must hold (without a prefix). */
    public static Map<String, int[]> expectedShapes(Gpt2Config c) {
        int d = c.nEmbd();
        Map<String, int[]> m = new LinkedHashMap<>();
        m.put("wte.weight", new int[] {c.vocabSize(), d});
        m.put("wpe.weight", new int[] {c.nPositions(), d});
        int f = c.nInner();
        int[][] block = {{d}, {d}, {d, 3 * d}, {3 * d}, {d, d}, {d}, {d}, {d}, {d, f}, {f}, {f, d}, {d}}; // as NAMES
        for (int i = 0; i < c.nLayer(); i++) {
            String p = "h." + i + ".";
            for (int k = 0; k < Layer.NAMES.length; k++) {
                m.put(p + Layer.NAMES[k], block[k].clone());
            }
        }
        m.put("ln_f.weight", new int[] {d});
        m.put("ln_f.bias", new int[] {d});
        return m;
    }

    /**
     * Reads a checkpoint; names may carry the {@code transformer.} prefix of GPT2LMHeadModel. Besides
     * {@link #expectedShapes} a file may hold only the causal-mask buffers {@code h.<i>.attn.bias} and
     * {@code h.<i>.attn.masked_bias} (skipped: the teacher masks by construction) and an {@code lm_head.weight}
     * equal to {@code wte.weight}; any other tensor is refused by name, since Hugging Face would compute with it.
     */
    public static Gpt2Weights fromSafeTensors(Gpt2Config c, Path file) throws IOException {
        SafeTensors.Contents st = SafeTensors.read(file);
        boolean prefixed = !st.tensors().containsKey("wte.weight") && st.tensors().containsKey("transformer.wte.weight");
        String prefix = prefixed ? "transformer." : "";
        Map<String, int[]> expected = expectedShapes(c);
        for (String name : st.tensors().keySet()) {
            String local = name.startsWith(prefix) ? name.substring(prefix.length()) : name;
            boolean known = name.startsWith(prefix)
                    && (expected.containsKey(local) || CAUSAL_MASK.matcher(local).matches());
            if (!known && !name.equals(LM_HEAD)) {
                throw new ArtifactException("unexpected tensor '" + name + "' in " + file
                        + " (not part of a GPT-2 LM: the teacher would not compute with it)");
            }
        }
        Map<String, float[]> got = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : expected.entrySet()) {
            String name = prefix + e.getKey();
            Tensor t = st.require(name, file);
            if (!Arrays.equals(t.shape(), e.getValue())) {
                throw new ArtifactException("shape mismatch for tensor '" + name + "' in " + file + ": expected "
                        + Arrays.toString(e.getValue()) + ", found " + Arrays.toString(t.shape()));
            }
            if (!t.isFloat()) {
                throw new ArtifactException("tensor '" + name + "' in " + file + " has non-float dtype " + t.dtype());
            }
            float[] f = t.floats();
            for (int i = 0; i < f.length; i++) {
                if (!Float.isFinite(f[i])) {
                    throw new ArtifactException("tensor '" + name + "' in " + file + " holds a non-finite value at " + i);
                }
            }
            got.put(e.getKey(), f);
        }
        Tensor head = st.tensors().get(LM_HEAD);
        if (head != null && !(Arrays.equals(head.shape(), expected.get("wte.weight")) && head.isFloat()
                && Arrays.equals(head.floats(), got.get("wte.weight")))) {
            throw new ArtifactException("tensor '" + LM_HEAD + "' in " + file + " differs from '" + prefix
                    + "wte.weight': an untied LM head is not supported (the teacher's head is wte)");
        }
        return fromNamed(c, got);
    }

    /** Weights from arrays keyed by the Hugging Face names of {@link #expectedShapes} (no prefix). */
    public static Gpt2Weights fromNamed(Gpt2Config c, Map<String, float[]> byName) {
        Layer[] layers = new Layer[c.nLayer()];
        for (int i = 0; i < layers.length; i++) {
            String p = "h." + i + ".";
            layers[i] = Layer.of(Arrays.stream(Layer.NAMES).map(n -> byName.get(p + n)).toArray(float[][]::new));
        }
        return new Gpt2Weights(c, byName.get("wte.weight"), byName.get("wpe.weight"), layers,
                byName.get("ln_f.weight"), byName.get("ln_f.bias"));
    }

    /** Tensors under the Hugging Face names, in canonical order. */
    public Map<String, Tensor> toTensors() {
        Map<String, int[]> shapes = expectedShapes(config);
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("wte.weight", Tensor.ofFloats(shapes.get("wte.weight"), wte));
        m.put("wpe.weight", Tensor.ofFloats(shapes.get("wpe.weight"), wpe));
        for (int i = 0; i < layers.length; i++) {
            String p = "h." + i + ".";
            float[][] vals = layers[i].arrays();
            for (int k = 0; k < Layer.NAMES.length; k++) {
                m.put(p + Layer.NAMES[k], Tensor.ofFloats(shapes.get(p + Layer.NAMES[k]), vals[k]));
            }
        }
        m.put("ln_f.weight", Tensor.ofFloats(shapes.get("ln_f.weight"), lnFW));
        m.put("ln_f.bias", Tensor.ofFloats(shapes.get("ln_f.bias"), lnFB));
        return m;
    }

    public long parameterCount() {
        long n = 0;
        for (Tensor t : toTensors().values()) {
            n += Tensor.numel(t.shape());
        }
        return n;
    }
}
