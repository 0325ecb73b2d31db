package ai.zkllm.jobs.validation;

/**
 * The plaintext model a validator holds: the next-token logits the encrypted program approximates,
 * for a context. The demo's {@code LinearSquareProgram::plainLogits}; the squeezed model's
 * plaintext forward pass when it lands.
 */
@FunctionalInterface
public interface PlaintextReference {
    double[] logits(int[] context);
}
