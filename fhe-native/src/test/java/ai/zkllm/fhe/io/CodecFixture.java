package ai.zkllm.fhe.io;

import ai.zkllm.fhe.SeededRandom;
import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.CkksContext;
import ai.zkllm.fhe.ckks.Decryptor;
import ai.zkllm.fhe.ckks.Encoder;
import ai.zkllm.fhe.ckks.Encryptor;
import ai.zkllm.fhe.ckks.EvaluationKeys;
import ai.zkllm.fhe.ckks.KeyGenerator;
import ai.zkllm.fhe.ckks.Parameters;
import ai.zkllm.fhe.ckks.PublicKey;
import ai.zkllm.fhe.ckks.SecretKey;
import ai.zkllm.fhe.ring.JavaRingBackend;
import java.util.Random;

/** A parameter set with reproducible keys, encryptors and a codec, shared by the io tests. */
final class CodecFixture {
    final Parameters params;
    final CkksContext context;
    final Encoder encoder;
    final SecretKey secretKey;
    final PublicKey publicKey;
    final EvaluationKeys evaluationKeys;
    final Encryptor publicEncryptor;
    final Encryptor secretEncryptor;
    final Decryptor decryptor;
    final FheCodec codec;
    private final Random values = new Random(11);

    CodecFixture(Parameters params, int... rotationSteps) {
        this.params = params;
        context = new CkksContext(params, new JavaRingBackend());
        encoder = new Encoder(context);
        KeyGenerator keyGenerator = new KeyGenerator(context, SeededRandom.of(1));
        secretKey = keyGenerator.secretKey();
        publicKey = keyGenerator.publicKey(secretKey);
        evaluationKeys = keyGenerator.evaluationKeys(secretKey, rotationSteps);
        publicEncryptor = new Encryptor(context, publicKey, SeededRandom.of(2));
        secretEncryptor = new Encryptor(context, secretKey, SeededRandom.of(3));
        decryptor = new Decryptor(context, secretKey);
        codec = new FheCodec(context);
    }

    /** logN 10, depth 3, dnum 2: 4 chain primes, 2 special primes, 2 key-switching digits. */
    static Parameters small() {
        return smallWithDepth(3);
    }

    static Parameters smallWithDepth(int depth) {
        return Parameters.builder().logN(10).depth(depth).logScale(30).dnum(2).insecureForTests(true).build();
    }


    double[] randomValues() {
        double[] v = new double[context.slots()];
        for (int i = 0; i < v.length; i++) {
            v[i] = 2 * values.nextDouble() - 1;
        }
        return v;
    }

    /** A public-key ciphertext at the top level: no seed. */
    Ciphertext encryptPublic(double[] v) {
        return publicEncryptor.encrypt(encoder.encode(v, context.maxLevel(), params.scale()));
    }

    /** A fresh secret-key ciphertext at the top level: c_1 comes from a seed. */
    Ciphertext encryptSeeded(double[] v) {
        return secretEncryptor.encrypt(encoder.encode(v, context.maxLevel(), params.scale()));
    }

    double[] decrypt(Ciphertext ct) {
        return encoder.decode(decryptor.decrypt(ct));
    }
}
