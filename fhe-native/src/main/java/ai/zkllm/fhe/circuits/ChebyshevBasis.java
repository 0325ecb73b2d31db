package ai.zkllm.fhe.circuits;

import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.Encoder;
import ai.zkllm.fhe.ckks.Evaluator;
import java.util.HashMap;
import java.util.Map;

/**
 * Encrypted Chebyshev polynomials T_i(y) of one ciphertext y ∈ [-1, 1]: the baby steps
 * T_1..T_babyMax and the giant steps T_(2^k) beyond, each at the lowest possible depth
 * ⌈log2 i⌉ (T_i sits at level level(y) - ⌈log2 i⌉).
 *
 * <p>T_(a+b) = 2·T_a·T_b - T_(a-b) with a the highest power of two below i: the correction
 * T_(a-b) is lifted by a {@link ScaledConstant} to the product's exact scale and subtracted before
 * the single rescale, so every power costs one level and no scale mismatch arises.
 */
final class ChebyshevBasis {
    private final Evaluator evaluator;
    private final Encoder encoder;
    private final int babyMax;
    private final Map<Integer, Ciphertext> powers = new HashMap<>();

    ChebyshevBasis(Evaluator evaluator, Encoder encoder, Ciphertext y, int degree, int babyMax) {
        this.evaluator = evaluator;
        this.encoder = encoder;
        this.babyMax = Math.min(babyMax, degree);
        powers.put(1, y);
        for (int i = 2; i <= this.babyMax; i++) {
            powers.put(i, next(i));
        }
        for (int g = Integer.highestOneBit(this.babyMax) * 2; g <= degree; g *= 2) {
            powers.put(g, next(g));
        }
    }

    /** Baby steps are every T_i for i ≤ babyMax; above it only powers of two exist. */
    int babyMax() {
        return babyMax;
    }

    Ciphertext power(int i) {
        Ciphertext t = powers.get(i);
        if (t == null) {
            throw new IllegalArgumentException("T_" + i + " is not in the basis (baby steps up to " + babyMax
                    + ", then powers of two)");
        }
        return t;
    }

    private Ciphertext next(int i) {
        int a = Integer.highestOneBit(i) == i ? i / 2 : Integer.highestOneBit(i);
        int b = i - a;
        Ciphertext product = evaluator.multiplyInteger(evaluator.multiplyRelin(power(a), power(b)), 2);
        if (a == b) {
            product = evaluator.add(product, -1.0);
        } else {
            Ciphertext correction = evaluator.dropLevel(power(a - b), product.level());
            product = evaluator.sub(product,
                    ScaledConstant.multiplyToScale(evaluator, encoder, correction, 1.0, product.scale()));
        }
        return evaluator.rescale(product);
    }
}
