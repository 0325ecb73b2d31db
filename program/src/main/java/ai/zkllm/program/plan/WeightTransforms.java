package ai.zkllm.program.plan;

import ai.zkllm.fhe.circuits.DiagonalTransform;
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
 * The matrices of a squeezed model as the block transforms the miner applies in the rep layout
 * ({@link Layout}), with per-position LayerNorm scales folded into the diagonals. Built once per
 * program and shared by its rounds: diagonals only, since plaintexts are encoded by the evaluator
 * of each call (or cached per level with {@code cacheEncodings}).
 */
final class WeightTransforms {
    private final SqueezedModel model;
    private final Layout layout;
    private final boolean cacheEncodings;
    private final Map<String, DiagonalTransform[]> byMatrix = new ConcurrentHashMap<>();

    WeightTransforms(SqueezedModel model, Layout layout, boolean cacheEncodings) {
        this.model = model;
        this.layout = layout;
        this.cacheEncodings = cacheEncodings;
    }

    /**
     * The per-position LayerNorm scale r(t) of one site, folded into the next transform's diagonals,
     * or null for the client's exact scale, which arrives applied. The polynomial form
     * (r = p(variance)) is not compiled: {@link SqueezedFheProgram#checkSupported} refuses such a
     * model before a plan exists.
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

    DiagonalTransform[] qkv(int l) {
        return blocks("qkv" + l, model.layer(l).qkv, 0, foldedScale(model.layer(l).ln1, "h." + l + ".ln_1"));
    }

    DiagonalTransform[] proj(int l) {
        return blocks("proj" + l, model.layer(l).attnProj, 0, null);
    }

    DiagonalTransform[] fc(int l) {
        return blocks("fc" + l, model.layer(l).fc, 0, foldedScale(model.layer(l).ln2, "h." + l + ".ln_2"));
    }

    /** The transforms of fc_proj acting on one d-wide block of the MLP's inner activations. */
    DiagonalTransform[] fcProj(int l, int inBlock) {
        return blocks("fcproj" + l, model.layer(l).fcProj, inBlock, null);
    }

    DiagonalTransform[] head() {
        return blocks("head", model.head(), 0, foldedScale(model.lnf(), "ln_f"));
    }

    /** d-wide blocks of the MLP's inner activations. */
    int innerBlocks() {
        return (model.config().nInner() + layout.d() - 1) / layout.d();
    }

    /** The Galois rotations of every transform the plan applies, and the rep layout's replication. */
    int[] rotationSteps(Plan plan) {
        TreeSet<Integer> s = new TreeSet<>();
        s.add(layout.replicateStep());
        for (List<Stage> round : plan.rounds()) {
            for (Stage st : round) {
                for (DiagonalTransform t : of(st)) {
                    for (int r : t.requiredRotations()) {
                        s.add(r);
                    }
                }
            }
        }
        return s.stream().mapToInt(Integer::intValue).toArray();
    }

    private List<DiagonalTransform> of(Stage st) {
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
        return ts;
    }

    private DiagonalTransform[] blocks(String key, QuantizedMatrix m, int inBlock, double[] inScale) {
        return byMatrix.computeIfAbsent(key + "/" + inBlock, k -> {
            int outBlocks = (m.out() + layout.d() - 1) / layout.d();
            DiagonalTransform[] t = new DiagonalTransform[outBlocks];
            for (int b = 0; b < outBlocks; b++) {
                t[b] = new DiagonalTransform(layout.slots(), diagonals(m, inBlock, b, inScale),
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
}
