package ai.zkllm.fhe.ckks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.zkllm.fhe.FheFixture;
import ai.zkllm.fhe.ring.JavaRingBackend;
import java.security.SecureRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** One pass over a real 128-bit set (N = 2^14, depth 8, 30-bit scale); prints rough timings, asserts none. */
class RealParametersTest {

    @Test
    void multiplyRotateAndDecryptAtNTwoToTheFourteen() {
        Parameters params = Parameters.builder().logN(14).depth(8).logScale(30).dnum(3).build();
        assertEquals(128, params.securityBits());
        CkksContext context = new CkksContext(params, new JavaRingBackend());
        Encoder encoder = new Encoder(context);
        SecureRandom random = new SecureRandom();
        KeyGenerator keyGenerator = new KeyGenerator(context, random);
        long start = System.nanoTime();
        SecretKey sk = keyGenerator.secretKey();
        PublicKey pk = keyGenerator.publicKey(sk);
        RelinearizationKey relin = keyGenerator.relinearizationKey(sk);
        GaloisKeys galois = keyGenerator.galoisKeys(sk, new int[] {1}, false);
        System.out.printf("N=2^14 %s%n  keygen (sk, pk, relin, 1 rotation): %.1f ms%n", params, (System.nanoTime() - start) / 1e6);
        Encryptor encryptor = new Encryptor(context, pk, random);
        Decryptor decryptor = new Decryptor(context, sk);
        Evaluator evaluator = new Evaluator(context, new EvaluationKeys(relin, galois));

        double[] a = new double[context.slots()];
        double[] b = new double[context.slots()];
        java.util.Random values = new java.util.Random(5);
        for (int i = 0; i < a.length; i++) {
            a[i] = 2 * values.nextDouble() - 1;
            b[i] = 2 * values.nextDouble() - 1;
        }
        Plaintext pa = encoder.encode(a, params.maxLevel(), params.scale());
        Ciphertext ca = time("encrypt", 5, () -> encryptor.encrypt(pa));
        Ciphertext cb = encryptor.encrypt(encoder.encode(b, params.maxLevel(), params.scale()));
        Ciphertext product = time("mul_relin", 5, () -> evaluator.multiplyRelin(ca, cb));
        Ciphertext rescaled = time("rescale", 5, () -> evaluator.rescale(product));
        Ciphertext rotated = time("rotate", 5, () -> evaluator.rotate(rescaled, 1));
        double[] got = time("decrypt_decode", 5, () -> encoder.decode(decryptor.decrypt(rotated)));
        double[] expected = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            int j = (i + 1) % a.length;
            expected[i] = a[j] * b[j];
        }
        FheFixture.assertPrecision("N=2^14 mul+rescale+rotate", expected, got, 8);
    }

    /** Median of a few runs after one warm-up. */
    private static <T> T time(String what, int runs, Supplier<T> op) {
        T result = op.get();
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            result = op.get();
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        java.util.Arrays.sort(ms);
        System.out.printf("  %-16s %7.1f ms (median of %d)%n", what, ms[runs / 2], runs);
        return result;
    }
}
