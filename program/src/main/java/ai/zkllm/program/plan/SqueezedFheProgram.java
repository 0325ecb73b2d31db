package ai.zkllm.program.plan;

import ai.zkllm.fhe.circuits.ChebyshevApproximation;
import ai.zkllm.fhe.circuits.DiagonalTransform;
import ai.zkllm.fhe.circuits.PolynomialEvaluator;
import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.Evaluator;
import ai.zkllm.fhe.ckks.Parameters;
import ai.zkllm.program.FheProgram;
import ai.zkllm.program.model.Linalg;
import ai.zkllm.program.squeezed.NormApprox;
import ai.zkllm.program.squeezed.QuantizedMatrix;
import ai.zkllm.program.squeezed.SqueezedModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The squeezed GPT-2 ({@code SQUEEZED_MODEL.md}) as an FHE program, following a {@link Plan}.
 * Layouts: {@link Layout}. Round inputs and outputs (ciphertext lists):
 * <ul>
 *   <li>a round starting with QKV, MLP or HEAD takes [x (rep), mask]; with client normalisation
 *       QKV and MLP take [x, a, mask], a = the client's LayerNorm scale applied to x (rep), and HEAD
 *       takes [a, mask];</li>
 *   <li>SCORES takes [Q chunks (C·dh), K chunks (C·dh), v, x, mask] and gives [p chunks (C), v, x, mask]
 *       (with client normalisation the chunks hold the scores s, and the client takes the softmax);</li>
 *   <li>PV_PROJ takes [P_0..P_{T-1}, V_0..V_{T-1}, x, mask];</li>
 *   <li>a round ending with QKV gives [q, k, v, x, mask]; with PV_PROJ or MLP [x, mask]; with HEAD
 *       [logit blocks..., mask].</li>
 * </ul>
 * Evaluation is a pure function of (round, inputs, keys): plaintexts are encoded afresh from the
 * model on every call, so replay gives the same bytes.
 */
public final class SqueezedFheProgram implements FheProgram {
    private final SqueezedModel model;
    private final Plan plan;
    private final String modelHash;
    private final Parameters params;
    private final Layout layout;
    private final int n;
    private final Map<String, DiagonalTransform[]> transforms = new ConcurrentHashMap<>();
    private final boolean cacheEncodings;

    public SqueezedFheProgram(SqueezedModel model, Plan plan, String modelHash) {
        this(model, plan, modelHash, false);
    }

    /**
     * @param cacheEncodings keep the encoded plaintext diagonals (each transform runs at one planned
     *     level): faster tokens after the first, at about 1 MB per diagonal (a long-lived miner)
     */
    public SqueezedFheProgram(SqueezedModel model, Plan plan, String modelHash, boolean cacheEncodings) {
        checkSupported(model);
        this.cacheEncodings = cacheEncodings;
        this.model = model;
        this.plan = plan;
        this.modelHash = modelHash;
        this.params = plan.parameters();
        this.layout = Layout.of(model.config(), params.slots());
        this.n = model.attnPower();
    }

    public Plan plan() { return plan; }
    public SqueezedModel model() { return model; }
    public Layout layout() { return layout; }

    @Override public String modelHash() { return modelHash; }
    @Override public Parameters parameters() { return params; }
    @Override public int rounds() { return plan.roundCount(); }
    @Override public int maxContext() { return model.maxContext(); }
    @Override public int vocabularySize() { return model.vocabularySize(); }

    // ---------------------------------------------------------------- shared plaintext machinery

    /**
     * The block transforms of a matrix (diagonals only; plaintexts are encoded by the evaluator of
     * each call, or cached per level with {@code cacheEncodings}).
     */
    private DiagonalTransform[] blocks(String key, QuantizedMatrix m, int inBlock, double[] inScale) {
        return transforms.computeIfAbsent(key + "/" + inBlock, k -> {
            int outBlocks = (m.out() + layout.d() - 1) / layout.d();
            DiagonalTransform[] t = new DiagonalTransform[outBlocks];
            for (int b = 0; b < outBlocks; b++) {
                t[b] = new DiagonalTransform(params.slots(), diagonals(m, inBlock, b, inScale),
                        DiagonalTransform.defaultStride(layout.dp()), cacheEncodings);
            }
            return t;
        });
    }

    /** Diagonals of the [d, d] block (inBlock, outBlock) of m acting on every token in the rep layout. */
    private Map<Integer, double[]> diagonals(QuantizedMatrix m, int inBlock, int outBlock, double[] inScale) {
        int d = layout.d();
        int dp = layout.dp();
        double[] w = m.dequantized();
        Map<Integer, double[]> diags = new LinkedHashMap<>();
        for (int k = 0; k < dp; k++) {
            double[] diag = new double[layout.slots()];
            for (int c = 0; c < d; c++) {
                int o = outBlock * d + c;
                int r = (c + k) % dp;
                int i = inBlock * d + r;
                if (o >= m.out() || r >= d || i >= m.in()) {
                    continue;
                }
                double v = w[i * m.out() + o];
                for (int t = 0; t < layout.positions(); t++) {
                    diag[layout.slot(t, c)] = v * (inScale == null ? 1 : inScale[t]);
                }
            }
            diags.put(k, diag);
        }
        return diags;
    }

    /**
     * Refuses a model this program cannot run exactly: a LayerNorm scale given as a polynomial of
     * the variance ({@code inv_sqrt.chebyshev}, {@code lnDegree > 0}) has no stage here. Per-position
     * constants fold into the next transform's diagonals; the client's exact scale comes encrypted.
     */
    public static void checkSupported(SqueezedModel model) {
        for (int l = 0; l < model.layers().length; l++) {
            foldedScale(model.layer(l).ln1, "h." + l + ".ln_1");
            foldedScale(model.layer(l).ln2, "h." + l + ".ln_2");
        }
        foldedScale(model.lnf(), "ln_f");
    }

    /**
     * The per-position LayerNorm scale r(t) of one site, folded into the next transform's diagonals,
     * or null for the client's exact scale, which arrives applied. The polynomial form
     * (r = p(variance)) is not compiled: {@link #checkSupported} refuses such a model
     * before a plan exists.
     */
    static double[] foldedScale(NormApprox n, String site) {
        if (n.atClient()) {
            return null;
        }
        if (n.poly != null || n.perPosition == null) {
            throw new UnsupportedOperationException(site + ": LayerNorm scale is a polynomial of the variance"
                    + " (inv_sqrt.chebyshev); the FHE program supports per-position constants (inv_sigma) and"
                    + " the client's exact scale (client normalisation)");
        }
        return n.perPosition;
    }

    private DiagonalTransform[] qkv(int l) {
        return blocks("qkv" + l, model.layer(l).qkv, 0, foldedScale(model.layer(l).ln1, "h." + l + ".ln_1"));
    }

    private DiagonalTransform[] proj(int l) {
        return blocks("proj" + l, model.layer(l).attnProj, 0, null);
    }

    private DiagonalTransform[] fc(int l) {
        return blocks("fc" + l, model.layer(l).fc, 0, foldedScale(model.layer(l).ln2, "h." + l + ".ln_2"));
    }

    private DiagonalTransform[] fcProj(int l, int inBlock) {
        return blocks("fcproj" + l, model.layer(l).fcProj, inBlock, null);
    }

    private DiagonalTransform[] head() {
        return blocks("head", model.head(), 0, foldedScale(model.lnf(), "ln_f"));
    }

    private int innerBlocks() {
        return (model.config().nInner() + layout.d() - 1) / layout.d();
    }

    /** Left rotation that copies the lower halves of the rep layout into the upper halves. */
    private int replicateStep() {
        return layout.slots() - layout.dp();
    }

    @Override
    public int[] rotationSteps() {
        TreeSet<Integer> s = new TreeSet<>();
        s.add(replicateStep());
        for (List<Stage> round : plan.rounds()) {
            for (Stage st : round) {
                List<DiagonalTransform> ts = new ArrayList<>();
                switch (st.kind()) {
                    case QKV -> ts.addAll(List.of(qkv(st.layer())));
                    case PV_PROJ -> ts.addAll(List.of(proj(st.layer())));
                    case MLP -> {
                        ts.addAll(List.of(fc(st.layer())));
                        for (int b = 0; b < innerBlocks(); b++) {
                            ts.addAll(List.of(fcProj(st.layer(), b)));
                        }
                    }
                    case HEAD -> ts.addAll(List.of(head()));
                    case SCORES -> { }
                }
                for (DiagonalTransform t : ts) {
                    for (int r : t.requiredRotations()) {
                        s.add(r);
                    }
                }
            }
        }
        return s.stream().mapToInt(Integer::intValue).toArray();
    }

    // ---------------------------------------------------------------- client side

    @Override
    public List<double[]> encodeContext(int[] tokens) {
        List<double[]> out = segmentInputs(plan.rounds().get(0).get(0), model.embed(tokens));
        out.add(layout.mask(tokens.length));
        return out;
    }

    /**
     * The inputs of a round that starts with {@code next} (QKV, MLP or HEAD) on the residual x: [x],
     * or with client normalisation the LayerNorm input a[t] = x[t]·r(t) with the client's exact r
     * as well, [x, a] ([a] for HEAD, which has no residual).
     */
    private List<double[]> segmentInputs(Stage next, double[][] x) {
        List<double[]> out = new ArrayList<>();
        if (!model.clientNormalised()) {
            out.add(layout.rep(x));
            return out;
        }
        NormApprox norm = switch (next.kind()) {
            case QKV -> model.layer(next.layer()).ln1;
            case MLP -> model.layer(next.layer()).ln2;
            case HEAD -> model.lnf();
            case SCORES, PV_PROJ -> throw new IllegalStateException(next + " does not start a segment");
        };
        if (next.kind() != Stage.Kind.HEAD) {
            out.add(layout.rep(x));
        }
        out.add(layout.rep(norm.apply(x)));
        return out;
    }

    @Override
    public List<double[]> refresh(int round, List<double[]> decrypted) {
        if (round < 0 || round + 1 >= rounds()) {
            throw new IllegalArgumentException("no round after round " + round + " of " + rounds());
        }
        List<Stage> done = plan.rounds().get(round);
        Stage last = done.get(done.size() - 1);
        double[] mask = decrypted.get(decrypted.size() - 1);
        int t = layout.length(mask);
        List<double[]> out = new ArrayList<>();
        switch (last.kind()) {
            case QKV -> {
                int d = layout.d();
                double[][] q = layout.rows(decrypted.get(0), t, d);
                double[][] k = layout.rows(decrypted.get(1), t, d);
                int chunks = layout.chunks(t);
                int dh = layout.headDim();
                double[][] qs = new double[chunks * dh][layout.slots()];
                double[][] ks = new double[chunks * dh][layout.slots()];
                for (int i = 0; i < t; i++) {
                    for (int j = 0; j <= i; j++) {
                        for (int h = 0; h < layout.heads(); h++) {
                            int p = layout.pairIndex(i, j, h);
                            int c = p / layout.slots();
                            int s = p % layout.slots();
                            for (int kk = 0; kk < dh; kk++) {
                                qs[c * dh + kk][s] = q[i][h * dh + kk];
                                ks[c * dh + kk][s] = k[j][h * dh + kk];
                            }
                        }
                    }
                }
                out.addAll(List.of(qs));
                out.addAll(List.of(ks));
                out.add(layout.rep(layout.rows(decrypted.get(2), t, d)));
                out.add(layout.rep(layout.rows(decrypted.get(3), t, d)));
            }
            case SCORES -> {
                int chunks = decrypted.size() - 3;
                double[] v = decrypted.get(chunks);
                double[] x = decrypted.get(chunks + 1);
                int d = layout.d();
                int dh = layout.headDim();
                double[][] vr = layout.rows(v, t, d);
                double[][][] probs = probabilities(decrypted, t);
                for (int j = 0; j < t; j++) {
                    double[] pj = new double[layout.slots()];
                    for (int i = j; i < t; i++) {
                        for (int h = 0; h < layout.heads(); h++) {
                            double val = probs[h][i][j];
                            for (int c = 0; c < dh; c++) {
                                pj[layout.slot(i, h * dh + c)] = val;
                                pj[layout.slot(i, h * dh + c) + layout.dp()] = val;
                            }
                        }
                    }
                    out.add(pj);
                }
                for (int j = 0; j < t; j++) {
                    double[][] rows = new double[t][];
                    for (int i = 0; i < t; i++) {
                        rows[i] = vr[j];
                    }
                    out.add(layout.rep(rows));
                }
                out.add(layout.rep(layout.rows(x, t, d)));
            }
            case PV_PROJ, MLP -> out.addAll(segmentInputs(plan.rounds().get(round + 1).get(0),
                    layout.rows(decrypted.get(0), t, layout.d())));
            case HEAD -> throw new IllegalArgumentException("head ends the token");
        }
        out.add(layout.mask(t));
        return out;
    }

    /**
     * p[h][i][j ≤ i] from the decrypted pair chunks: as computed by the miner (power attention), or
     * with client normalisation the softmax of the decrypted scores.
     */
    private double[][][] probabilities(List<double[]> chunks, int t) {
        double[][][] p = new double[layout.heads()][t][];
        for (int h = 0; h < layout.heads(); h++) {
            for (int i = 0; i < t; i++) {
                double[] row = new double[i + 1];
                for (int j = 0; j <= i; j++) {
                    int pair = layout.pairIndex(i, j, h);
                    row[j] = chunks.get(pair / layout.slots())[pair % layout.slots()];
                }
                p[h][i] = model.clientNormalised() ? Linalg.softmax(row) : row;
            }
        }
        return p;
    }

    @Override
    public double[] logits(List<double[]> decrypted) {
        int t = layout.length(decrypted.get(decrypted.size() - 1));
        int vocab = model.vocabularySize();
        double[] logits = new double[vocab];
        for (int o = 0; o < vocab; o++) {
            logits[o] = decrypted.get(o / layout.d())[layout.slot(t - 1, o % layout.d())];
        }
        return logits;
    }

    // ---------------------------------------------------------------- miner side

    @Override
    public List<Ciphertext> evaluate(int round, List<Ciphertext> inputs, Evaluator ev) {
        if (round < 0 || round >= rounds()) {
            throw new IllegalArgumentException("round " + round + " outside [0, " + rounds() + ")");
        }
        if (!ev.context().params().equals(params)) {
            throw new IllegalArgumentException("evaluator for parameters " + ev.context().params().id()
                    + ", program " + modelHash + " uses " + params.id());
        }
        List<Ciphertext> cur = inputs;
        List<Stage> stages = plan.rounds().get(round);
        for (int i = 0; i < stages.size(); i++) {
            Stage st = stages.get(i);
            int expected = plan.stageLevels().get(round).get(i);
            int level = cur.get(0).level();
            if (st.kind() != Stage.Kind.SCORES && st.kind() != Stage.Kind.PV_PROJ && level != expected) {
                throw new IllegalStateException(st + " planned at level " + expected + ", input at " + level);
            }
            cur = switch (st.kind()) {
                case QKV -> qkvStage(st.layer(), cur, ev);
                case SCORES -> scoresStage(st.layer(), cur, ev);
                case PV_PROJ -> pvProjStage(st.layer(), cur, ev);
                case MLP -> mlpStage(st.layer(), cur, ev);
                case HEAD -> headStage(cur, ev);
            };
        }
        return cur;
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

    private Ciphertext addVector(Evaluator ev, Ciphertext a, double[] v) {
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
        java.util.Arrays.fill(ones, 1.0);
        double ptScale = a.scale() * ev.context().qModulus(work).value() / xl.scale();
        Ciphertext matched = ev.rescale(ev.multiply(xl, ev.encoder().encode(ones, work, ptScale)));
        return ev.add(a, matched);
    }

    private Ciphertext replicate(Evaluator ev, Ciphertext y) {
        return ev.add(y, ev.rotate(y, replicateStep()));
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

    /** The LayerNorm input of a QKV or MLP stage: x itself, or the client's normalised copy. */
    private Ciphertext normInput(List<Ciphertext> in) {
        return in.get(model.clientNormalised() ? 1 : 0);
    }

    private List<Ciphertext> qkvStage(int l, List<Ciphertext> in, Evaluator ev) {
        Ciphertext x = in.get(0);
        Ciphertext mask = in.get(in.size() - 1);
        DiagonalTransform[] ts = qkv(l);
        Map<Integer, Ciphertext> rot = DiagonalTransform.babyRotations(ev, normInput(in), babySteps(ts));
        double[] bias = model.layer(l).qkv.bias();
        List<Ciphertext> out = new ArrayList<>();
        for (int b = 0; b < ts.length; b++) {
            Ciphertext y = ev.rescale(ts[b].accumulate(ev, rot));
            out.add(addVector(ev, y, repVector(bias, b * layout.d(), layout.positions(), false)));
        }
        out.add(x);
        out.add(mask);
        return out;
    }

    private List<Ciphertext> scoresStage(int l, List<Ciphertext> in, Evaluator ev) {
        int dh = layout.headDim();
        int chunks = (in.size() - 3) / (2 * dh);
        if (chunks < 1 || chunks * 2 * dh + 3 != in.size()) {
            throw new IllegalArgumentException("scores round: " + in.size() + " inputs is not 2·" + dh + "·C + 3");
        }
        SqueezedModel.Layer L = model.layer(l);
        List<Ciphertext> out = new ArrayList<>();
        for (int c = 0; c < chunks; c++) {
            Ciphertext acc = null;
            for (int k = 0; k < dh; k++) {
                Ciphertext prod = ev.multiply(in.get(c * dh + k), in.get(chunks * dh + c * dh + k));
                acc = acc == null ? prod : ev.add(acc, prod);
            }
            Ciphertext s = ev.rescale(ev.relinearize(acc));
            out.add(model.clientNormalised() ? s : powerAttention(L, c, s, ev));
        }
        out.addAll(in.subList(in.size() - 3, in.size()));
        return out;
    }

    /** (s·κ/n + κ(1 - m/n))^n on one chunk of pairs: one plaintext product and addition, log2(n) squarings. */
    private Ciphertext powerAttention(SqueezedModel.Layer L, int c, Ciphertext s, Evaluator ev) {
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

    private List<Ciphertext> pvProjStage(int l, List<Ciphertext> in, Evaluator ev) {
        int t = (in.size() - 2) / 2;
        if (t < 1 || 2 * t + 2 != in.size()) {
            throw new IllegalArgumentException("P·V round: " + in.size() + " inputs is not 2·T + 2");
        }
        Ciphertext acc = null;
        for (int j = 0; j < t; j++) {
            Ciphertext prod = ev.multiply(in.get(j), in.get(t + j));
            acc = acc == null ? prod : ev.add(acc, prod);
        }
        Ciphertext o = ev.rescale(ev.relinearize(acc));
        Ciphertext x = in.get(2 * t);
        DiagonalTransform[] ts = proj(l);
        Ciphertext y = replicate(ev, ts[0].apply(ev, o));
        y = addVector(ev, y, repVector(model.layer(l).attnProj.bias(), 0, t, true));
        y = addResidual(ev, y, x);
        return List.of(y, in.get(in.size() - 1));
    }

    private List<Ciphertext> mlpStage(int l, List<Ciphertext> in, Evaluator ev) {
        Ciphertext x = in.get(0);
        SqueezedModel.Layer L = model.layer(l);
        DiagonalTransform[] f = fc(l);
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
            DiagonalTransform[] pb = fcProj(l, b);
            projs.add(pb[0]);
            gRot.add(DiagonalTransform.babyRotations(ev, g, pb[0].babySteps()));
        }
        Ciphertext y = replicate(ev, ev.rescale(DiagonalTransform.sum(ev, projs, gRot)));
        y = addVector(ev, y, repVector(L.fcProj.bias(), 0, layout.positions(), true));
        y = addResidual(ev, y, x);
        return List.of(y, in.get(in.size() - 1));
    }

    private List<Ciphertext> headStage(List<Ciphertext> in, Evaluator ev) {
        Ciphertext x = in.get(0);
        DiagonalTransform[] ts = head();
        Map<Integer, Ciphertext> rot = DiagonalTransform.babyRotations(ev, x, babySteps(ts));
        double[] bias = model.head().bias();
        List<Ciphertext> out = new ArrayList<>();
        for (int b = 0; b < ts.length; b++) {
            Ciphertext y = ev.rescale(ts[b].accumulate(ev, rot));
            out.add(addVector(ev, y, repVector(bias, b * layout.d(), layout.positions(), false)));
        }
        out.add(in.get(in.size() - 1));
        return out;
    }
}
