package ai.zkllm.operators.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.CkksContext;
import ai.zkllm.fhe.ckks.Decryptor;
import ai.zkllm.fhe.ckks.Encoder;
import ai.zkllm.fhe.ckks.Encryptor;
import ai.zkllm.fhe.ckks.EvaluationKeys;
import ai.zkllm.fhe.ckks.GaloisKeys;
import ai.zkllm.fhe.ckks.KeyGenerator;
import ai.zkllm.fhe.ckks.Parameters;
import ai.zkllm.fhe.ckks.SecretKey;
import ai.zkllm.fhe.io.CanonicalDigest;
import ai.zkllm.fhe.io.FheCodec;
import ai.zkllm.fhe.ring.RingBackends;
import ai.zkllm.program.EvaluationKeyCache;
import ai.zkllm.program.ProgramKeys;
import ai.zkllm.program.FheEngines;
import ai.zkllm.program.blob.BlobStore;
import ai.zkllm.program.blob.Sha256;
import ai.zkllm.schemas.v1.BlobRef;
import ai.zkllm.schemas.v1.CiphertextPayload;
import ai.zkllm.schemas.v1.DeadLetter;
import ai.zkllm.schemas.v1.DeadLetterReason;
import ai.zkllm.schemas.v1.EncryptedPrompt;
import ai.zkllm.schemas.v1.EncryptedResponse;
import ai.zkllm.schemas.v1.FheCiphertext;
import ai.zkllm.schemas.v1.RnsPolynomial;
import ai.zkllm.schemas.v1.WorkReceipt;
import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.operators.async.AsyncWaitOperatorFactory;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The async inference operator on Flink's test harness, with the one-round test program. */
class InferenceFunctionTest {
    static final Parameters P = TestPrograms.PARAMS;
    static FheCodec codec;
    @TempDir
    static Path dir;
    static BlobStore blobs;
    static BlobRef keys;
    static SecretKey sk;
    static CkksContext ctx;

    @BeforeAll
    static void setUp() throws Exception {
        blobs = new BlobStore(dir.toString(), 1 << 26);
        FheEngines.Engine engine = FheEngines.get(P, RingBackends.preferred());
        ctx = engine.context();
        codec = engine.codec();
        sk = new KeyGenerator(ctx, new SecureRandom()).secretKey();
        // the one recipe a client uses: a relinearization key and the program's rotations (none here)
        keys = blobs.put(codec.toBytes(ProgramKeys.generate(TestPrograms.ADD_ONE, ctx, sk, new SecureRandom())));
    }

    static Ciphertext encrypt(int level) {
        double[] v = new double[P.slots()];
        Arrays.fill(v, 0.25);
        return new Encryptor(ctx, sk, new SecureRandom()).encrypt(new Encoder(ctx).encode(v, level, P.scale()));
    }

    static PromptEnvelope prompt(String id, int level, BlobRef evk) {
        return prompt(id, codec.toProto(encrypt(level)), evk);
    }

    static PromptEnvelope prompt(String id, FheCiphertext ct, BlobRef evk) {
        byte[] value = EncryptedPrompt.newBuilder().setRequestId(id).setSessionId("s").setModelHash(TestPrograms.ADD_ONE.modelHash())
                .setParameterHash(P.id()).addInputs(CiphertextPayload.newBuilder().setInline(ct.toByteString()))
                .setEvaluationKeys(evk).build().toByteArray();
        PromptEnvelope e = PromptEnvelope.of("prompts", 0, 0, 0, value);
        e.requestId = id;
        e.sessionId = "s";
        return e;
    }

    /** Alone or in batches (the three prompts wait together), the same answers and dead letters. */
    @ParameterizedTest(name = "batch size {0}")
    @ValueSource(ints = {1, 3})
    void answersWithAReceiptAndDeadLettersBadInputs(int batchSize) throws Exception {
        InferenceFunction fn = function(batchSize);
        var harness = harness(fn);
        harness.open();
        Ciphertext sent = encrypt(P.maxLevel());
        assertNotNull(sent.seed(), "a secret-key encryption is seeded");
        FheCiphertext wire = codec.toProto(sent);
        assertEquals(1, wire.getPolysCount(), "seeded: c_0 + seed on the wire");
        harness.processElement(prompt("good", wire, keys), 0);
        harness.processElement(prompt("low", P.maxLevel() - 1, keys), 0);
        harness.processElement(prompt("nokeys", P.maxLevel(),
                BlobRef.newBuilder().setSha256("ee".repeat(32)).setSizeBytes(9).build()), 0);
        harness.endInput();
        List<InferenceOutcome> out = harness.extractOutputValues();
        harness.close();
        assertEquals(3, out.size());

        EncryptedResponse resp = EncryptedResponse.parseFrom(out.get(0).response.value);
        Ciphertext ct = codec.ciphertextFromBytes(resp.getOutputs(0).getInline().toByteArray());
        double[] y = new Encoder(ctx).decode(new Decryptor(ctx, sk).decrypt(ct));
        assertEquals(1.25, y[0], 1e-4);
        WorkReceipt r = WorkReceipt.parseFrom(out.get(0).receipt.value);
        assertEquals("m1", r.getMinerId());
        // Receipts name canonical digests (what a replay recomputes), not hashes of the wire bytes.
        CanonicalDigest digests = new CanonicalDigest(P);
        HexFormat hex = HexFormat.of();
        assertEquals(hex.formatHex(digests.digest(ct)), r.getOutputSha256(0));
        assertEquals(hex.formatHex(digests.digest(sent)), r.getInputSha256(0));
        Ciphertext expanded = new Ciphertext(new ai.zkllm.fhe.ring.RnsPoly[] {sent.poly(0), sent.poly(1)}, sent.level(),
                sent.scale());
        assertEquals(hex.formatHex(digests.digest(expanded)), r.getInputSha256(0), "seeded and expanded digest alike");
        assertTrue(!Sha256.hex(wire.toByteArray()).equals(r.getInputSha256(0)));
        assertEquals(keys.getSha256(), r.getEvaluationKeysSha256(), "the key blob's content address");
        assertNotNull(r.getTimings());

        DeadLetter low = DeadLetter.parseFrom(out.get(1).deadLetter.value);
        assertEquals(DeadLetterReason.DEAD_LETTER_REASON_BAD_CIPHERTEXT, low.getReason());
        assertTrue(low.getDetail().contains("at level " + (P.maxLevel() - 1)), low.getDetail());
        assertEquals(DeadLetterReason.DEAD_LETTER_REASON_MISSING_EVALUATION_KEYS,
                DeadLetter.parseFrom(out.get(2).deadLetter.value).getReason());
        assertEquals(2, fn.metrics().ciphertextCount());
        assertEquals(0, fn.metrics().queueDepth());
        // every prompt went through the batcher (refusals too), in one to three batches
        assertEquals(batchSize == 1 ? 0 : 3, fn.metrics().batchedPrompts());
        assertTrue(batchSize == 1 ? fn.metrics().batches() == 0 : fn.metrics().batches() >= 1 && fn.metrics().batches() <= 3,
                fn.metrics().batches() + " batches");
    }

    static InferenceFunction function() {
        return function(1);
    }

    static InferenceFunction function(int batchSize) {
        return new InferenceFunction(new TestPrograms.Registry(), blobs,
                new InferenceSettings("m1", 2, "auto", 1 << 26, 4, 60_000, WarmUpSelection.NONE, batchSize));
    }

    static OneInputStreamOperatorTestHarness<PromptEnvelope, InferenceOutcome> harness(InferenceFunction fn)
            throws Exception {
        return new OneInputStreamOperatorTestHarness<>(
                new AsyncWaitOperatorFactory<>(fn, 60_000, 3, AsyncDataStream.OutputMode.ORDERED),
                TypeInformation.of(PromptEnvelope.class).createSerializer(new SerializerConfigImpl()));
    }

    /** Bytes the codec refuses become dead letters naming the problem; the operator keeps answering. */
    @Test
    void codecFailuresAreDeadLetteredWithTheCodecsMessage() throws Exception {
        FheCiphertext good = codec.toProto(encrypt(P.maxLevel()));
        UnaryOperator<FheCiphertext> coefficientAbovePrime = m -> {
            byte[] limb = m.getPolys(0).getLimbs(0).toByteArray();
            Arrays.fill(limb, 0, 4, (byte) 0xff); // first residue all ones: above its prime, whatever its width
            RnsPolynomial poly = m.getPolys(0).toBuilder().setLimbs(0, ByteString.copyFrom(limb)).build();
            return m.toBuilder().setPolys(0, poly).build();
        };
        UnaryOperator<FheCiphertext> badDigest = m -> {
            byte[] sha = m.getSha256().toByteArray();
            sha[0] ^= 1;
            return m.toBuilder().setSha256(ByteString.copyFrom(sha)).build();
        };
        BlobRef garbageKeys = blobs.put("not evaluation keys".getBytes());

        InferenceFunction fn = function();
        var harness = harness(fn);
        harness.open();
        harness.processElement(prompt("coefficient", coefficientAbovePrime.apply(good), keys), 0);
        harness.processElement(prompt("digest", badDigest.apply(good), keys), 0);
        harness.processElement(prompt("other-set", good.toBuilder().setParameterId("00".repeat(32)).build(), keys), 0);
        harness.processElement(prompt("garbage-keys", good, garbageKeys), 0);
        harness.processElement(prompt("still-good", good, keys), 0);
        harness.endInput();
        List<InferenceOutcome> out = harness.extractOutputValues();
        harness.close();
        assertEquals(5, out.size());
        String[][] expected = {
            {"DEAD_LETTER_REASON_BAD_CIPHERTEXT", "inputs[0]: FheCiphertext.polys[0].limbs[0] coefficient 0 = "
                    + ((1L << 64 - Long.numberOfLeadingZeros(P.qPrimes().get(0) - 1)) - 1) + " is not below its prime"},
            {"DEAD_LETTER_REASON_BAD_CIPHERTEXT", "inputs[0]: FheCiphertext.sha256 = "},
            {"DEAD_LETTER_REASON_BAD_CIPHERTEXT", "inputs[0]: FheCiphertext.parameter_id = '" + "00".repeat(32) + "'"},
            {"DEAD_LETTER_REASON_MISSING_EVALUATION_KEYS", "cannot parse FheEvaluationKeys"},
        };
        for (int i = 0; i < expected.length; i++) {
            DeadLetter d = DeadLetter.parseFrom(out.get(i).deadLetter.value);
            assertEquals(expected[i][0], d.getReason().name(), d.getDetail());
            assertTrue(d.getDetail().contains(expected[i][1]), d.getDetail());
        }
        assertTrue(DeadLetter.parseFrom(out.get(1).deadLetter.value).getDetail().contains("does not match the canonical digest"));
        assertNotNull(out.get(4).response, "the operator keeps answering");
        assertEquals(2, fn.metrics().ciphertextCount());
    }

    /** The key cache is bounded by decoded size: the seeded wire form understates memory about 4x. */
    @Test
    void keyCacheChargesDecodedSize() {
        EvaluationKeys evk = new EvaluationKeys(new KeyGenerator(ctx, new SecureRandom()).relinearizationKey(sk),
                new GaloisKeys(Map.of()));
        var key = evk.relinearization().key();
        long expected = 2L * key.digitCount() * ctx.qpLimbCount() * P.n() * 8;
        assertEquals(expected, EvaluationKeyCache.memoryBytes(evk));
        assertTrue(EvaluationKeyCache.memoryBytes(evk) > 3.9 * codec.toBytes(evk).length);
    }
}
