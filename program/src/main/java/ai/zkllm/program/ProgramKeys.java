package ai.zkllm.program;

import ai.zkllm.fhe.ckks.CkksContext;
import ai.zkllm.fhe.ckks.EvaluationKeys;
import ai.zkllm.fhe.ckks.KeyGenerator;
import ai.zkllm.fhe.ckks.SecretKey;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * The one evaluation-key recipe of a program: a relinearization key and the Galois keys of exactly
 * the rotations {@link FheProgram#rotationSteps()} names (no conjugation: no program uses it). The
 * client generates by it; the round executor checks a key set against it.
 */
public final class ProgramKeys {
    private ProgramKeys() {
    }

    public static EvaluationKeys generate(FheProgram program, CkksContext context, SecretKey secretKey,
                                          SecureRandom random) {
        KeyGenerator generator = new KeyGenerator(context, random);
        return new EvaluationKeys(generator.relinearizationKey(secretKey),
                generator.galoisKeys(secretKey, program.rotationSteps(), false));
    }

    /** What {@code keys} lack for {@code program}, or empty when they cover every round. */
    public static Optional<String> missing(EvaluationKeys keys, FheProgram program, CkksContext context) {
        if (keys.relinearization() == null) {
            return Optional.of("no relinearization key");
        }
        for (int step : program.rotationSteps()) {
            if (!keys.galois().has(context.galoisElementForRotation(step))) {
                return Optional.of("no Galois key for rotation " + step);
            }
        }
        return Optional.empty();
    }
}
