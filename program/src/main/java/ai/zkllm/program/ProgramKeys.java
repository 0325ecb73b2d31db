package ai.zkllm.program;

import ai.zkllm.fhe.ckks.CkksContext;
import ai.zkllm.fhe.ckks.EvaluationKeys;
import ai.zkllm.fhe.ckks.KeyGenerator;
import ai.zkllm.fhe.ckks.SecretKey;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

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

    /** The Galois elements of the program's rotations: the only Galois keys a miner accepts for it. */
    public static Set<Integer> galoisElements(FheProgram program, CkksContext context) {
        Set<Integer> elements = new TreeSet<>();
        for (int step : program.rotationSteps()) {
            elements.add(context.galoisElementForRotation(step));
        }
        return elements;
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
