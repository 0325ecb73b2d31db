package ai.zkllm.squeeze.model;

import ai.zkllm.program.model.Gpt2Config;
import ai.zkllm.program.model.Gpt2Weights;
import ai.zkllm.program.model.Linalg;

/**
 * The GPT-2 forward pass in plain Java doubles: the plaintext reference model (no libtorch
 * needed). Optionally reports the inputs of every non-linear site to a {@link Probe}.
 */
public final class Gpt2Teacher {
    /** Observer of the values entering non-linear sites, for calibration. */
    public interface Probe {
        /** LayerNorm site ({@code h.i.ln_1}, {@code h.i.ln_2}, {@code ln_f}) at a position: its variance. */
        default void layerNorm(String site, int position, double variance) {}

        /** Attention scores (after 1/sqrt(dh)) of causal pairs (query i, key j ≤ i), per head. */
        default void attentionScores(int layer, int head, int query, double[] scores) {}

        /** GELU inputs of one position. */
        default void geluInputs(int layer, int position, double[] inputs) {}
    }

    private final Gpt2Weights w;
    private final Gpt2Config c;

    public Gpt2Teacher(Gpt2Weights weights) {
        this.w = weights;
        this.c = weights.config;
    }

    public Gpt2Config config() {
        return c;
    }

    /** Logits of every position, [T][vocab]. */
    public double[][] forward(int[] tokens) {
        return forward(tokens, null);
    }

    public double[][] forward(int[] tokens, Probe probe) {
        double[][] x = embed(w, tokens);
        for (int l = 0; l < c.nLayer(); l++) {
            x = block(l, x, probe);
        }
        return head(x, probe);
    }

    /** Client side: token + position embedding, [T][d]. */
    public static double[][] embed(Gpt2Weights w, int[] tokens) {
        Gpt2Config c = w.config;
        int d = c.nEmbd();
        if (tokens.length == 0 || tokens.length > c.nPositions()) {
            throw new IllegalArgumentException("context length " + tokens.length + " not in [1, " + c.nPositions() + "]");
        }
        double[][] x = new double[tokens.length][d];
        for (int t = 0; t < tokens.length; t++) {
            int tok = tokens[t];
            if (tok < 0 || tok >= c.vocabSize()) {
                throw new IllegalArgumentException("token id " + tok + " outside vocabulary of " + c.vocabSize());
            }
            for (int k = 0; k < d; k++) {
                x[t][k] = (double) w.wte[tok * d + k] + (double) w.wpe[t * d + k];
            }
        }
        return x;
    }

    private double[][] block(int l, double[][] x, Probe probe) {
        Gpt2Weights.Layer L = w.layers[l];
        int T = x.length;
        int d = c.nEmbd();
        int H = c.nHead();
        int dh = c.headDim();
        double[][] h = layerNorm(x, L.ln1W, L.ln1B, "h." + l + ".ln_1", probe);
        double[][] qkv = Linalg.linear(h, L.attnW, L.attnB, d, 3 * d);
        double[][] att = new double[T][d];
        double scale = 1.0 / Math.sqrt(dh);
        for (int hd = 0; hd < H; hd++) {
            for (int i = 0; i < T; i++) {
                double[] s = new double[i + 1];
                for (int j = 0; j <= i; j++) {
                    double dot = 0;
                    for (int k = 0; k < dh; k++) {
                        dot += qkv[i][hd * dh + k] * qkv[j][d + hd * dh + k];
                    }
                    s[j] = dot * scale;
                }
                if (probe != null) {
                    probe.attentionScores(l, hd, i, s.clone());
                }
                double[] p = Linalg.softmax(s);
                for (int j = 0; j <= i; j++) {
                    for (int k = 0; k < dh; k++) {
                        att[i][hd * dh + k] += p[j] * qkv[j][2 * d + hd * dh + k];
                    }
                }
            }
        }
        double[][] proj = Linalg.linear(att, L.attnProjW, L.attnProjB, d, d);
        double[][] r = new double[T][d];
        for (int t = 0; t < T; t++) {
            for (int k = 0; k < d; k++) {
                r[t][k] = x[t][k] + proj[t][k];
            }
        }
        double[][] h2 = layerNorm(r, L.ln2W, L.ln2B, "h." + l + ".ln_2", probe);
        double[][] f = Linalg.linear(h2, L.fcW, L.fcB, d, c.nInner());
        for (int t = 0; t < T; t++) {
            if (probe != null) {
                probe.geluInputs(l, t, f[t].clone());
            }
            for (int k = 0; k < f[t].length; k++) {
                f[t][k] = gelu(f[t][k]);
            }
        }
        double[][] m = Linalg.linear(f, L.fcProjW, L.fcProjB, c.nInner(), d);
        for (int t = 0; t < T; t++) {
            for (int k = 0; k < d; k++) {
                r[t][k] += m[t][k];
            }
        }
        return r;
    }

    private double[][] head(double[][] x, Probe probe) {
        double[][] h = layerNorm(x, w.lnFW, w.lnFB, "ln_f", probe);
        return Linalg.lmHead(h, w.wte, c.vocabSize(), c.nEmbd());
    }

    private double[][] layerNorm(double[][] x, float[] g, float[] b, String site, Probe probe) {
        int d = x[0].length;
        double[][] y = new double[x.length][d];
        for (int t = 0; t < x.length; t++) {
            double mean = 0;
            for (double v : x[t]) {
                mean += v;
            }
            mean /= d;
            double var = 0;
            for (double v : x[t]) {
                var += (v - mean) * (v - mean);
            }
            var /= d;
            if (probe != null) {
                probe.layerNorm(site, t, var);
            }
            double inv = 1.0 / Math.sqrt(var + c.layerNormEps());
            for (int k = 0; k < d; k++) {
                y[t][k] = (x[t][k] - mean) * inv * g[k] + b[k];
            }
        }
        return y;
    }

    /** GPT-2's tanh approximation of GELU ("gelu_new"). */
    public static double gelu(double x) {
        return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    }
}
