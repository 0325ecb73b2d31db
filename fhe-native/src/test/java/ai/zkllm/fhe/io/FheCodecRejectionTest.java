package ai.zkllm.fhe.io;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.fhe.FheFixture;
import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.CkksContext;
import ai.zkllm.fhe.ring.JavaRingBackend;
import ai.zkllm.schemas.v1.FheCiphertext;
import ai.zkllm.schemas.v1.FheEvaluationKeys;
import ai.zkllm.schemas.v1.FheGaloisKey;
import ai.zkllm.schemas.v1.FheParameters;
import ai.zkllm.schemas.v1.FhePublicKey;
import ai.zkllm.schemas.v1.FheSwitchingKey;
import ai.zkllm.schemas.v1.RnsPolynomial;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every way untrusted bytes can be wrong ends in an InvalidFheDataException naming the problem. */
class FheCodecRejectionTest {
    private static final FheFixture FIX = new FheFixture(FheFixture.small(10, 3, 2), 1, 3);
    private static final FheCodec CODEC = new FheCodec(FIX.context);
    private static final int N = FIX.context.ring().n();
    private static final FheCiphertext CIPHERTEXT = CODEC.toProto(FIX.encrypt(FIX.randomValues(1)));
    private static final FheCiphertext SEEDED = CODEC.toProto(FIX.encryptSeeded(FIX.randomValues(1)));
    private static final FheEvaluationKeys EVALUATION_KEYS = CODEC.toProto(FIX.evaluationKeys);

    @Test
    void truncatedBytes() {
        byte[] bytes = CIPHERTEXT.toByteArray();
        assertRejected("cannot parse FheCiphertext", () -> CODEC.ciphertextFromBytes(Arrays.copyOf(bytes, bytes.length - 10)));
        assertRejected("cannot parse FheCiphertext", () -> CODEC.ciphertextFromBytes(Arrays.copyOf(bytes, bytes.length / 2)));
    }

    @Test
    void garbageBytes() {
        byte[] invalidTags = new byte[100];
        Arrays.fill(invalidTags, (byte) 0xFF);
        assertRejected("cannot parse FheEvaluationKeys", () -> CODEC.evaluationKeysFromBytes(invalidTags));
        Random random = new Random(5);
        for (int trial = 0; trial < 50; trial++) {
            byte[] garbage = new byte[random.nextInt(2000)];
            random.nextBytes(garbage);
            assertRejected("", () -> CODEC.ciphertextFromBytes(garbage));
            assertRejected("", () -> CODEC.evaluationKeysFromBytes(garbage));
        }
        assertRejected("no bytes", () -> CODEC.publicKeyFromBytes(null));
    }

    /** Any single flipped bit of a valid message is caught, by the parser, a check or the digest. */
    @Test
    void everyFlippedBitIsCaught() {
        byte[] valid = SEEDED.toByteArray();
        Random random = new Random(9);
        for (int trial = 0; trial < 300; trial++) {
            byte[] flipped = valid.clone();
            flipped[random.nextInt(flipped.length)] ^= (byte) (1 << random.nextInt(8));
            assertRejected("", () -> CODEC.ciphertextFromBytes(flipped));
        }
    }

    @Test
    void wrongParameterId() {
        FheCodec otherCodec = new FheCodec(new CkksContext(FheFixture.small(10, 2, 2), new JavaRingBackend()));
        assertRejected("FheCiphertext.parameter_id", () -> otherCodec.ciphertextFromProto(CIPHERTEXT));
        assertRejected("FheEvaluationKeys.parameter_id", () -> otherCodec.evaluationKeysFromProto(EVALUATION_KEYS));
        FheEvaluationKeys nestedMismatch = EVALUATION_KEYS.toBuilder()
                .setRelinearization(EVALUATION_KEYS.getRelinearization().toBuilder().setParameterId("00"))
                .build();
        assertRejected("FheEvaluationKeys.relinearization.parameter_id = '00'",
                () -> CODEC.evaluationKeysFromProto(nestedMismatch));
    }

    @Test
    void wrongRingDegree() {
        RnsPolynomial halfDegree = mapLimbs(CIPHERTEXT.getPolys(0), limb -> limb.substring(0, limb.size() / 2));
        int bits = PolynomialCodec.residueBits(FIX.context.qModulus(0).value());
        assertRejected("FheCiphertext.polys[0].limbs[0] has " + N * bits / 16 + " bytes, expected N·" + bits + "/8 = "
                        + N * bits / 8 + " for ring degree N = " + N + " and the " + bits + "-bit prime q_0",
                () -> CODEC.ciphertextFromProto(CIPHERTEXT.toBuilder().setPolys(0, halfDegree).build()));
    }

    @Test
    void limbCountDoesNotMatchTheLevel() {
        assertRejected("FheCiphertext.polys[0] has 4 limbs, expected 3",
                () -> CODEC.ciphertextFromProto(CIPHERTEXT.toBuilder().setLevel(2).build()));
        FhePublicKey pk = CODEC.toProto(FIX.publicKey);
        RnsPolynomial overQp = CODEC.toProto(FIX.evaluationKeys.relinearization().key()).getB(0);
        assertRejected("FhePublicKey.b has 6 limbs, expected 4", () -> CODEC.publicKeyFromProto(pk.toBuilder().setB(overQp).build()));
    }

    @Test
    void switchingKeyWithTheWrongDigitCount() {
        FheSwitchingKey key = EVALUATION_KEYS.getRelinearization();
        assertRejected("FheSwitchingKey has 1 digits, expected 2",
                () -> CODEC.switchingKeyFromProto(key.toBuilder().removeB(1).build()));
    }

    @Test
    void wrongPolynomialCount() {
        assertRejected("FheCiphertext has 1 polys, expected 2 or 3",
                () -> CODEC.ciphertextFromProto(CIPHERTEXT.toBuilder().removePolys(1).build()));
        assertRejected("FheCiphertext has 2 polys, expected 1 (c_0) with a seed",
                () -> CODEC.ciphertextFromProto(SEEDED.toBuilder().addPolys(SEEDED.getPolys(0)).build()));
    }

    @Test
    void coefficientNotBelowItsPrime() {
        long q0 = FIX.context.qModulus(0).value();
        // q_0 itself, and the largest residue its bit width can carry
        for (long bad : new long[] {q0, (1L << PolynomialCodec.residueBits(q0)) - 1}) {
            FheCiphertext tampered = CIPHERTEXT.toBuilder().setPolys(1, withFirstWord(CIPHERTEXT.getPolys(1), bad)).build();
            assertRejected("FheCiphertext.polys[1].limbs[0] coefficient 0 = " + bad + " is not below its prime q_0 = " + q0,
                    () -> CODEC.ciphertextFromProto(tampered));
        }
    }

    @Test
    void coefficientFormInsteadOfNtt() {
        RnsPolynomial coefficientForm = CIPHERTEXT.getPolys(0).toBuilder().setNtt(false).build();
        assertRejected("FheCiphertext.polys[0] must be in NTT form",
                () -> CODEC.ciphertextFromProto(CIPHERTEXT.toBuilder().setPolys(0, coefficientForm).build()));
    }

    @Test
    void badSeedLength() {
        ByteString shortSeed = SEEDED.getSeed().substring(0, 31);
        assertRejected("FheCiphertext.seed has 31 bytes, expected 32",
                () -> CODEC.ciphertextFromProto(SEEDED.toBuilder().setSeed(shortSeed).build()));
        FhePublicKey pk = CODEC.toProto(FIX.publicKey);
        assertRejected("FhePublicKey.seed has 0 bytes, expected 32",
                () -> CODEC.publicKeyFromProto(pk.toBuilder().clearSeed().build()));
        FheSwitchingKey key = EVALUATION_KEYS.getRelinearization();
        assertRejected("FheSwitchingKey.seed has 33 bytes, expected 32",
                () -> CODEC.switchingKeyFromProto(key.toBuilder().setSeed(key.getSeed().concat(ByteString.copyFrom(new byte[1]))).build()));
    }

    @Test
    void badGaloisElements() {
        for (int bad : new int[] {0, 2, 2 * N, 2 * N + 1, -1}) {
            FheEvaluationKeys tampered = EVALUATION_KEYS.toBuilder()
                    .setGaloisKeys(0, EVALUATION_KEYS.getGaloisKeys(0).toBuilder().setGaloisElement(bad))
                    .build();
            assertRejected("FheEvaluationKeys.galois_keys[0].galois_element = " + Integer.toUnsignedString(bad)
                    + " must be odd and in (0, 2N = 2048)", () -> CODEC.evaluationKeysFromProto(tampered));
        }
        FheGaloisKey first = EVALUATION_KEYS.getGaloisKeys(0);
        FheEvaluationKeys duplicated = EVALUATION_KEYS.toBuilder().addGaloisKeys(first).build();
        assertRejected("galois_element = " + first.getGaloisElement() + " appears twice",
                () -> CODEC.evaluationKeysFromProto(duplicated));
    }

    @Test
    void badScale() {
        for (double bad : new double[] {Double.NaN, -Math.scalb(1.0, 30), 0, Double.POSITIVE_INFINITY}) {
            assertRejected("FheCiphertext.scale = " + bad + " must be finite and > 0",
                    () -> CODEC.ciphertextFromProto(CIPHERTEXT.toBuilder().setScale(bad).build()));
        }
    }

    @Test
    void levelAboveTheMaximumOrNegative() {
        assertRejected("FheCiphertext.level = 4 is outside [0, maxLevel = 3]",
                () -> CODEC.ciphertextFromProto(CIPHERTEXT.toBuilder().setLevel(4).build()));
        assertRejected("FheCiphertext.level = 4294967295 is outside",
                () -> CODEC.ciphertextFromProto(CIPHERTEXT.toBuilder().setLevel(-1).build()));
    }

    @Test
    void oversizeMessageIsRefusedBeforeParsing() {
        FheCodec strict = new FheCodec(FIX.context, new Limits(1000, 512));
        byte[] bytes = CIPHERTEXT.toByteArray();
        assertRejected("FheCiphertext is " + bytes.length + " bytes, over the limit of 1000",
                () -> strict.ciphertextFromBytes(bytes));
        // The same bound applies to a message someone else parsed.
        assertRejected("over the limit of 1000", () -> strict.ciphertextFromProto(CIPHERTEXT));
    }

    @Test
    void tooManyGaloisKeys() {
        FheCodec strict = new FheCodec(FIX.context, new Limits(Limits.DEFAULT.maxMessageBytes(), 2));
        assertRejected("FheEvaluationKeys has 3 galois_keys, over the limit of 2",
                () -> strict.evaluationKeysFromProto(EVALUATION_KEYS));
    }

    @Test
    void digestMismatchOrMissing() {
        byte[] wrong = CIPHERTEXT.getSha256().toByteArray();
        wrong[0] ^= 1;
        assertRejected("FheCiphertext.sha256 = " + HexFormat.of().formatHex(wrong) + " does not match",
                () -> CODEC.ciphertextFromProto(CIPHERTEXT.toBuilder().setSha256(ByteString.copyFrom(wrong)).build()));
        // A valid but different residue passes every structural check and only the digest catches it.
        FheCiphertext tampered = CIPHERTEXT.toBuilder().setPolys(0, withFirstWord(CIPHERTEXT.getPolys(0), 1)).build();
        assertRejected("FheCiphertext.sha256", () -> CODEC.ciphertextFromProto(tampered));
        assertRejected("FheCiphertext.sha256 is missing",
                () -> CODEC.ciphertextFromProto(CIPHERTEXT.toBuilder().clearSha256().build()));
        // A different seed expands to a different c_1.
        ByteString otherSeed = ByteString.copyFrom(new byte[32]);
        assertRejected("FheCiphertext.sha256", () -> CODEC.ciphertextFromProto(SEEDED.toBuilder().setSeed(otherSeed).build()));
        // Swapping two galois keys' elements keeps every key valid but changes the set.
        FheEvaluationKeys swapped = EVALUATION_KEYS.toBuilder()
                .setGaloisKeys(0, EVALUATION_KEYS.getGaloisKeys(0).toBuilder().setGaloisElement(EVALUATION_KEYS.getGaloisKeys(1).getGaloisElement()))
                .setGaloisKeys(1, EVALUATION_KEYS.getGaloisKeys(1).toBuilder().setGaloisElement(EVALUATION_KEYS.getGaloisKeys(0).getGaloisElement()))
                .build();
        assertRejected("FheEvaluationKeys.sha256", () -> CODEC.evaluationKeysFromProto(swapped));
    }

    @Test
    void invalidParameters() {
        FheParameters valid = FheCodec.toProto(FIX.params);
        assertRejected("FheParameters.parameter_id = 'abc' does not match",
                () -> FheCodec.parametersFromProto(valid.toBuilder().setParameterId("abc").build(), Limits.DEFAULT));
        assertRejected("FheParameters are not a valid set",
                () -> FheCodec.parametersFromProto(valid.toBuilder().setQPrimes(0, 15).build(), Limits.DEFAULT));
        assertRejected("FheParameters are not a valid set",
                () -> FheCodec.parametersFromProto(valid.toBuilder().setLogN(-1).build(), Limits.DEFAULT));
        assertRejected("FheParameters.log_scale = 0 is outside",
                () -> FheCodec.parametersFromProto(valid.toBuilder().setLogScale(0).build(), Limits.DEFAULT));
        assertRejected("FheParameters.sha256 is missing",
                () -> FheCodec.parametersFromProto(valid.toBuilder().clearSha256().build(), Limits.DEFAULT));
        assertRejected("cannot parse FheParameters",
                () -> FheCodec.parametersFromBytes(new byte[] {(byte) 0xFF}, Limits.DEFAULT));
    }

    /** Each would otherwise decode to the same object as the canonical bytes, under another blob address. */
    @Test
    void nonCanonicalEncodingsAreRefused() {
        byte[] canonical = CIPHERTEXT.toByteArray();
        CODEC.ciphertextFromBytes(canonical);
        byte[] unknownField = concat(canonical, new byte[] {(byte) 0x78, 1});
        assertRejected("non-canonical encoding", () -> CODEC.ciphertextFromBytes(unknownField));
        byte[] digestFirst = concat(FheCiphertext.newBuilder().setSha256(CIPHERTEXT.getSha256()).build().toByteArray(),
                CIPHERTEXT.toBuilder().clearSha256().build().toByteArray());
        assertRejected("non-canonical encoding", () -> CODEC.ciphertextFromBytes(digestFirst));
        byte[] idTwice = concat(canonical,
                FheCiphertext.newBuilder().setParameterId(CIPHERTEXT.getParameterId()).build().toByteArray());
        assertRejected("non-canonical encoding", () -> CODEC.ciphertextFromBytes(idTwice));

        FheParameters params = FheCodec.toProto(FIX.params);
        byte[] boolAsFive = concat(params.toBuilder().clearInsecureForTests().clearParameterId().clearSha256().build()
                        .toByteArray(), new byte[] {(byte) 0x30, 5},
                params.toBuilder().clearLogN().clearLogScale().clearDnum().clearQPrimes().clearPPrimes()
                        .clearInsecureForTests().build().toByteArray());
        FheCodec.parametersFromBytes(params.toByteArray(), Limits.DEFAULT);
        assertRejected("non-canonical encoding", () -> FheCodec.parametersFromBytes(boolAsFive, Limits.DEFAULT));
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuffer out = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(p -> p.length).sum());
        Arrays.stream(parts).forEach(out::put);
        return out.array();
    }

    private static void assertRejected(String expectedInMessage, Executable decode) {
        InvalidFheDataException e = assertThrows(InvalidFheDataException.class, decode);
        assertTrue(e.getMessage().contains(expectedInMessage),
                () -> "message '" + e.getMessage() + "' should contain '" + expectedInMessage + "'");
    }

    private static RnsPolynomial mapLimbs(RnsPolynomial poly, UnaryOperator<ByteString> f) {
        RnsPolynomial.Builder out = poly.toBuilder().clearLimbs();
        poly.getLimbsList().forEach(limb -> out.addLimbs(f.apply(limb)));
        return out.build();
    }

    /** {@code poly} with the first residue of limb 0 (its low {@code bits} bits of the stream) set to {@code word}. */
    private static RnsPolynomial withFirstWord(RnsPolynomial poly, long word) {
        int bits = PolynomialCodec.residueBits(FIX.context.qModulus(0).value());
        byte[] limb = poly.getLimbs(0).toByteArray();
        long stream = ByteBuffer.wrap(limb).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        long mask = (1L << bits) - 1;
        ByteBuffer.wrap(limb).order(ByteOrder.LITTLE_ENDIAN).putLong(0, (stream & ~mask) | word);
        return poly.toBuilder().setLimbs(0, ByteString.copyFrom(limb)).build();
    }
}
