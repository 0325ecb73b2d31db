package ai.zkllm.fhe.ckks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.zkllm.fhe.FheFixture;
import ai.zkllm.fhe.SeededRandom;
import ai.zkllm.fhe.ring.JavaRingBackend;
import ai.zkllm.fhe.ring.UniformSampler;
import org.junit.jupiter.api.Test;

class EncryptionTest {
    private static final FheFixture KIT = new FheFixture(FheFixture.small(10, 3, 2), 1);

    @Test
    void publicKeyEncryptionDecrypts() {
        double[] v = KIT.randomValues(1);
        Ciphertext ct = KIT.encrypt(v);
        assertNull(ct.seed());
        FheFixture.assertPrecision("pk encrypt/decrypt", v, KIT.decrypt(ct), 15);
    }

    @Test
    void secretKeyEncryptionDecryptsAndKeepsTheSeedOfC1() {
        double[] v = KIT.randomValues(1);
        Encryptor symmetric = new Encryptor(KIT.context, KIT.secretKey, SeededRandom.of(3));
        for (int level : new int[] {0, KIT.context.maxLevel()}) {
            Ciphertext ct = symmetric.encrypt(KIT.encoder.encode(v, level, KIT.context.params().scale()));
            FheFixture.assertPrecision("sk encrypt/decrypt level " + level, v, KIT.decrypt(ct), 15);
            assertNotNull(ct.seed());
            assertEquals(ct.poly(1), UniformSampler.sampleNtt(ct.seed(), 0, KIT.context.ring(), level + 1));
        }
    }

    @Test
    void keysFromTheSameSeededRandomAreIdentical() {
        CkksContext context = new CkksContext(KIT.context.params(), new JavaRingBackend());
        KeyGenerator first = new KeyGenerator(context, SeededRandom.of(42));
        KeyGenerator second = new KeyGenerator(context, SeededRandom.of(42));
        SecretKey sk1 = first.secretKey();
        SecretKey sk2 = second.secretKey();
        assertEquals(sk1.poly(), sk2.poly());
        PublicKey pk1 = first.publicKey(sk1);
        PublicKey pk2 = second.publicKey(sk2);
        assertEquals(pk1.b(), pk2.b());
        assertArrayEquals(pk1.seed(), pk2.seed());
        EvaluationKeys ek1 = first.evaluationKeys(sk1, 1, 2);
        EvaluationKeys ek2 = second.evaluationKeys(sk2, 1, 2);
        SwitchingKey r1 = ek1.relinearization().key();
        SwitchingKey r2 = ek2.relinearization().key();
        for (int j = 0; j < r1.digitCount(); j++) {
            assertEquals(r1.b(j), r2.b(j));
            assertEquals(r1.a(j), r2.a(j));
        }
        assertEquals(ek1.galois().elements(), ek2.galois().elements());
        for (int g : ek1.galois().elements()) {
            assertEquals(ek1.galois().get(g).b(0), ek2.galois().get(g).b(0));
        }
        assertNotEquals(sk1.poly(), new KeyGenerator(context, SeededRandom.of(43)).secretKey().poly());
    }

    @Test
    void seededExpansionIsDeterministicAndSeparatesDomains() {
        byte[] seed = new byte[32];
        seed[0] = 9;
        var ring = KIT.context.ring();
        var a = UniformSampler.sampleNtt(seed, 0, ring, 3);
        assertEquals(a, UniformSampler.sampleNtt(seed, 0, ring, 3));
        // A limb depends only on (seed, domain, prime): a shorter expansion is a prefix.
        assertEquals(a.prefix(2), UniformSampler.sampleNtt(seed, 0, ring, 2));
        assertNotEquals(a, UniformSampler.sampleNtt(seed, 1, ring, 3));
        for (int i = 0; i < 3; i++) {
            long q = ring.modulus(i).value();
            for (long x : a.limb(i)) {
                if (x < 0 || x >= q) {
                    throw new AssertionError("uniform residue " + x + " outside [0, " + q + ")");
                }
            }
        }
    }
}
