package ai.zkllm.fhe.ckks;

import ai.zkllm.fhe.SeededRandom;
import ai.zkllm.fhe.ring.JavaRingBackend;
import java.util.Random;

/** A small insecure parameter set with keys, shared by the tests, plus precision helpers. */
final class TestKit {
    final CkksContext context;
    final Encoder encoder;
    final SecretKey secretKey;
    final PublicKey publicKey;
    final EvaluationKeys evaluationKeys;
    final Encryptor encryptor;
    final Decryptor decryptor;
    final Evaluator evaluator;
    /** Plain values only; secrets use {@link #seededRandom}. */
    final Random values = new Random(7);

    TestKit(Parameters params, int... rotationSteps) {
        context = new CkksContext(params, new JavaRingBackend());
        encoder = new Encoder(context);
        KeyGenerator keyGenerator = new KeyGenerator(context, SeededRandom.of(1));
        secretKey = keyGenerator.secretKey();
        publicKey = keyGenerator.publicKey(secretKey);
        evaluationKeys = keyGenerator.evaluationKeys(secretKey, rotationSteps);
        encryptor = new Encryptor(context, publicKey, SeededRandom.of(2));
        decryptor = new Decryptor(context, secretKey);
        evaluator = new Evaluator(context, evaluationKeys);
    }

    static Parameters small(int logN, int depth, int dnum) {
        return Parameters.builder().logN(logN).depth(depth).logScale(30).dnum(dnum).insecureForTests(true).build();
    }


    double[] randomValues(double bound) {
        double[] v = new double[context.slots()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (2 * values.nextDouble() - 1) * bound;
        }
        return v;
    }

    Ciphertext encrypt(double[] v) {
        return encryptor.encrypt(encoder.encode(v, context.maxLevel(), context.params().scale()));
    }

    double[] decrypt(Ciphertext ct) {
        return encoder.decode(decryptor.decrypt(ct));
    }

    static double maxError(double[] expected, double[] actual) {
        double max = 0;
        for (int i = 0; i < expected.length; i++) {
            max = Math.max(max, Math.abs(expected[i] - actual[i]));
        }
        return max;
    }

    /** Asserts max error ≤ 2^-minBits and prints the bits of precision. */
    static void assertPrecision(String what, double[] expected, double[] actual, double minBits) {
        double bits = -Math.log(maxError(expected, actual)) / Math.log(2);
        System.out.printf("%-28s %6.1f bits of precision%n", what, bits);
        if (!(bits >= minBits)) {
            throw new AssertionError(what + ": " + bits + " bits of precision, expected at least " + minBits);
        }
    }
}
