package ai.zkllm.fhe.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.zkllm.fhe.FheFixture;
import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.EvaluationKeys;
import ai.zkllm.fhe.ckks.Evaluator;
import ai.zkllm.fhe.ckks.PublicKey;
import ai.zkllm.fhe.ckks.SwitchingKey;
import ai.zkllm.fhe.ring.RnsPoly;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class CanonicalDigestTest {
    private static final FheFixture FIX = new FheFixture(FheFixture.small(10, 3, 2), 1);
    private static final FheCodec CODEC = new FheCodec(FIX.context);
    private static final CanonicalDigest DIGESTS = new CanonicalDigest(FIX.params);

    @Test
    void theSameCiphertextHasTheSameDigestEverywhere() {
        Ciphertext ct = FIX.encrypt(FIX.randomValues(1));
        byte[] digest = DIGESTS.digest(ct);
        assertArrayEquals(digest, DIGESTS.digest(ct));
        assertArrayEquals(digest, new CanonicalDigest(FheFixture.small(10, 3, 2)).digest(ct));
        assertArrayEquals(digest, DIGESTS.digest(CODEC.ciphertextFromBytes(CODEC.toBytes(ct))));
        assertArrayEquals(digest, CODEC.toProto(ct).getSha256().toByteArray());
    }

    @Test
    void oneChangedCoefficientChangesTheDigest() {
        Ciphertext ct = FIX.encrypt(FIX.randomValues(1));
        Ciphertext changed = withFirstResidueIncremented(ct, 1);
        assertFalse(Arrays.equals(DIGESTS.digest(ct), DIGESTS.digest(changed)));
    }

    @Test
    void scaleAndLevelArePartOfTheDigest() {
        Ciphertext ct = FIX.encrypt(FIX.randomValues(1));
        Ciphertext rescaledScale = new Ciphertext(new RnsPoly[] {ct.poly(0), ct.poly(1)}, ct.level(), ct.scale() * 2);
        Ciphertext dropped = new Evaluator(FIX.context, FIX.evaluationKeys).dropLevel(ct, ct.level() - 1);
        assertFalse(Arrays.equals(DIGESTS.digest(ct), DIGESTS.digest(rescaledScale)));
        assertFalse(Arrays.equals(DIGESTS.digest(ct), DIGESTS.digest(dropped)));
    }

    /** Documented decision: the seed is transport, the digest is of the expanded ciphertext. */
    @Test
    void aSeededCiphertextAndItsExpandedFormShareTheDigest() {
        Ciphertext seeded = FIX.encryptSeeded(FIX.randomValues(1));
        Ciphertext expanded = new Ciphertext(new RnsPoly[] {seeded.poly(0), seeded.poly(1)}, seeded.level(), seeded.scale());
        assertArrayEquals(DIGESTS.digest(seeded), DIGESTS.digest(expanded));
    }

    @Test
    void keyDigestsCoverBAndSeed() {
        PublicKey pk = FIX.publicKey;
        byte[] otherSeed = pk.seed();
        otherSeed[0] ^= 1;
        assertFalse(Arrays.equals(DIGESTS.digest(pk), DIGESTS.digest(new PublicKey(pk.b(), pk.a(), otherSeed))));
        SwitchingKey key = FIX.evaluationKeys.relinearization().key();
        RnsPoly[] b = {withFirstResidueIncremented(key.b(0)), key.b(1)};
        SwitchingKey changed = new SwitchingKey(b, new RnsPoly[] {key.a(0), key.a(1)}, key.seed());
        assertFalse(Arrays.equals(DIGESTS.digest(key), DIGESTS.digest(changed)));
    }

    @Test
    void evaluationKeyDigestChangesWithAnyContainedKey() {
        EvaluationKeys keys = FIX.evaluationKeys;
        EvaluationKeys withoutRelinearization = new EvaluationKeys(null, keys.galois());
        assertFalse(Arrays.equals(DIGESTS.digest(keys), DIGESTS.digest(withoutRelinearization)));
        assertArrayEquals(DIGESTS.digest(keys), CODEC.toProto(keys).getSha256().toByteArray());
    }

    /**
     * Pins format version 1: a change of these values breaks every stored digest. Both were also
     * computed by an independent script written from the layout in CanonicalDigest's javadoc.
     */
    @Test
    void theLayoutIsStable() {
        RnsPoly poly = RnsPoly.zero(2, FIX.context.ring().n(), true);
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < poly.n(); j++) {
                poly.limb(i)[j] = (31L * i + j) % FIX.context.qModulus(i).value();
            }
        }
        Ciphertext ct = new Ciphertext(new RnsPoly[] {poly, poly}, 1, Math.scalb(1.0, 30));
        HexFormat hex = HexFormat.of();
        assertEquals("fe4de0597da5c5439d191457345b0df4f5348efb11803ff691540bba6609ccc9", hex.formatHex(CanonicalDigest.digest(FIX.params)));
        assertEquals("124c0a38cf349960ed66257e4cb1c56983560c4e1535ce4e72c6a40d9c725a5c", hex.formatHex(DIGESTS.digest(ct)));
    }

    private static Ciphertext withFirstResidueIncremented(Ciphertext ct, int poly) {
        RnsPoly[] polys = new RnsPoly[ct.size()];
        for (int i = 0; i < ct.size(); i++) {
            polys[i] = i == poly ? withFirstResidueIncremented(ct.poly(i)) : ct.poly(i);
        }
        return new Ciphertext(polys, ct.level(), ct.scale());
    }

    private static RnsPoly withFirstResidueIncremented(RnsPoly p) {
        RnsPoly copy = p.copy();
        copy.limb(0)[0] = (copy.limb(0)[0] + 1) % FIX.context.qModulus(0).value();
        return copy;
    }
}
