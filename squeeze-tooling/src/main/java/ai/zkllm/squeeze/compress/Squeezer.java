package ai.zkllm.squeeze.compress;

import ai.zkllm.program.model.Gpt2Config;
import ai.zkllm.program.model.Gpt2Weights;
import ai.zkllm.program.squeezed.Chebyshev;
import ai.zkllm.program.squeezed.NormApprox;
import ai.zkllm.program.squeezed.Precision;
import ai.zkllm.program.squeezed.QuantizedMatrix;
import ai.zkllm.program.squeezed.SqueezeParams;
import ai.zkllm.program.squeezed.SqueezedModel;
import ai.zkllm.squeeze.model.Gpt2Teacher;

/**
 * Builds a {@link SqueezedModel} from GPT-2 weights and calibrated {@link SqueezeParams}: folds
 * LayerNorm mean subtraction, γ and β, the attention 1/sqrt(dh) and the GELU interval map into the
 * adjacent matrices, then quantizes every matrix to k-bit integers with per-output-channel scales.
 */
public final class Squeezer {
    private Squeezer() {}

    public static SqueezedModel squeeze(Gpt2Weights w, SqueezeParams p) {
        Gpt2Config c = w.config;
        int d = c.nEmbd();
        int H = c.nHead();
        int P = c.nPositions();
        if (p.layers != c.nLayer() || p.heads != H || p.positions != P) {
            throw new IllegalArgumentException("squeeze parameters are for " + p.layers + " layers / " + p.heads
                    + " heads / " + p.positions + " positions, model has " + c.nLayer() + " / " + H + " / " + P);
        }
        SqueezeParams.checkPower(p.attnPower);
        SqueezedModel.Layer[] layers = new SqueezedModel.Layer[c.nLayer()];
        for (int l = 0; l < layers.length; l++) {
            Gpt2Weights.Layer L = w.layers[l];
            NormApprox ln1 = norm(p, c, 2 * l, p.ln1Inv[l]);
            double[][] qkv = foldNorm(L.ln1W, L.ln1B, L.attnW, L.attnB, d, 3 * d);
            int dh = c.headDim();
            boolean client = p.normalisation == SqueezeParams.Normalisation.CLIENT;
            for (int o = 0; o < d; o++) {
                double qs = (client ? 1 : p.attnScale[l][o / dh]) / Math.sqrt(dh);
                for (int i = 0; i < d; i++) {
                    qkv[0][i * 3 * d + o] *= qs;
                }
                qkv[1][o] *= qs;
            }
            QuantizedMatrix qkvMatrix = QuantizedMatrix.quantize(qkv[0], qkv[1], d, 3 * d, p.weightBits);
            double[] attnShift = null;
            double[][] attnKappa = null;
            if (!client) {
                attnShift = Precision.f32(p.attnShift[l]);
                attnKappa = new double[H][P];
                for (int h = 0; h < H; h++) {
                    for (int t = 0; t < P; t++) {
                        attnKappa[h][t] = Precision.f32(Math.pow(p.attnInvDen[l][h][t], 1.0 / p.attnPower));
                    }
                }
            }
            QuantizedMatrix attnProj = QuantizedMatrix.quantize(toD(L.attnProjW), toD(L.attnProjB), d, d, p.weightBits);
            NormApprox ln2 = p.affineLn2 ? new NormApprox(null, Precision.f32(p.ln2Inv[l]))
                    : norm(p, c, 2 * l + 1, p.ln2Inv[l]);
            Chebyshev gelu = Chebyshev.fit(Gpt2Teacher::gelu, p.geluInterval[l][0], p.geluInterval[l][1], p.geluDegree);
            int inner = c.nInner();
            double[][] fc = foldNorm(L.ln2W, L.ln2B, L.fcW, L.fcB, d, inner);
            double a = gelu.alpha();
            double b = gelu.beta();
            for (int i = 0; i < fc[0].length; i++) {
                fc[0][i] *= a;
            }
            for (int o = 0; o < inner; o++) {
                fc[1][o] = a * fc[1][o] + b;
            }
            layers[l] = new SqueezedModel.Layer(ln1, qkvMatrix, attnShift, attnKappa, attnProj, ln2,
                    QuantizedMatrix.quantize(fc[0], fc[1], d, inner, p.weightBits), gelu,
                    QuantizedMatrix.quantize(toD(L.fcProjW), toD(L.fcProjB), inner, d, p.weightBits));
        }
        int V = c.vocabSize();
        double[] wteT = new double[d * V];
        for (int v = 0; v < V; v++) {
            for (int k = 0; k < d; k++) {
                wteT[k * V + v] = w.wte[v * d + k];
            }
        }
        double[][] head = foldNorm(w.lnFW, w.lnFB, wteT, new double[V], d, V);
        QuantizedMatrix hq = QuantizedMatrix.quantize(head[0], head[1], d, V, p.weightBits);
        return new SqueezedModel(c, w.wte.clone(), w.wpe.clone(), layers, p.attnPower, p.normalisation,
                norm(p, c, 2 * c.nLayer(), p.lnfInv), hq);
    }

    /**
     * For y = LN_affine(x) W + c with LN_affine(x) = (x - mean(x))·a ⊙ g + b: returns
     * {M = (I - J/d) diag(g) W, c' = b W + c}, so that y = (a·x) M + c'.
     */
    static double[][] foldNorm(float[] g, float[] b, float[] w, float[] bias, int in, int out) {
        return foldNorm(g, b, toD(w), toD(bias), in, out);
    }

    static double[][] foldNorm(float[] g, float[] b, double[] w, double[] bias, int in, int out) {
        double[] gw = new double[in * out];
        double[] colMean = new double[out];
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                gw[i * out + o] = g[i] * w[i * out + o];
                colMean[o] += gw[i * out + o] / in;
            }
        }
        double[] m = new double[in * out];
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                m[i * out + o] = gw[i * out + o] - colMean[o];
            }
        }
        double[] c = bias.clone();
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                c[o] += b[i] * w[i * out + o];
            }
        }
        return new double[][] {m, c};
    }

    /**
     * The squeezed LayerNorm scale of site {@code site}: the client's exact one with client
     * normalisation, else a 1/sqrt polynomial, or constants when lnDegree is 0.
     */
    public static NormApprox norm(SqueezeParams p, Gpt2Config c, int site, double[] perPosition) {
        if (p.normalisation == SqueezeParams.Normalisation.CLIENT) {
            return NormApprox.client(c.layerNormEps());
        }
        if (p.lnDegree > 0) {
            return new NormApprox(Chebyshev.fit(v -> 1 / Math.sqrt(v), p.lnInterval[site][0], p.lnInterval[site][1],
                    p.lnDegree), null);
        }
        return new NormApprox(null, Precision.f32(perPosition));
    }

    static double[] toD(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
