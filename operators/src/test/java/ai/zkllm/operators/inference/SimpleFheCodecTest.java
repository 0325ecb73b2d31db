package ai.zkllm.operators.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.CkksContext;
import ai.zkllm.fhe.ckks.Encoder;
import ai.zkllm.fhe.ckks.Encryptor;
import ai.zkllm.fhe.ckks.EvaluationKeys;
import ai.zkllm.fhe.ckks.Evaluator;
import ai.zkllm.fhe.ckks.KeyGenerator;
import ai.zkllm.fhe.ckks.Parameters;
import ai.zkllm.fhe.ckks.SecretKey;
import ai.zkllm.fhe.ring.RingBackends;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Codec round trips and its checks on untrusted bytes (a small insecure set: the codec is no job). */
class SimpleFheCodecTest {
    static final Parameters PARAMS = Parameters.builder().logN(10).logScale(25).depth(2).dnum(3).insecureForTests(true).build();
    static final SimpleFheCodec CODEC = new SimpleFheCodec();
    static CkksContext ctx;
    static SecretKey sk;
    static Ciphertext ct;

    @BeforeAll
    static void setUp() {
        ctx = new CkksContext(PARAMS, RingBackends.named("java"));
        sk = new KeyGenerator(ctx, new SecureRandom()).secretKey();
        double[] v = new double[PARAMS.slots()];
        Arrays.fill(v, 0.5);
        ct = new Encryptor(ctx, sk, new SecureRandom()).encrypt(new Encoder(ctx).encode(v, PARAMS.maxLevel(), PARAMS.scale()));
    }

    @Test
    void ciphertextRoundTripIsCanonical() {
        byte[] bytes = CODEC.encodeCiphertext(ct);
        Ciphertext back = CODEC.decodeCiphertext(bytes, PARAMS);
        assertEquals(ct.level(), back.level());
        assertEquals(ct.scale(), back.scale());
        assertEquals(ct.poly(0), back.poly(0));
        assertEquals(ct.poly(1), back.poly(1));
        assertArrayEquals(bytes, CODEC.encodeCiphertext(back));
    }

    @Test
    void evaluationKeysRoundTripAndStillWork() {
        KeyGenerator gen = new KeyGenerator(ctx, new SecureRandom());
        EvaluationKeys keys = new EvaluationKeys(gen.relinearizationKey(sk), gen.galoisKeys(sk, new int[] {1, 2}, false));
        byte[] bytes = CODEC.encodeEvaluationKeys(keys);
        EvaluationKeys back = CODEC.decodeEvaluationKeys(bytes, PARAMS);
        assertEquals(keys.galois().elements(), back.galois().elements());
        assertArrayEquals(bytes, CODEC.encodeEvaluationKeys(back));
        Ciphertext sq = new Evaluator(ctx, back).multiplyRelin(ct, ct);
        assertEquals(2, sq.size());
    }

    @Test
    void rejectsTruncatedTrailingAndUnreducedBytes() {
        byte[] bytes = CODEC.encodeCiphertext(ct);
        assertThrows(IllegalArgumentException.class, () -> CODEC.decodeCiphertext(Arrays.copyOf(bytes, bytes.length - 1), PARAMS));
        assertThrows(IllegalArgumentException.class, () -> CODEC.decodeCiphertext(Arrays.copyOf(bytes, bytes.length + 1), PARAMS));
        assertThrows(IllegalArgumentException.class, () -> CODEC.decodeCiphertext(new byte[3], PARAMS));
        byte[] bad = bytes.clone();
        ByteBuffer.wrap(bad).putInt(bad.length - 4, -1); // 2^32 - 1 is above every prime
        assertThrows(IllegalArgumentException.class, () -> CODEC.decodeCiphertext(bad, PARAMS));
        byte[] level = bytes.clone();
        level[5] = (byte) (PARAMS.maxLevel() + 1);
        assertThrows(IllegalArgumentException.class, () -> CODEC.decodeCiphertext(level, PARAMS));
        assertThrows(IllegalArgumentException.class, () -> CODEC.decodeEvaluationKeys(bytes, PARAMS));
    }
}
