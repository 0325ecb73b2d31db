package ai.zkllm.program.plan;

import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.Evaluator;
import ai.zkllm.fhe.ckks.Parameters;
import ai.zkllm.program.FheProgram;
import ai.zkllm.program.squeezed.SqueezedModel;
import java.util.List;

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
    private final WeightTransforms weights;
    private final ClientRounds client;
    private final StageEvaluator stages;

    public SqueezedFheProgram(SqueezedModel model, Plan plan, String modelHash) {
        this(model, plan, modelHash, false);
    }

    /**
     * @param cacheEncodings keep the encoded plaintext diagonals (each transform runs at one planned
     *     level): faster tokens after the first, at about 1 MB per diagonal (a long-lived miner)
     */
    public SqueezedFheProgram(SqueezedModel model, Plan plan, String modelHash, boolean cacheEncodings) {
        checkSupported(model);
        this.model = model;
        this.plan = plan;
        this.modelHash = modelHash;
        this.params = plan.parameters();
        this.layout = Layout.of(model.config(), params.slots());
        this.weights = new WeightTransforms(model, layout, cacheEncodings);
        this.client = new ClientRounds(model, plan, layout);
        this.stages = new StageEvaluator(model, layout, weights);
    }

    /**
     * Refuses a model this program cannot run exactly: a LayerNorm scale given as a polynomial of
     * the variance ({@code inv_sqrt.chebyshev}, {@code lnDegree > 0}) has no stage here. Per-position
     * constants fold into the next transform's diagonals; the client's exact scale comes encrypted.
     */
    public static void checkSupported(SqueezedModel model) {
        for (int l = 0; l < model.layers().length; l++) {
            WeightTransforms.foldedScale(model.layer(l).ln1, "h." + l + ".ln_1");
            WeightTransforms.foldedScale(model.layer(l).ln2, "h." + l + ".ln_2");
        }
        WeightTransforms.foldedScale(model.lnf(), "ln_f");
    }

    public Plan plan() { return plan; }
    public SqueezedModel model() { return model; }
    public Layout layout() { return layout; }

    @Override public String modelHash() { return modelHash; }
    @Override public Parameters parameters() { return params; }
    @Override public int rounds() { return plan.roundCount(); }
    @Override public int maxContext() { return model.maxContext(); }
    @Override public int vocabularySize() { return model.vocabularySize(); }
    @Override public int[] rotationSteps() { return weights.rotationSteps(plan); }

    @Override
    public List<double[]> encodeContext(int[] tokens) {
        return client.encodeContext(tokens);
    }

    @Override
    public List<double[]> refresh(int round, List<double[]> decrypted) {
        return client.refresh(round, decrypted);
    }

    @Override
    public double[] logits(List<double[]> decrypted) {
        return client.logits(decrypted);
    }

    @Override
    public boolean acceptsInputCount(int round, int count) {
        return round >= 0 && round < rounds() && stages.acceptsInputCount(plan.rounds().get(round).get(0), count);
    }

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
        List<Stage> roundStages = plan.rounds().get(round);
        for (int i = 0; i < roundStages.size(); i++) {
            Stage st = roundStages.get(i);
            int expected = plan.stageLevels().get(round).get(i);
            int level = cur.get(0).level();
            if (st.kind() != Stage.Kind.SCORES && st.kind() != Stage.Kind.PV_PROJ && level != expected) {
                throw new IllegalStateException(st + " planned at level " + expected + ", input at " + level);
            }
            cur = stages.evaluate(st, cur, ev);
        }
        return cur;
    }
}
