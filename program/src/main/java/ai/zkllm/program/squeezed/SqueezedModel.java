package ai.zkllm.program.squeezed;

import ai.zkllm.program.model.Gpt2Config;
import ai.zkllm.program.model.Linalg;
import ai.zkllm.program.squeezed.SqueezeParams.Normalisation;

/**
 * The squeezed GPT-2: the exact computation the FHE program and its client perform, in plaintext
 * doubles. The spec is {@code squeeze-tooling/SQUEEZED_MODEL.md}.
 *
 * <p>Miner side, under encryption: every weight (the quantized QKV, projection, fc and fc_proj
 * matrices with their biases, the Chebyshev GELU between fc and fc_proj, the tied-embedding head),
 * only additions, plaintext products, ciphertext products and rotations. Client side, in plaintext
 * on the rows it decrypts: token and position embeddings, LayerNorm's 1/σ (exact with
 * {@link Normalisation#CLIENT}, else the squeezed approximation), causal attention over the keys
 * and values it keeps, and the residual sums.
 */
public final class SqueezedModel {
    /** One squeezed transformer block. */
    public static final class Layer {
        /** ln_1's 1/σ: polynomial of the variance (or calibrated per-position constants). */
        public final NormApprox ln1;
        /** Fused QKV projection [d, 3d]: mean subtraction, ln_1 γ/β, 1/sqrt(dh) on the Q columns folded in. */
        public final QuantizedMatrix qkv;
        /** Per head: shift m of the power attention (null with client normalisation). */
        public final double[] attnShift;
        /** Per head and query position: κ = invDen^(1/n) (null with client normalisation). */
        public final double[][] attnKappa;
        public final QuantizedMatrix attnProj;
        public final NormApprox ln2;
        /** [d, inner]: mean subtraction, ln_2 γ/β and the GELU interval map x → t folded in; outputs t. */
        public final QuantizedMatrix fc;
        public final Chebyshev gelu;
        public final QuantizedMatrix fcProj;

        public Layer(NormApprox ln1, QuantizedMatrix qkv, double[] attnShift, double[][] attnKappa,
                QuantizedMatrix attnProj, NormApprox ln2, QuantizedMatrix fc, Chebyshev gelu, QuantizedMatrix fcProj) {
            this.ln1 = ln1;
            this.qkv = qkv;
            this.attnShift = attnShift;
            this.attnKappa = attnKappa;
            this.attnProj = attnProj;
            this.ln2 = ln2;
            this.fc = fc;
            this.gelu = gelu;
            this.fcProj = fcProj;
        }

        /** This block with another ln_2 scale. */
        public Layer withLn2(NormApprox ln2) {
            return new Layer(ln1, qkv, attnShift, attnKappa, attnProj, ln2, fc, gelu, fcProj);
        }
    }

    private final Gpt2Config config;
    private final float[] wte;
    private final float[] wpe;
    private final Layer[] layers;
    private final int attnPower;
    private final Normalisation normalisation;
    private final NormApprox lnf;
    /** [d, vocab]: mean subtraction, ln_f γ/β and the tied embedding folded in. */
    private final QuantizedMatrix head;

    public SqueezedModel(Gpt2Config config, float[] wte, float[] wpe, Layer[] layers, int attnPower,
            Normalisation normalisation, NormApprox lnf, QuantizedMatrix head) {
        SqueezeParams.checkPower(attnPower);
        this.normalisation = normalisation;
        this.config = config;
        this.wte = wte;
        this.wpe = wpe;
        this.layers = layers;
        this.attnPower = attnPower;
        this.lnf = lnf;
        this.head = head;
    }

    public Gpt2Config config() {
        return config;
    }

    /** A copy of the blocks array: the model's own stays as built. */
    public Layer[] layers() {
        return layers.clone();
    }

    /** This model with block l replaced. */
    public SqueezedModel withLayer(int l, Layer layer) {
        Layer[] changed = layers();
        changed[l] = layer;
        return new SqueezedModel(config, wte, wpe, changed, attnPower, normalisation, lnf, head);
    }

    public Layer layer(int l) {
        return layers[l];
    }

    public int attnPower() {
        return attnPower;
    }

    public Normalisation normalisation() {
        return normalisation;
    }

    /** True when the client computes softmax and LayerNorm's 1/σ at the refreshes (every stage ends a round). */
    public boolean clientNormalised() {
        return normalisation == Normalisation.CLIENT;
    }

    /**
     * True when, with client normalisation, every ln_2 scale is a per-position constant: the miner
     * can then add the residual to the attention projection and go on into the MLP in one round.
     */
    public boolean affineLn2() {
        if (!clientNormalised()) {
            return false;
        }
        for (Layer layer : layers) {
            if (layer.ln2.perPosition == null) {
                return false;
            }
        }
        return true;
    }

    public NormApprox lnf() {
        return lnf;
    }

    public QuantizedMatrix head() {
        return head;
    }

    public float[] wte() {
        return wte;
    }

    public float[] wpe() {
        return wpe;
    }

    public int maxContext() {
        return config.nPositions();
    }

    public int vocabularySize() {
        return config.vocabSize();
    }

    /** Next-token logits after the last position of {@code context}. */
    public double[] logits(int[] context) {
        double[][] all = logitsAll(context);
        return all[all.length - 1];
    }

    /** Logits of every position, [T][vocab]. */
    public double[][] logitsAll(int[] context) {
        double[][] x = embed(context);
        for (int l = 0; l < layers.length; l++) {
            x = attentionSegment(l, x);
            x = mlpSegment(l, x);
        }
        return headSegment(x);
    }

    /** Client: x[t] = wte[token_t] + wpe[t]. */
    public double[][] embed(int[] context) {
        int d = config.nEmbd();
        if (context.length == 0 || context.length > config.nPositions()) {
            throw new IllegalArgumentException(
                    "context length " + context.length + " not in [1, " + config.nPositions() + "]");
        }
        double[][] x = new double[context.length][d];
        for (int t = 0; t < context.length; t++) {
            int tok = context[t];
            if (tok < 0 || tok >= config.vocabSize()) {
                throw new IllegalArgumentException("token id " + tok + " outside vocabulary of " + config.vocabSize());
            }
            for (int k = 0; k < d; k++) {
                x[t][k] = (double) wte[tok * d + k] + (double) wpe[t * d + k];
            }
        }
        return x;
    }

    /** Attention segment of layer l: x + Proj(Attention(QKV(a1[t]·x))). */
    public double[][] attentionSegment(int l, double[][] x) {
        Layer L = layers[l];
        return Linalg.add(x, L.attnProj.apply(attend(l, L.qkv.apply(L.ln1.apply(x)), 0)));
    }

    /**
     * Causal attention of layer l for the query positions {@code from}..T-1, given the q, k, v rows
     * ([T][3d]) of positions 0..T-1: the attention outputs [T - from][d]. With client
     * normalisation the exact softmax (1/sqrt(dh) is folded into Q), else the power attention.
     */
    public double[][] attend(int l, double[][] qkv, int from) {
        Layer L = layers[l];
        int d = config.nEmbd();
        int dh = config.headDim();
        double[][] att = new double[qkv.length - from][d];
        for (int h = 0; h < config.nHead(); h++) {
            for (int i = from; i < qkv.length; i++) {
                double[] s = new double[i + 1];
                for (int j = 0; j <= i; j++) {
                    for (int k = 0; k < dh; k++) {
                        s[j] += qkv[i][h * dh + k] * qkv[j][d + h * dh + k];
                    }
                }
                double[] p = clientNormalised() ? Linalg.softmax(s) : powerAttention(L, h, i, s);
                for (int j = 0; j <= i; j++) {
                    for (int k = 0; k < dh; k++) {
                        att[i - from][h * dh + k] += p[j] * qkv[j][2 * d + h * dh + k];
                    }
                }
            }
        }
        return att;
    }

    /** Power attention: p = (s·κ/n + κ(1 - m/n))^n (κ per head and query position, m per head). */
    private double[] powerAttention(Layer L, int h, int i, double[] s) {
        int n = attnPower;
        double kappa = L.attnKappa[h][i];
        double mulC = kappa / n;
        double addC = kappa * (1 - L.attnShift[h] / n);
        double[] p = new double[s.length];
        for (int j = 0; j < s.length; j++) {
            p[j] = s[j] * mulC + addC;
            for (int sq = n; sq > 1; sq >>= 1) {
                p[j] = p[j] * p[j];
            }
        }
        return p;
    }

    /** MLP segment of layer l: x + FcProj(ChebGELU(Fc(a2[t]·x))). */
    public double[][] mlpSegment(int l, double[][] x) {
        return Linalg.add(x, mlp(l, layers[l].ln2.apply(x)));
    }

    /** The MLP of layer l on LayerNorm outputs a: FcProj(ChebGELU(Fc(a))), what its encrypted round computes. */
    public double[][] mlp(int l, double[][] a) {
        Layer L = layers[l];
        double[][] t = L.fc.apply(a);
        for (double[] row : t) {
            for (int k = 0; k < row.length; k++) {
                row[k] = L.gelu.evalT(row[k]);
            }
        }
        return L.fcProj.apply(t);
    }

    /** LM head: logits = (af[t]·x) · Head. */
    public double[][] headSegment(double[][] x) {
        return head.apply(lnf.apply(x));
    }

    /** Multiplicative depth of each segment (levels consumed), assuming per-position scalings fold into diagonals. */
    public int attentionDepth() {
        return layers[0].ln1.depth() + 1 /* QKV */ + 1 /* q·k */ + scoresToProbabilitiesDepth() + 1 /* P·V */
                + 1 /* proj */;
    }

    /** Levels from scores to probabilities: the power attention's, or none when the client takes softmax. */
    public int scoresToProbabilitiesDepth() {
        return clientNormalised() ? 0
                : 1 /* κ/n plaintext product + mask */ + Integer.numberOfTrailingZeros(attnPower) /* squarings */;
    }

    public int mlpDepth(int l) {
        return layers[l].ln2.depth() + 1 /* fc */ + layers[l].gelu.depth() + 1 /* fc_proj */;
    }

    public int headDepth() {
        return lnf.depth() + 1;
    }
}
