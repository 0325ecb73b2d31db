package ai.zkllm.program.plan;

import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.Evaluator;
import ai.zkllm.fhe.ckks.Parameters;
import ai.zkllm.program.FheProgram;
import ai.zkllm.program.TokenDecoder;
import ai.zkllm.program.squeezed.SqueezedModel;
import java.util.ArrayList;
import java.util.List;

/**
 * The squeezed GPT-2 ({@code SQUEEZED_MODEL.md}) as an FHE program, following a {@link Plan}: per
 * layer a QKV, a PROJ and an MLP round, then the HEAD round (3L + 1 rounds per token; 2L + 1 with
 * an affine ln_2, whose PROJ_MLP rounds take both). Every round
 * takes the rows of the positions the client sends, packed P to a ciphertext ({@link Layout}: one
 * ciphertext for a token after the prompt's), and returns one ciphertext per input at level 0; the
 * HEAD round takes the last position only and answers with one ciphertext per vocabulary slice
 * ({@link Layout#vocabularySlices}). The client's side is {@link SqueezedDecoder}.
 * Evaluation is a pure function of (round, inputs, keys): plaintexts are encoded afresh from the
 * model on every call (or cached, with the same bytes), so replay gives the same bytes.
 */
public final class SqueezedFheProgram implements FheProgram {
    private final SqueezedModel model;
    private final Plan plan;
    private final String modelHash;
    private final Parameters params;
    private final Layout layout;
    private final WeightTransforms weights;
    private final StageEvaluator stages;

    public SqueezedFheProgram(SqueezedModel model, Plan plan, String modelHash) {
        this(model, plan, modelHash, false);
    }

    /**
     * @param cacheEncodings keep the encoded plaintext diagonals (each matrix runs at one planned
     *     level): faster tokens after the first, at (level + 1)·N·8 bytes per diagonal (a long-lived miner)
     */
    public SqueezedFheProgram(SqueezedModel model, Plan plan, String modelHash, boolean cacheEncodings) {
        this.model = model;
        this.plan = plan;
        this.modelHash = modelHash;
        this.params = plan.parameters();
        this.layout = Layout.of(model.config(), params.slots());
        this.weights = new WeightTransforms(model, layout, cacheEncodings);
        this.stages = new StageEvaluator(model, weights, layout);
        for (int r = 0; r < plan.roundCount(); r++) {
            Stage st = plan.rounds().get(r);
            if (st.kind() == Stage.Kind.PROJ_MLP && !model.affineLn2()) {
                throw new IllegalArgumentException("plan merges PROJ and MLP of layer " + st.layer()
                        + ", but the model's ln_2 is not affine (a per-position constant)");
            }
            if (plan.inputLevels().get(r) != StageEvaluator.depth(model, st)) {
                throw new IllegalArgumentException("plan puts the input of " + st + " at level "
                        + plan.inputLevels().get(r) + "; it consumes " + StageEvaluator.depth(model, st));
            }
        }
    }

    /** Levels a stage of {@code model} consumes: its round's input level. */
    public static int depth(SqueezedModel model, Stage stage) {
        return StageEvaluator.depth(model, stage);
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
    @Override public int inputLevel(int round) { return plan.inputLevels().get(round); }
    @Override public TokenDecoder newDecoder() { return new SqueezedDecoder(model, plan, layout); }

    /** One ciphertext for the head; for other rounds up to those of a full context. */
    @Override
    public boolean acceptsInputCount(int round, int count) {
        if (round < 0 || round >= rounds()) {
            return false;
        }
        int most = plan.rounds().get(round).kind() == Stage.Kind.HEAD ? 1 : layout.ciphertexts(maxContext());
        return count >= 1 && count <= most;
    }

    @Override
    public List<Ciphertext> evaluate(int round, List<Ciphertext> inputs, Evaluator ev) {
        return evaluateBatch(round, List.of(inputs), List.of(ev)).get(0);
    }

    /**
     * Every ciphertext of every prompt is one input of the stage's batch (P positions each), so the
     * diagonals are encoded once per round for all of them: a prompt's several ciphertexts, and the
     * prompts of several sessions.
     */
    @Override
    public List<List<Ciphertext>> evaluateBatch(int round, List<List<Ciphertext>> inputs, List<Evaluator> evaluators) {
        if (inputs.size() != evaluators.size() || inputs.isEmpty()) {
            throw new IllegalArgumentException(inputs.size() + " prompts with " + evaluators.size() + " evaluators");
        }
        Stage st = round >= 0 && round < rounds() ? plan.rounds().get(round) : null;
        List<Ciphertext> items = new ArrayList<>();
        List<Evaluator> itemEvaluators = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            check(round, st, inputs.get(i), evaluators.get(i));
            for (Ciphertext x : inputs.get(i)) {
                items.add(x);
                itemEvaluators.add(evaluators.get(i));
            }
        }
        List<List<Ciphertext>> outputs = stages.evaluate(st, items, itemEvaluators);
        List<List<Ciphertext>> byPrompt = new ArrayList<>(inputs.size());
        int item = 0;
        for (List<Ciphertext> prompt : inputs) {
            List<Ciphertext> out = new ArrayList<>();
            for (int j = 0; j < prompt.size(); j++) {
                out.addAll(outputs.get(item++));
            }
            byPrompt.add(out);
        }
        return byPrompt;
    }

    private void check(int round, Stage st, List<Ciphertext> inputs, Evaluator ev) {
        if (!acceptsInputCount(round, inputs.size())) {
            throw new IllegalArgumentException("round " + round + " of " + rounds() + " does not take "
                    + inputs.size() + " inputs");
        }
        if (!ev.context().params().equals(params)) {
            throw new IllegalArgumentException("evaluator for parameters " + ev.context().params().id()
                    + ", program " + modelHash + " uses " + params.id());
        }
        for (Ciphertext x : inputs) {
            if (x.level() != inputLevel(round)) {
                throw new IllegalArgumentException(st + " planned at level " + inputLevel(round) + ", input at "
                        + x.level());
            }
        }
    }
}
