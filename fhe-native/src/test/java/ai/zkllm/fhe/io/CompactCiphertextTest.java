package ai.zkllm.fhe.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.fhe.FheFixture;
import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.CkksContext;
import ai.zkllm.fhe.ckks.Evaluator;
import ai.zkllm.fhe.ring.RingBackends;
import ai.zkllm.fhe.ring.RingContext;
import ai.zkllm.fhe.ring.RnsPoly;
import ai.zkllm.schemas.v1.FheCiphertext;
import ai.zkllm.schemas.v1.RnsPolynomial;
import com.google.protobuf.ByteString;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Responses at level 0 travel with c_0 rounded in coefficient form ({@link FheCodec#toCompactProto}). */
class CompactCiphertextTest {
    private static final FheFixture FIX = new FheFixture(FheFixture.small(10, 3, 2), 1, 3);
    private static final FheCodec CODEC = new FheCodec(FIX.context);
    private static final RingContext RING = FIX.context.ring();
    private static final double[] VALUES = FIX.randomValues(1);
    /** What an evaluator hands a client: a product, rescaled down to level 0. */
    private static final Ciphertext RESPONSE = levelZeroProduct();

    private static Ciphertext levelZeroProduct() {
        Evaluator evaluator = new Evaluator(FIX.context, FIX.evaluationKeys);
        Ciphertext ct = FIX.encrypt(VALUES);
        while (ct.level() > 0) {
            ct = evaluator.rescale(evaluator.multiplyConstant(ct, 1.0));
        }
        return ct;
    }

    @Test
    void theRuleDropsAFewBitsThatGrowWithTheRing() {
        assertEquals(3, CODEC.compactDroppedBits()); // N = 2^10: √(1 + 2N/3)/2 = 13.07
        // the shipped ring degrees: √(1 + 2N/3)/2 = 36.9 at 2^13, 52.3 at 2^14
        for (int logN : new int[] {13, 14}) {
            FheCodec codec = new FheCodec(new CkksContext(FheFixture.small(logN, 1, 1), RingBackends.named("java")));
            assertEquals(5, codec.compactDroppedBits(), "N = 2^" + logN);
        }
    }

    @Test
    void c0CostsKBitsLessPerCoefficient() {
        int full = CODEC.toProto(RESPONSE).getSerializedSize();
        FheCiphertext compact = CODEC.toCompactProto(RESPONSE);
        assertEquals(full - RING.n() * CODEC.compactDroppedBits() / 8, compact.getSerializedSize(), 2); // varint lengths
        assertEquals(CODEC.compactDroppedBits(), compact.getPolys(0).getDroppedBits());
        assertEquals(0, compact.getPolys(1).getDroppedBits());
    }

    @Test
    void everyCoefficientOfC0MovesByAtMostHalfOfTwoToTheK() {
        Ciphertext back = CODEC.ciphertextFromBytes(CODEC.toCompactProto(RESPONSE).toByteArray());
        long[] before = coefficients(RESPONSE.poly(0));
        long[] after = coefficients(back.poly(0));
        long q = RING.modulus(0).value();
        long half = 1L << (CODEC.compactDroppedBits() - 1);
        int moved = 0;
        for (int j = 0; j < before.length; j++) {
            long d = Math.floorMod(after[j] - before[j], q);
            long centred = d > q / 2 ? d - q : d;
            assertTrue(Math.abs(centred) <= half, "coefficient " + j + " moved by " + centred);
            assertEquals(0, after[j] & (2 * half - 1), "coefficient " + j + " is not a multiple of 2^k");
            moved += centred != 0 ? 1 : 0;
        }
        assertTrue(moved > before.length / 2, "only " + moved + " coefficients rounded: nothing was dropped");
        assertEquals(RESPONSE.poly(1), back.poly(1));
    }

    @Test
    void theDigestIsOfWhatIsSentAndReEncodingChangesNothing() {
        FheCiphertext compact = CODEC.toCompactProto(RESPONSE);
        Ciphertext back = CODEC.ciphertextFromProto(compact); // checks sha256 against the decoded ciphertext
        assertNotEquals(hex(CODEC.toProto(RESPONSE).getSha256()), hex(compact.getSha256()));
        assertArrayEquals(compact.toByteArray(), CODEC.toCompactProto(back).toByteArray());
    }

    @Test
    void itDecryptsAsPreciselyAsTheUnroundedCiphertext() {
        double exact = FheFixture.bitsOfPrecision("unrounded", VALUES, FIX.decrypt(RESPONSE), VALUES.length);
        double rounded = FheFixture.bitsOfPrecision("rounded", VALUES,
                FIX.decrypt(CODEC.ciphertextFromBytes(CODEC.toCompactProto(RESPONSE).toByteArray())), VALUES.length);
        assertTrue(rounded > exact - 0.5, "rounding cost " + (exact - rounded) + " bits of " + exact);
    }

    @Test
    void onlyLevelZeroUnseededPairsAreCompacted() {
        Ciphertext fresh = FIX.encrypt(VALUES);
        assertArrayEquals(CODEC.toProto(fresh).toByteArray(), CODEC.toCompactProto(fresh).toByteArray());
        Ciphertext seeded = FIX.encryptSeeded(VALUES);
        assertArrayEquals(CODEC.toProto(seeded).toByteArray(), CODEC.toCompactProto(seeded).toByteArray());
    }

    @Test
    void droppedBitsAreRefusedWhereverTheyDoNotBelong() {
        FheCiphertext compact = CODEC.toCompactProto(RESPONSE);
        RnsPolynomial c0 = compact.getPolys(0);
        int k = CODEC.compactDroppedBits();
        assertRejected("has dropped_bits = " + (k + 1) + ", expected " + k,
                compact.toBuilder().setPolys(0, c0.toBuilder().setDroppedBits(k + 1)).build());
        assertRejected("must be in coefficient form (ntt = false)",
                compact.toBuilder().setPolys(0, c0.toBuilder().setNtt(true)).build());
        assertRejected("polys[1] has dropped_bits = " + k + "; only c_0 of a level-0 ciphertext may drop bits",
                compact.toBuilder().setPolys(1, compact.getPolys(1).toBuilder().setDroppedBits(k)).build());
        assertRejected("level 0, 3 polys", compact.toBuilder().addPolys(compact.getPolys(1)).build());
        assertRejected("bytes, expected N·",
                compact.toBuilder().setPolys(0, c0.toBuilder().setLimbs(0, c0.getLimbs(0).substring(1))).build());
        FheCiphertext levelOne = CODEC.toProto(FIX.encrypt(VALUES));
        assertRejected("(this one: level " + levelOne.getLevel(),
                levelOne.toBuilder().setPolys(0, levelOne.getPolys(0).toBuilder().setDroppedBits(k)).build());
        // every bit set: (2^(w-k) - 1)·2^k ≥ q_0 for a prime just below 2^w
        byte[] ones = new byte[c0.getLimbs(0).size()];
        java.util.Arrays.fill(ones, (byte) 0xFF);
        assertRejected("is not below its prime q_0",
                compact.toBuilder().setPolys(0, c0.toBuilder().setLimbs(0, ByteString.copyFrom(ones))).build());
    }

    private static void assertRejected(String expectedInMessage, FheCiphertext tampered) {
        InvalidFheDataException e = assertThrows(InvalidFheDataException.class, () -> CODEC.ciphertextFromProto(tampered));
        assertTrue(e.getMessage().contains(expectedInMessage),
                () -> "message '" + e.getMessage() + "' should contain '" + expectedInMessage + "'");
    }

    private static long[] coefficients(RnsPoly ntt) {
        RnsPoly p = ntt.copy();
        RING.inverseNtt(p);
        return p.limb(0);
    }

    private static String hex(ByteString b) {
        return HexFormat.of().formatHex(b.toByteArray());
    }
}
