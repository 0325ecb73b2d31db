package ai.zkllm.fhe.circuits;

import ai.zkllm.fhe.SeededRandom;
import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.CkksContext;
import ai.zkllm.fhe.ckks.Decryptor;
import ai.zkllm.fhe.ckks.Encoder;
import ai.zkllm.fhe.ckks.Encryptor;
import ai.zkllm.fhe.ckks.EvaluationKeys;
import ai.zkllm.fhe.ckks.Evaluator;
import ai.zkllm.fhe.ckks.KeyGenerator;
import ai.zkllm.fhe.ckks.Parameters;
import ai.zkllm.fhe.ckks.SecretKey;
import ai.zkllm.fhe.ring.JavaRingBackend;

/** A small insecure parameter set with a secret key; evaluators are made per key set. */
final class CircuitFixture {
    final CkksContext context;
    final Encoder encoder;
    final KeyGenerator keyGenerator;
    final SecretKey secretKey;
    final Encryptor encryptor;
    final Decryptor decryptor;

    CircuitFixture(int logN, int depth) {
        Parameters params = Parameters.builder().logN(logN).depth(depth).logScale(30).dnum(2)
                .insecureForTests(true).build();
        context = new CkksContext(params, new JavaRingBackend());
        encoder = new Encoder(context);
        keyGenerator = new KeyGenerator(context, SeededRandom.of(1));
        secretKey = keyGenerator.secretKey();
        encryptor = new Encryptor(context, keyGenerator.publicKey(secretKey), SeededRandom.of(2));
        decryptor = new Decryptor(context, secretKey);
    }

    /** An evaluator with Galois keys for exactly these steps, and a relinearization key if asked. */
    Evaluator evaluator(int[] rotations, boolean relinearization) {
        return new Evaluator(context, new EvaluationKeys(
                relinearization ? keyGenerator.relinearizationKey(secretKey) : null,
                keyGenerator.galoisKeys(secretKey, rotations, false)));
    }

    Ciphertext encrypt(double[] slots) {
        return encryptor.encrypt(encoder.encode(slots, context.maxLevel(), context.params().scale()));
    }

    double[] decrypt(Ciphertext ct) {
        return encoder.decode(decryptor.decrypt(ct));
    }


    /** -log2 of the largest error over the first {@code count} entries, printed and returned. */
    static double bitsOfPrecision(String what, double[] expected, double[] actual, int count) {
        double max = 0;
        for (int i = 0; i < count; i++) {
            max = Math.max(max, Math.abs(expected[i] - actual[i]));
        }
        double bits = -Math.log(max) / Math.log(2);
        System.out.printf("%-40s max error %.3e, %5.1f bits of precision%n", what, max, bits);
        return bits;
    }
}
