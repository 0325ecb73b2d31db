package ai.zkllm.fhe.bench;

import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.CkksContext;
import ai.zkllm.fhe.ckks.Decryptor;
import ai.zkllm.fhe.ckks.Encoder;
import ai.zkllm.fhe.ckks.Encryptor;
import ai.zkllm.fhe.ckks.EvaluationKeys;
import ai.zkllm.fhe.ckks.Evaluator;
import ai.zkllm.fhe.ckks.GaloisKeys;
import ai.zkllm.fhe.ckks.KeyGenerator;
import ai.zkllm.fhe.ckks.Parameters;
import ai.zkllm.fhe.ckks.Plaintext;
import ai.zkllm.fhe.ckks.PublicKey;
import ai.zkllm.fhe.ckks.SecretKey;
import ai.zkllm.fhe.io.FheCodec;
import ai.zkllm.fhe.ring.RingBackend;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Medians of the engine's basic operations on one thread, in milliseconds: the figures that the
 * OpenFHE anchor of the engine issue is stated in (keygen = secret, public, relinearization and
 * one rotation key), and product_sum_16 (see {@link #PRODUCT_TERMS}).
 */
public final class FheBenchmark {
    /**
     * Terms of the product_sum operation: a sum of ciphertext × encoded-plaintext products, what a
     * matrix's diagonals cost once their encodings are cached.
     */
    static final int PRODUCT_TERMS = 16;

    /**
     * What the benchmark measured, in the order it is reported: medians per operation, and the
     * serialized sizes of what a client uploads (ciphertext, public and evaluation keys).
     */
    public record Result(Parameters params, String backend, int runs, Map<String, Double> medianMillis,
            Map<String, Integer> serializedBytes) {}

    private FheBenchmark() {
    }

    public static Result run(Parameters params, RingBackend backend, int warmup, int runs) {
        CkksContext context = new CkksContext(params, backend);
        SecureRandom random = new SecureRandom();
        Encoder encoder = new Encoder(context);
        double[] values = new double[context.slots()];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextDouble() * 2 - 1;
        }
        Plaintext plain = encoder.encode(values, context.maxLevel(), params.scale());

        Map<String, Double> medians = new LinkedHashMap<>();
        KeyGenerator keygen = new KeyGenerator(context, random);
        medians.put("keygen", median(warmup, runs, backend, () -> {
            SecretKey sk = keygen.secretKey();
            keygen.publicKey(sk);
            keygen.relinearizationKey(sk);
            return keygen.galoisKeys(sk, new int[] {1}, false);
        }));

        SecretKey sk = keygen.secretKey();
        PublicKey pk = keygen.publicKey(sk);
        GaloisKeys rotation = keygen.galoisKeys(sk, new int[] {1}, false);
        EvaluationKeys evaluationKeys = new EvaluationKeys(keygen.relinearizationKey(sk), rotation);
        Evaluator evaluator = new Evaluator(context, evaluationKeys);
        Encryptor encryptor = new Encryptor(context, pk, random);
        Decryptor decryptor = new Decryptor(context, sk);

        medians.put("encrypt", median(warmup, runs, backend, () -> encryptor.encrypt(plain)));
        Ciphertext ct = encryptor.encrypt(plain);
        medians.put("mul_relin", median(warmup, runs, backend, () -> evaluator.multiplyRelin(ct, ct)));
        Ciphertext product = evaluator.multiplyRelin(ct, ct);
        medians.put("rescale", median(warmup, runs, backend, () -> evaluator.rescale(product)));
        medians.put("rotate", median(warmup, runs, backend, () -> evaluator.rotate(ct, 1)));
        Plaintext[] diagonals = new Plaintext[PRODUCT_TERMS];
        for (int i = 0; i < diagonals.length; i++) {
            diagonals[i] = encoder.encode(values, context.maxLevel(), params.scale());
        }
        List<Ciphertext> terms = Collections.nCopies(PRODUCT_TERMS, ct);
        medians.put("product_sum_" + PRODUCT_TERMS,
                median(warmup, runs, backend, () -> evaluator.multiplySum(terms, Arrays.asList(diagonals))));
        medians.put("decrypt_decode", median(warmup, runs, backend, () -> encoder.decode(decryptor.decrypt(ct))));

        FheCodec codec = new FheCodec(context);
        Map<String, Integer> bytes = new LinkedHashMap<>();
        bytes.put("ciphertext", codec.toBytes(ct).length);
        bytes.put("ciphertext_seeded", codec.toBytes(new Encryptor(context, sk, random).encrypt(plain)).length);
        bytes.put("public_key", codec.toBytes(pk).length);
        bytes.put("relinearization_key", codec.toBytes(evaluationKeys.relinearization().key()).length);
        bytes.put("rotation_key", codec.toBytes(rotation.get(context.galoisElementForRotation(1))).length);
        return new Result(params, backend.name(), runs, medians, bytes);
    }

    /**
     * Median milliseconds of {@code runs} timed calls of {@code operation} on {@code backend}, after
     * {@code warmup} untimed ones; each timed call ends when the backend has finished its work.
     */
    public static double median(int warmup, int runs, RingBackend backend, Supplier<?> operation) {
        for (int i = 0; i < warmup; i++) {
            operation.get();
        }
        double[] millis = new double[runs];
        for (int i = 0; i < runs; i++) {
            backend.finish();
            long start = System.nanoTime();
            operation.get();
            backend.finish();
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(millis);
        return runs % 2 == 1 ? millis[runs / 2] : (millis[runs / 2 - 1] + millis[runs / 2]) / 2;
    }
}
