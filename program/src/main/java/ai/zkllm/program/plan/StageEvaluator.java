package ai.zkllm.program.plan;

import ai.zkllm.fhe.circuits.PolynomialEvaluator;
import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.Evaluator;
import ai.zkllm.program.squeezed.SqueezedModel;
import java.util.List;

/**
 * The miner's side of the squeezed program: one {@link Stage} on one packed ciphertext, with the
 * evaluator it is given (its context and encoder encode every plaintext, so replay gives the same
 * bytes). Each ciphertext of a round is independent: P positions of the same rows.
 */
final class StageEvaluator {
    private final SqueezedModel model;
    private final WeightTransforms weights;
    /** PROJ_MLP's mask: the response factor in the first d columns of every row, zero elsewhere. */
    private final double[] firstColumns;

    StageEvaluator(SqueezedModel model, WeightTransforms weights, Layout layout) {
        this.model = model;
        this.weights = weights;
        this.firstColumns = layout.columns(model.config().nEmbd(), Layout.RESPONSE_FACTOR);
    }

    /** Levels the stage consumes. */
    static int depth(SqueezedModel model, Stage st) {
        return switch (st.kind()) {
            case QKV, PROJ, HEAD -> 1;
            case MLP -> mlpDepth(model, st.layer());
            case PROJ_MLP -> 1 + mlpDepth(model, st.layer());
        };
    }

    private static int mlpDepth(SqueezedModel model, int l) {
        return 2 + model.layer(l).gelu.depth();
    }

    /** The stage on one input: one ciphertext, or the head's one per vocabulary slice. */
    List<Ciphertext> evaluate(Stage st, Ciphertext x, Evaluator ev) {
        int l = st.layer();
        return switch (st.kind()) {
            case QKV -> List.of(weights.qkv(l).apply(ev, x));
            case PROJ -> List.of(weights.proj(l).apply(ev, x));
            case MLP -> List.of(mlp(l, x, ev));
            case PROJ_MLP -> {
                Ciphertext normed = weights.projResidual(l).apply(ev, x);
                Ciphertext out = mlp(l, normed, ev);
                yield List.of(ev.add(out, firstCopy(normed, out, ev)));
            }
            case HEAD -> PackedMatrix.applyEach(ev, x, weights.head());
        };
    }

    private Ciphertext mlp(int l, Ciphertext x, Evaluator ev) {
        Ciphertext t = weights.fc(l).apply(ev, x);
        Ciphertext g = new PolynomialEvaluator(ev).evaluate(t, model.layer(l).gelu.unit());
        return weights.fcProj(l).apply(ev, g);
    }

    /**
     * The first d columns of a (replicated with period n ≥ d) times the response factor, zero in
     * the other columns, at {@code like}'s level and scale: so that it adds to the MLP output, and
     * the client reads a + mlp in columns [0, d) and mlp alone in [n, n + d). The mask is encoded
     * at the scale that makes the rescale land on like's exactly (a spare level: a sits above the MLP).
     */
    private Ciphertext firstCopy(Ciphertext a, Ciphertext like, Evaluator ev) {
        double q = ev.context().qModulus(a.level()).value();
        Ciphertext masked = ev.rescale(ev.multiply(a,
                ev.encoder().encode(firstColumns, a.level(), like.scale() * q / a.scale())));
        return ev.dropLevel(masked, like.level());
    }
}
