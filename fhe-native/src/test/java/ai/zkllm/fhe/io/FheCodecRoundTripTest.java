package ai.zkllm.fhe.io;

import ai.zkllm.fhe.FheFixture;
import ai.zkllm.fhe.SeededRandom;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.Encryptor;
import ai.zkllm.fhe.ckks.EvaluationKeys;
import ai.zkllm.fhe.ckks.Evaluator;
import ai.zkllm.fhe.ckks.GaloisKeys;
import ai.zkllm.fhe.ckks.Parameters;
import ai.zkllm.fhe.ckks.Plaintext;
import ai.zkllm.fhe.ckks.PublicKey;
import ai.zkllm.fhe.ckks.SecretKey;
import ai.zkllm.fhe.ckks.SwitchingKey;
import ai.zkllm.fhe.ring.RnsPoly;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FheCodecRoundTripTest {
    private static final FheFixture FIX = new FheFixture(FheFixture.small(10, 3, 2), 1, 3);
    private static final FheCodec CODEC = new FheCodec(FIX.context);

    @Test
    void parametersComeBackEqualWithTheSameId() {
        Parameters back = FheCodec.parametersFromBytes(FheCodec.toBytes(FIX.params), Limits.DEFAULT);
        assertEquals(FIX.params, back);
        assertEquals(FIX.params.id(), back.id());
    }

    @Test
    void publicKeyCiphertextComesBackIdenticalAndDecrypts() {
        double[] v = FIX.randomValues(1);
        Ciphertext ct = FIX.encrypt(v);
        Ciphertext back = CODEC.ciphertextFromBytes(CODEC.toBytes(ct));
        assertSameCiphertext(ct, back);
        assertNull(back.seed());
        assertArrayEquals(FIX.decrypt(ct), FIX.decrypt(back));
    }

    @Test
    void seededCiphertextComesBackWithItsSeedAndTheSameC1() {
        Ciphertext ct = FIX.encryptSeeded(FIX.randomValues(1));
        Ciphertext back = CODEC.ciphertextFromBytes(CODEC.toBytes(ct));
        assertSameCiphertext(ct, back);
        assertArrayEquals(ct.seed(), back.seed());
    }

    @Test
    void seededCiphertextTravelsAtAboutHalfTheBytes() {
        Ciphertext seeded = FIX.encryptSeeded(FIX.randomValues(1));
        Ciphertext expanded = new Ciphertext(new RnsPoly[] {seeded.poly(0), seeded.poly(1)},
                seeded.level(), seeded.scale());
        int seededBytes = CODEC.toBytes(seeded).length;
        int expandedBytes = CODEC.toBytes(expanded).length;
        System.out.printf("logN 10 depth 3 ciphertext: seeded %d bytes, expanded %d bytes%n", seededBytes, expandedBytes);
        assertTrue(seededBytes < 0.51 * expandedBytes, seededBytes + " vs " + expandedBytes);
        assertSameCiphertext(expanded, CODEC.ciphertextFromBytes(CODEC.toBytes(expanded)));
    }

    @Test
    void threePolynomialProductComesBackIdentical() {
        Evaluator evaluator = new Evaluator(FIX.context, FIX.evaluationKeys);
        Ciphertext a = FIX.encrypt(FIX.randomValues(1));
        Ciphertext product = evaluator.multiply(a, a);
        assertEquals(3, product.size());
        assertSameCiphertext(product, CODEC.ciphertextFromBytes(CODEC.toBytes(product)));
    }

    @Test
    void plaintextComesBackIdentical() {
        Plaintext pt = FIX.encoder.encode(FIX.randomValues(1), 2, FIX.params.scale());
        Plaintext back = CODEC.plaintextFromBytes(CODEC.toBytes(pt));
        assertEquals(pt.poly(), back.poly());
        assertEquals(pt.level(), back.level());
        assertEquals(pt.scale(), back.scale());
    }

    @Test
    void publicKeyComesBackIdenticalAndStillEncrypts() {
        PublicKey back = CODEC.publicKeyFromBytes(CODEC.toBytes(FIX.publicKey));
        assertEquals(FIX.publicKey.b(), back.b());
        assertEquals(FIX.publicKey.a(), back.a());
        assertArrayEquals(FIX.publicKey.seed(), back.seed());
        double[] v = FIX.randomValues(1);
        Encryptor encryptor = new Encryptor(FIX.context, back, SeededRandom.of(5));
        double[] decrypted = FIX.decrypt(encryptor.encrypt(FIX.encoder.encode(v, FIX.context.maxLevel(), FIX.params.scale())));
        assertTrue(FheFixture.maxError(v, decrypted) < 1e-4, "error " + FheFixture.maxError(v, decrypted));
    }

    @Test
    void switchingKeyComesBackIdentical() {
        SwitchingKey key = FIX.evaluationKeys.relinearization().key();
        assertSameKey(key, CODEC.switchingKeyFromBytes(CODEC.toBytes(key)));
    }

    @Test
    void evaluationKeysComeBackAndRotateAndRelinearizeBitForBit() {
        EvaluationKeys back = CODEC.evaluationKeysFromBytes(CODEC.toBytes(FIX.evaluationKeys));
        assertEquals(FIX.evaluationKeys.galois().elements(), back.galois().elements());
        assertSameKey(FIX.evaluationKeys.relinearization().key(), back.relinearization().key());
        for (int g : back.galois().elements()) {
            assertSameKey(FIX.evaluationKeys.galois().get(g), back.galois().get(g));
        }
        Evaluator original = new Evaluator(FIX.context, FIX.evaluationKeys);
        Evaluator restored = new Evaluator(FIX.context, back);
        double[] v = FIX.randomValues(1);
        Ciphertext ct = FIX.encrypt(v);
        Ciphertext rotated = restored.rotate(ct, 3);
        assertSameCiphertext(original.rotate(ct, 3), rotated);
        assertSameCiphertext(original.multiplyRelin(ct, ct), restored.multiplyRelin(ct, ct));
        double[] decrypted = FIX.decrypt(rotated);
        for (int i = 0; i < v.length; i++) {
            assertEquals(v[(i + 3) % v.length], decrypted[i], 1e-4, "slot " + i);
        }
    }

    @Test
    void evaluationKeysWithoutRelinearizationKeyComeBack() {
        EvaluationKeys galoisOnly = new EvaluationKeys(null, FIX.evaluationKeys.galois());
        EvaluationKeys back = CODEC.evaluationKeysFromBytes(CODEC.toBytes(galoisOnly));
        assertNull(back.relinearization());
        assertEquals(galoisOnly.galois().elements(), back.galois().elements());
        EvaluationKeys empty = new EvaluationKeys(null, new GaloisKeys(Map.of()));
        assertTrue(CODEC.evaluationKeysFromBytes(CODEC.toBytes(empty)).galois().elements().isEmpty());
    }

    @Test
    void secretKeyComesBackIdentical() {
        SecretKey back = CODEC.secretKeyFromBytes(CODEC.toBytes(FIX.secretKey));
        assertEquals(FIX.secretKey.poly(), back.poly());
    }

    static void assertSameCiphertext(Ciphertext expected, Ciphertext actual) {
        assertEquals(expected.size(), actual.size());
        assertEquals(expected.level(), actual.level());
        assertEquals(expected.scale(), actual.scale());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.poly(i), actual.poly(i), "poly " + i);
        }
    }

    private static void assertSameKey(SwitchingKey expected, SwitchingKey actual) {
        assertEquals(expected.digitCount(), actual.digitCount());
        assertArrayEquals(expected.seed(), actual.seed());
        for (int j = 0; j < expected.digitCount(); j++) {
            assertEquals(expected.b(j), actual.b(j), "b " + j);
            assertEquals(expected.a(j), actual.a(j), "a " + j);
        }
    }
}
