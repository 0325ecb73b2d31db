package ai.zkllm.program.plan;

import ai.zkllm.fhe.circuits.PolynomialEvaluator;
import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.Evaluator;
import ai.zkllm.program.squeezed.SqueezedModel;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

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

    /**
     * The stage on a batch of inputs (the ciphertexts of one or more prompts of this round, each with
     * its prompt's evaluator): per input its outputs, one ciphertext or the head's one per vocabulary
     * slice. Each input's outputs are those it would have alone, bit for bit; the batch shares the
     * encoding of every diagonal and, on a GPU, the launches of the matrices' key switches and sums.
     */
    List<List<Ciphertext>> evaluate(Stage st, List<Ciphertext> xs, List<Evaluator> evs) {
        int l = st.layer();
        return switch (st.kind()) {
            case QKV -> PackedMatrix.apply(evs, xs, List.of(weights.qkv(l)));
            case PROJ -> PackedMatrix.apply(evs, xs, List.of(weights.proj(l)));
            case MLP -> mlp(l, xs, evs).stream().map(List::of).toList();
            case PROJ_MLP -> {
                List<Ciphertext> normed = only(PackedMatrix.apply(evs, xs, List.of(weights.projResidual(l))));
                List<Ciphertext> out = mlp(l, normed, evs);
                yield eachInput(xs.size(), s -> List.of(evs.get(s).add(out.get(s),
                        firstCopy(normed.get(s), out.get(s), evs.get(s)))));
            }
            case HEAD -> PackedMatrix.apply(evs, xs, weights.head());
        };
    }

    private List<Ciphertext> mlp(int l, List<Ciphertext> xs, List<Evaluator> evs) {
        List<Ciphertext> t = only(PackedMatrix.apply(evs, xs, List.of(weights.fc(l))));
        // the GELU is ciphertext products under each input's own keys: nothing to share, so side by side
        List<Ciphertext> g = eachInput(xs.size(),
                s -> new PolynomialEvaluator(evs.get(s)).evaluate(t.get(s), model.layer(l).gelu.unit()));
        return only(PackedMatrix.apply(evs, g, List.of(weights.fcProj(l))));
    }

    private static List<Ciphertext> only(List<List<Ciphertext>> single) {
        return single.stream().map(outputs -> outputs.get(0)).toList();
    }

    /** f(0), …, f(n - 1), computed on the common pool, in order. */
    private static <T> List<T> eachInput(int n, IntFunction<T> f) {
        return IntStream.range(0, n).parallel().mapToObj(f).toList();
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
