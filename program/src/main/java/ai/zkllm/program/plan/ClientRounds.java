package ai.zkllm.program.plan;

import ai.zkllm.program.model.Linalg;
import ai.zkllm.program.squeezed.NormApprox;
import ai.zkllm.program.squeezed.SqueezedModel;
import java.util.ArrayList;
import java.util.List;

/**
 * The client's side of the squeezed program, plaintext math only: the first round's inputs, the
 * re-layout (and with client normalisation the softmax and LayerNorm scale) between rounds, and the
 * logits of the last. Round inputs and outputs are listed on {@link SqueezedFheProgram}.
 */
final class ClientRounds {
    private final SqueezedModel model;
    private final Plan plan;
    private final Layout layout;

    ClientRounds(SqueezedModel model, Plan plan, Layout layout) {
        this.model = model;
        this.plan = plan;
        this.layout = layout;
    }

    List<double[]> encodeContext(int[] tokens) {
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

    List<double[]> refresh(int round, List<double[]> decrypted) {
        if (round < 0 || round + 1 >= plan.roundCount()) {
            throw new IllegalArgumentException("no round after round " + round + " of " + plan.roundCount());
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

    double[] logits(List<double[]> decrypted) {
        int t = layout.length(decrypted.get(decrypted.size() - 1));
        int vocab = model.vocabularySize();
        double[] logits = new double[vocab];
        for (int o = 0; o < vocab; o++) {
            logits[o] = decrypted.get(o / layout.d())[layout.slot(t - 1, o % layout.d())];
        }
        return logits;
    }
}
