package ai.zkllm.fhe;

import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.CkksContext;
import ai.zkllm.fhe.ckks.Decryptor;
import ai.zkllm.fhe.ckks.Encoder;
import ai.zkllm.fhe.ckks.Encryptor;
import ai.zkllm.fhe.ckks.EvaluationKeys;
import ai.zkllm.fhe.ckks.Evaluator;
import ai.zkllm.fhe.ckks.KeyGenerator;
import ai.zkllm.fhe.ckks.Parameters;
import ai.zkllm.fhe.ckks.PublicKey;
import ai.zkllm.fhe.ckks.SecretKey;
import ai.zkllm.fhe.ring.JavaRingBackend;
import ai.zkllm.fhe.ring.RingBackend;
import java.util.Random;

/**
 * A parameter set with reproducible keys (seeded, so never secure), encryptors, a decryptor and an
 * evaluator (on the Java backend unless given another), plus precision helpers: the one fixture of the engine's tests.
 */
public final class FheFixture {
    public final Parameters params;
    public final CkksContext context;
    public final Encoder encoder;
    public final SecretKey secretKey;
    public final PublicKey publicKey;
    public final KeyGenerator keyGenerator;
    public final EvaluationKeys evaluationKeys;
    public final Encryptor encryptor;
    public final Encryptor secretEncryptor;
    public final Decryptor decryptor;
    public final Evaluator evaluator;
    /** Plain values only; secrets come from {@link SeededRandom}. */
    private final Random values = new Random(7);

    public FheFixture(Parameters params, int... rotationSteps) {
        this(params, new JavaRingBackend(), rotationSteps);
    }

    /** The same seeds on any backend: two fixtures on two backends hold the same keys. */
    public FheFixture(Parameters params, RingBackend backend, int... rotationSteps) {
        this.params = params;
        context = new CkksContext(params, backend);
        encoder = new Encoder(context);
        keyGenerator = new KeyGenerator(context, SeededRandom.of(1));
        secretKey = keyGenerator.secretKey();
        publicKey = keyGenerator.publicKey(secretKey);
        evaluationKeys = keyGenerator.evaluationKeys(secretKey, rotationSteps);
        encryptor = new Encryptor(context, publicKey, SeededRandom.of(2));
        secretEncryptor = new Encryptor(context, secretKey, SeededRandom.of(3));
        decryptor = new Decryptor(context, secretKey);
        evaluator = new Evaluator(context, evaluationKeys);
    }

    /** An insecure test set: 30-bit scale, {@code depth} levels, {@code dnum} key-switching digits. */
    public static Parameters small(int logN, int depth, int dnum) {
        return Parameters.builder().logN(logN).depth(depth).logScale(30).dnum(dnum).insecureForTests(true).build();
    }

    /** One value per slot, uniform in [-bound, bound]. */
    public double[] randomValues(double bound) {
        double[] v = new double[context.slots()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (2 * values.nextDouble() - 1) * bound;
        }
        return v;
    }

    /** A public-key ciphertext at the top level: no seed. */
    public Ciphertext encrypt(double[] v) {
        return encryptor.encrypt(encoder.encode(v, context.maxLevel(), params.scale()));
    }

    /** A fresh secret-key ciphertext at the top level: c_1 comes from a seed. */
    public Ciphertext encryptSeeded(double[] v) {
        return secretEncryptor.encrypt(encoder.encode(v, context.maxLevel(), params.scale()));
    }

    public double[] decrypt(Ciphertext ct) {
        return encoder.decode(decryptor.decrypt(ct));
    }

    /** An evaluator with Galois keys for exactly these steps, and a relinearization key if asked. */
    public Evaluator evaluator(int[] rotations, boolean relinearization) {
        return new Evaluator(context, new EvaluationKeys(
                relinearization ? keyGenerator.relinearizationKey(secretKey) : null,
                keyGenerator.galoisKeys(secretKey, rotations, false)));
    }

    public static double maxError(double[] expected, double[] actual) {
        return maxError(expected, actual, expected.length);
    }

    private static double maxError(double[] expected, double[] actual, int count) {
        double max = 0;
        for (int i = 0; i < count; i++) {
            max = Math.max(max, Math.abs(expected[i] - actual[i]));
        }
        return max;
    }

    /** -log2 of the largest error over the first {@code count} entries, printed and returned. */
    public static double bitsOfPrecision(String what, double[] expected, double[] actual, int count) {
        double max = maxError(expected, actual, count);
        double bits = -Math.log(max) / Math.log(2);
        System.out.printf("%-40s max error %.3e, %5.1f bits of precision%n", what, max, bits);
        return bits;
    }

    /** Asserts max error ≤ 2^-minBits, printing the bits of precision. */
    public static void assertPrecision(String what, double[] expected, double[] actual, double minBits) {
        double bits = bitsOfPrecision(what, expected, actual, expected.length);
        if (!(bits >= minBits)) {
            throw new AssertionError(what + ": " + bits + " bits of precision, expected at least " + minBits);
        }
    }
}
