package ai.zkllm.jobs.validation;

/**
 * The plaintext model a validator holds: the next-token logits the encrypted program approximates,
 * for a context: the squeezed model's plaintext forward pass ({@code SqueezedModel::logits}) for
 * the shipped reference model (tests pass their toy program's own).
 */
@FunctionalInterface
public interface PlaintextReference {
    double[] logits(int[] context);
}
