package ai.zkllm.fhe.io;

import ai.zkllm.fhe.SeededRandom;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.CkksContext;
import ai.zkllm.fhe.ckks.Encoder;
import ai.zkllm.fhe.ckks.Encryptor;
import ai.zkllm.fhe.ckks.KeyGenerator;
import ai.zkllm.fhe.ckks.Parameters;
import ai.zkllm.fhe.ckks.Plaintext;
import ai.zkllm.fhe.ckks.SecretKey;
import ai.zkllm.fhe.ring.JavaRingBackend;
import ai.zkllm.fhe.ring.RnsPoly;
import org.junit.jupiter.api.Test;

/** A fresh secret-key ciphertext travels as c0 plus a 32-byte seed: half the bytes, at N = 2^14. */
class SeededCiphertextSizeTest {
    @Test
    void seededFreshCiphertextIsHalfTheExpandedOne() {
        Parameters params = Parameters.builder().logN(14).depth(8).build();
        CkksContext context = new CkksContext(params, new JavaRingBackend());
        FheCodec codec = new FheCodec(context);
        SecretKey sk = new KeyGenerator(context, SeededRandom.of(1)).secretKey();
        Plaintext pt = new Encoder(context).encode(new double[] {1, 2, 3}, context.maxLevel(), params.scale());
        Ciphertext seeded = new Encryptor(context, sk, SeededRandom.of(2)).encrypt(pt);
        Ciphertext expanded = new Ciphertext(new RnsPoly[] {seeded.poly(0), seeded.poly(1)}, seeded.level(), seeded.scale());

        int seededBytes = codec.toBytes(seeded).length;
        int expandedBytes = codec.toBytes(expanded).length;
        assertTrue(seededBytes < 0.51 * expandedBytes, seededBytes + " vs " + expandedBytes);
        assertTrue(seededBytes > 0.49 * expandedBytes, seededBytes + " vs " + expandedBytes);
    }
}
