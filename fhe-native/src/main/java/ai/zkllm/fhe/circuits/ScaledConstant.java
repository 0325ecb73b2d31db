package ai.zkllm.fhe.circuits;

import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.Encoder;
import ai.zkllm.fhe.ckks.Evaluator;
import java.util.Arrays;

/**
 * Multiplication by a real constant that lands on a scale the caller chooses, without rescaling:
 * the constant is encoded at (wanted scale)/(ciphertext scale). This is how terms with different
 * histories are brought to one exact scale before they are added (Bossuat et al.), where
 * {@link Evaluator#multiplyConstant} always encodes at q_level.
 */
final class ScaledConstant {
    private ScaledConstant() {
    }

    /** ct · c at ct's level, with scale {@code resultScale} (a following rescale divides it by q_level). */
    static Ciphertext multiplyToScale(Evaluator evaluator, Encoder encoder, Ciphertext ct, double c,
                                      double resultScale) {
        double[] filled = new double[encoder.slots()];
        Arrays.fill(filled, c);
        return evaluator.multiply(ct, encoder.encode(filled, ct.level(), resultScale / ct.scale()));
    }
}
