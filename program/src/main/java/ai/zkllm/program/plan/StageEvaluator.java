package ai.zkllm.program.plan;

import ai.zkllm.fhe.circuits.ChebyshevApproximation;
import ai.zkllm.fhe.circuits.DiagonalTransform;
import ai.zkllm.fhe.circuits.PolynomialEvaluator;
import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.Evaluator;
import ai.zkllm.program.squeezed.SqueezedModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The miner's side of the squeezed program: one {@link Stage} on ciphertexts, with the evaluator
 * it is given (its context and encoder encode every plaintext, so replay gives the same bytes).
 * Stage inputs and outputs are listed on {@link SqueezedFheProgram}.
 */
final class StageEvaluator {
    private final SqueezedModel model;
    private final Layout layout;
    private final WeightTransforms weights;

    StageEvaluator(SqueezedModel model, Layout layout, WeightTransforms weights) {
        this.model = model;
        this.layout = layout;
        this.weights = weights;
    }

    /**
     * Whether a round starting with {@code first} takes {@code count} inputs: [x, (a,) mask] for QKV
     * and MLP, [x or a, mask] for HEAD, 2·dh·C + 3 for SCORES and 2·T + 2 for P·V, with at most as
     * many chunks C or positions T as the context has.
     */
    boolean acceptsInputCount(Stage first, int count) {
        int dh = layout.headDim();
        return switch (first.kind()) {
            case QKV, MLP -> count == (model.clientNormalised() ? 3 : 2);
            case HEAD -> count == 2;
            case SCORES -> count > 3 && (count - 3) % (2 * dh) == 0 && (count - 3) / (2 * dh) <= model.maxContext();
            case PV_PROJ -> count >= 4 && count % 2 == 0 && (count - 2) / 2 <= model.maxContext();
        };
    }

    List<Ciphertext> evaluate(Stage st, List<Ciphertext> in, Evaluator ev) {
        return switch (st.kind()) {
            case QKV -> qkv(st.layer(), in, ev);
            case SCORES -> scores(st.layer(), in, ev);
            case PV_PROJ -> pvProj(st.layer(), in, ev);
            case MLP -> mlp(st.layer(), in, ev);
            case HEAD -> head(in, ev);
        };
    }

    private List<Ciphertext> qkv(int l, List<Ciphertext> in, Evaluator ev) {
        List<Ciphertext> out = blockOutputs(weights.qkv(l), normInput(in), model.layer(l).qkv.bias(), ev);
        out.add(in.get(0));
        out.add(in.get(in.size() - 1));
        return out;
    }

    private List<Ciphertext> scores(int l, List<Ciphertext> in, Evaluator ev) {
        int dh = layout.headDim();
        int chunks = (in.size() - 3) / (2 * dh);
        if (chunks < 1 || chunks * 2 * dh + 3 != in.size()) {
            throw new IllegalArgumentException("scores round: " + in.size() + " inputs is not 2·" + dh + "·C + 3");
        }
        SqueezedModel.Layer L = model.layer(l);
        List<Ciphertext> out = new ArrayList<>();
        for (int c = 0; c < chunks; c++) {
            int q = c * dh;
            int k = chunks * dh + c * dh;
            Ciphertext s = innerProduct(ev, in.subList(q, q + dh), in.subList(k, k + dh));
            out.add(model.clientNormalised() ? s : powerAttention(L, c, s, ev));
        }
        out.addAll(in.subList(in.size() - 3, in.size()));
        return out;
    }

    /** (s·κ/n + κ(1 - m/n))^n on one chunk of pairs: one plaintext product and addition, log2(n) squarings. */
    private Ciphertext powerAttention(SqueezedModel.Layer L, int c, Ciphertext s, Evaluator ev) {
        int n = model.attnPower();
        double[] mul = new double[layout.slots()];
        double[] add = new double[layout.slots()];
        for (int slot = 0; slot < layout.slots(); slot++) {
            int p = c * layout.slots() + slot;
            int h = p % layout.heads();
            int pair = p / layout.heads();
            int i = (int) Math.floor((Math.sqrt(8.0 * pair + 1) - 1) / 2);
            while (i * (i + 1) / 2 > pair) {
                i--;
            }
            while ((i + 1) * (i + 2) / 2 <= pair) {
                i++;
            }
            if (i >= layout.positions()) {
                continue;
            }
            double kappa = L.attnKappa[h][i];
            mul[slot] = kappa / n;
            add[slot] = kappa * (1 - L.attnShift[h] / n);
        }
        Ciphertext b = ev.rescale(ev.multiply(s, ev.encoder().encode(mul, s.level(),
                ev.context().qModulus(s.level()).value())));
        b = addVector(ev, b, add);
        for (int sq = n; sq > 1; sq >>= 1) {
            b = ev.rescale(ev.multiplyRelin(b, b));
        }
        return b;
    }

    private List<Ciphertext> pvProj(int l, List<Ciphertext> in, Evaluator ev) {
        int t = (in.size() - 2) / 2;
        if (t < 1 || 2 * t + 2 != in.size()) {
            throw new IllegalArgumentException("P·V round: " + in.size() + " inputs is not 2·T + 2");
        }
        Ciphertext o = innerProduct(ev, in.subList(0, t), in.subList(t, 2 * t));
        Ciphertext x = in.get(2 * t);
        DiagonalTransform[] ts = weights.proj(l);
        Ciphertext y = replicate(ev, ts[0].apply(ev, o));
        y = addVector(ev, y, repVector(model.layer(l).attnProj.bias(), 0, t, true));
        y = addResidual(ev, y, x);
        return List.of(y, in.get(in.size() - 1));
    }

    private List<Ciphertext> mlp(int l, List<Ciphertext> in, Evaluator ev) {
        Ciphertext x = in.get(0);
        SqueezedModel.Layer L = model.layer(l);
        DiagonalTransform[] f = weights.fc(l);
        Map<Integer, Ciphertext> rot = DiagonalTransform.babyRotations(ev, normInput(in), babySteps(f));
        double[] fcBias = L.fc.bias();
        ChebyshevApproximation gelu = L.gelu.unit();
        PolynomialEvaluator poly = new PolynomialEvaluator(ev);
        List<DiagonalTransform> projs = new ArrayList<>();
        List<Map<Integer, Ciphertext>> gRot = new ArrayList<>();
        for (int b = 0; b < f.length; b++) {
            Ciphertext u = replicate(ev, ev.rescale(f[b].accumulate(ev, rot)));
            u = addVector(ev, u, repVector(fcBias, b * layout.d(), layout.positions(), true));
            Ciphertext g = poly.evaluate(u, gelu);
            DiagonalTransform[] pb = weights.fcProj(l, b);
            projs.add(pb[0]);
            gRot.add(DiagonalTransform.babyRotations(ev, g, pb[0].babySteps()));
        }
        Ciphertext y = replicate(ev, ev.rescale(DiagonalTransform.sum(ev, projs, gRot)));
        y = addVector(ev, y, repVector(L.fcProj.bias(), 0, layout.positions(), true));
        y = addResidual(ev, y, x);
        return List.of(y, in.get(in.size() - 1));
    }

    private List<Ciphertext> head(List<Ciphertext> in, Evaluator ev) {
        List<Ciphertext> out = blockOutputs(weights.head(), in.get(0), model.head().bias(), ev);
        out.add(in.get(in.size() - 1));
        return out;
    }

    /** The LayerNorm input of a QKV or MLP stage: x itself, or the client's normalised copy. */
    private Ciphertext normInput(List<Ciphertext> in) {
        return in.get(model.clientNormalised() ? 1 : 0);
    }

    /** Every output block of a transform on one input, each plus its slice of the bias (lower halves). */
    private List<Ciphertext> blockOutputs(DiagonalTransform[] ts, Ciphertext input, double[] bias, Evaluator ev) {
        Map<Integer, Ciphertext> rot = DiagonalTransform.babyRotations(ev, input, babySteps(ts));
        List<Ciphertext> out = new ArrayList<>();
        for (int b = 0; b < ts.length; b++) {
            Ciphertext y = ev.rescale(ts[b].accumulate(ev, rot));
            out.add(addVector(ev, y, repVector(bias, b * layout.d(), layout.positions(), false)));
        }
        return out;
    }

    /** Σ a_i ⊙ b_i: the products relinearized and rescaled once, after the sum. */
    private static Ciphertext innerProduct(Evaluator ev, List<Ciphertext> a, List<Ciphertext> b) {
        Ciphertext acc = null;
        for (int i = 0; i < a.size(); i++) {
            Ciphertext prod = ev.multiply(a.get(i), b.get(i));
            acc = acc == null ? prod : ev.add(acc, prod);
        }
        return ev.rescale(ev.relinearize(acc));
    }

    /** Rows that carry tokens: known to the miner only where the inputs reveal T (else all). */
    private double[] repVector(double[] values, int offset, int rows, boolean bothHalves) {
        double[] s = new double[layout.slots()];
        for (int t = 0; t < rows; t++) {
            for (int c = 0; c < layout.d(); c++) {
                int o = offset + c;
                double v = o < values.length ? values[o] : 0;
                s[layout.slot(t, c)] = v;
                if (bothHalves) {
                    s[layout.slot(t, c) + layout.dp()] = v;
                }
            }
        }
        return s;
    }

    private static Ciphertext addVector(Evaluator ev, Ciphertext a, double[] v) {
        return ev.add(a, ev.encoder().encode(v, a.level(), a.scale()));
    }

    /** a + x, x (higher level) brought to a's level and exact scale by one product with 1. */
    private Ciphertext addResidual(Evaluator ev, Ciphertext a, Ciphertext x) {
        int work = a.level() + 1;
        if (x.level() < work) {
            throw new IllegalStateException("residual at level " + x.level() + " cannot meet level " + a.level());
        }
        Ciphertext xl = ev.dropLevel(x, work);
        double[] ones = new double[layout.slots()];
        Arrays.fill(ones, 1.0);
        double ptScale = a.scale() * ev.context().qModulus(work).value() / xl.scale();
        Ciphertext matched = ev.rescale(ev.multiply(xl, ev.encoder().encode(ones, work, ptScale)));
        return ev.add(a, matched);
    }

    private Ciphertext replicate(Evaluator ev, Ciphertext y) {
        return ev.add(y, ev.rotate(y, layout.replicateStep()));
    }

    private static int[] babySteps(DiagonalTransform[] ts) {
        TreeSet<Integer> s = new TreeSet<>();
        for (DiagonalTransform t : ts) {
            for (int b : t.babySteps()) {
                s.add(b);
            }
        }
        return s.stream().mapToInt(Integer::intValue).toArray();
    }
}
