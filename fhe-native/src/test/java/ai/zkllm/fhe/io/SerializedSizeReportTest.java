package ai.zkllm.fhe.io;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.CkksContext;
import ai.zkllm.fhe.ckks.Encoder;
import ai.zkllm.fhe.ckks.Encryptor;
import ai.zkllm.fhe.ckks.KeyGenerator;
import ai.zkllm.fhe.ckks.Parameters;
import ai.zkllm.fhe.ckks.Plaintext;
import ai.zkllm.fhe.ckks.PublicKey;
import ai.zkllm.fhe.ckks.SecretKey;
import ai.zkllm.fhe.ckks.SwitchingKey;
import ai.zkllm.fhe.ring.JavaRingBackend;
import ai.zkllm.fhe.ring.RnsPoly;
import org.junit.jupiter.api.Test;

/** Prints the serialized sizes at the production shape N = 2^14, depth 8 (sizes only, no timings). */
class SerializedSizeReportTest {
    @Test
    void sizesAtLogN14Depth8() {
        Parameters params = Parameters.builder().logN(14).depth(8).build();
        CkksContext context = new CkksContext(params, new JavaRingBackend());
        FheCodec codec = new FheCodec(context);
        KeyGenerator keyGenerator = new KeyGenerator(context, CodecFixture.seededRandom(1));
        SecretKey sk = keyGenerator.secretKey();
        PublicKey pk = keyGenerator.publicKey(sk);
        SwitchingKey rotationByOne = keyGenerator.galoisKeys(sk, new int[] {1}, false)
                .get(context.galoisElementForRotation(1));
        SwitchingKey relinearization = keyGenerator.relinearizationKey(sk).key();

        Encoder encoder = new Encoder(context);
        Plaintext pt = encoder.encode(new double[] {1, 2, 3}, context.maxLevel(), params.scale());
        Ciphertext seeded = new Encryptor(context, sk, CodecFixture.seededRandom(2)).encrypt(pt);
        Ciphertext expanded = new Ciphertext(new RnsPoly[] {seeded.poly(0), seeded.poly(1)}, seeded.level(), seeded.scale());

        int seededBytes = codec.toBytes(seeded).length;
        int expandedBytes = codec.toBytes(expanded).length;
        System.out.println(params);
        System.out.printf("ciphertext, expanded (c0, c1):   %,d bytes%n", expandedBytes);
        System.out.printf("ciphertext, seeded (c0 + seed):  %,d bytes%n", seededBytes);
        System.out.printf("public key (b + seed):           %,d bytes%n", codec.toBytes(pk).length);
        System.out.printf("one rotation key (b_j + seed):   %,d bytes%n", codec.toBytes(rotationByOne).length);
        System.out.printf("relinearization key:             %,d bytes%n", codec.toBytes(relinearization).length);
        System.out.printf("secret key (local file only):    %,d bytes%n", codec.toBytes(sk).length);
        assertTrue(seededBytes < 0.51 * expandedBytes, seededBytes + " vs " + expandedBytes);
    }
}
