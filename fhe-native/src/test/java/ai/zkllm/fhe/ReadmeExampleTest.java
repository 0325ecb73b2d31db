package ai.zkllm.fhe;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import ai.zkllm.fhe.ring.RingBackends;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** The README's engine example, kept compiling and correct, on a real 128-bit set. */
class ReadmeExampleTest {

    @Test
    void rotateMultiplyAndDecrypt() {
        Parameters params = Parameters.builder()
                .logN(14).depth(8).logScale(30).dnum(3).build();
        CkksContext context = new CkksContext(params, RingBackends.preferred());
        SecureRandom random = new SecureRandom();

        KeyGenerator keygen = new KeyGenerator(context, random);
        SecretKey sk = keygen.secretKey();
        PublicKey pk = keygen.publicKey(sk);
        EvaluationKeys evk = keygen.evaluationKeys(sk, 1);

        Encoder encoder = new Encoder(context);
        Ciphertext x = new Encryptor(context, pk, random)
                .encrypt(encoder.encode(new double[] {1, 2, 3, 4}, context.maxLevel(), params.scale()));

        Evaluator eval = new Evaluator(context, evk);
        Ciphertext y = eval.rescale(eval.multiplyRelin(eval.rotate(x, 1), x));

        double[] slots = encoder.decode(new Decryptor(context, sk).decrypt(y));
        double[] expected = {2, 6, 12, 0};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], slots[i], 1e-2, "slot " + i);
        }
        assertEquals(128, params.securityBits());
    }
}
