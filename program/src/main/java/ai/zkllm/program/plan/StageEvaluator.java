package ai.zkllm.program.plan;

import ai.zkllm.fhe.circuits.PolynomialEvaluator;
import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.Evaluator;
import ai.zkllm.program.squeezed.SqueezedModel;

/**
 * The miner's side of the squeezed program: one {@link Stage} on one packed ciphertext, with the
 * evaluator it is given (its context and encoder encode every plaintext, so replay gives the same
 * bytes). Each ciphertext of a round is independent: P positions of the same rows.
 */
final class StageEvaluator {
    private final SqueezedModel model;
    private final WeightTransforms weights;

    StageEvaluator(SqueezedModel model, WeightTransforms weights) {
        this.model = model;
        this.weights = weights;
    }

    /** Levels the stage consumes. */
    static int depth(SqueezedModel model, Stage st) {
        return st.kind() == Stage.Kind.MLP ? 2 + model.layer(st.layer()).gelu.depth() : 1;
    }

    Ciphertext evaluate(Stage st, Ciphertext x, Evaluator ev) {
        return switch (st.kind()) {
            case QKV -> weights.qkv(st.layer()).apply(ev, x);
            case PROJ -> weights.proj(st.layer()).apply(ev, x);
            case MLP -> {
                Ciphertext t = weights.fc(st.layer()).apply(ev, x);
                Ciphertext g = new PolynomialEvaluator(ev).evaluate(t, model.layer(st.layer()).gelu.unit());
                yield weights.fcProj(st.layer()).apply(ev, g);
            }
            case HEAD -> weights.head().apply(ev, x);
        };
    }
}
