package ai.zkllm.operators.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.CkksContext;
import ai.zkllm.fhe.ckks.Decryptor;
import ai.zkllm.fhe.ckks.Encoder;
import ai.zkllm.fhe.ckks.Encryptor;
import ai.zkllm.fhe.ckks.EvaluationKeys;
import ai.zkllm.fhe.ckks.KeyGenerator;
import ai.zkllm.fhe.ckks.Parameters;
import ai.zkllm.fhe.ckks.SecretKey;
import ai.zkllm.fhe.ring.RingBackends;
import ai.zkllm.schemas.v1.BlobRef;
import ai.zkllm.schemas.v1.CiphertextPayload;
import ai.zkllm.schemas.v1.DeadLetter;
import ai.zkllm.schemas.v1.DeadLetterReason;
import ai.zkllm.schemas.v1.EncryptedPrompt;
import ai.zkllm.schemas.v1.EncryptedResponse;
import ai.zkllm.schemas.v1.WorkReceipt;
import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.operators.async.AsyncWaitOperatorFactory;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The async inference operator on Flink's test harness, with the one-round test program. */
class InferenceFunctionTest {
    static final Parameters P = TestPrograms.PARAMS;
    static final SimpleFheCodec CODEC = new SimpleFheCodec();
    @TempDir
    static Path dir;
    static BlobStore blobs;
    static BlobRef keys;
    static SecretKey sk;
    static CkksContext ctx;

    @BeforeAll
    static void setUp() throws Exception {
        blobs = new BlobStore(dir.toString(), 1 << 26);
        ctx = new CkksContext(P, RingBackends.preferred());
        sk = new KeyGenerator(ctx, new SecureRandom()).secretKey();
        keys = blobs.put(CODEC.encodeEvaluationKeys(new EvaluationKeys(null, null)));
    }

    static PromptEnvelope prompt(String id, int level, BlobRef evk) {
        double[] v = new double[P.slots()];
        Arrays.fill(v, 0.25);
        Ciphertext ct = new Encryptor(ctx, sk, new SecureRandom()).encrypt(new Encoder(ctx).encode(v, level, P.scale()));
        byte[] value = EncryptedPrompt.newBuilder().setRequestId(id).setSessionId("s").setModelHash(TestPrograms.ADD_ONE.modelHash())
                .setParameterHash(P.id()).addInputs(CiphertextPayload.newBuilder().setInline(ByteString.copyFrom(CODEC.encodeCiphertext(ct))))
                .setEvaluationKeys(evk).build().toByteArray();
        PromptEnvelope e = PromptEnvelope.of("prompts", 0, 0, 0, value);
        e.requestId = id;
        e.sessionId = "s";
        return e;
    }

    @Test
    void answersWithAReceiptAndDeadLettersBadInputs() throws Exception {
        InferenceFunction fn = new InferenceFunction(new TestPrograms.Registry(), blobs, CODEC,
                new InferenceSettings("m1", 2, "auto", 1 << 26, 4, 60_000));
        var harness = new OneInputStreamOperatorTestHarness<PromptEnvelope, InferenceOutcome>(
                new AsyncWaitOperatorFactory<>(fn, 60_000, 2, AsyncDataStream.OutputMode.ORDERED),
                TypeInformation.of(PromptEnvelope.class).createSerializer(new SerializerConfigImpl()));
        harness.open();
        harness.processElement(prompt("good", P.maxLevel(), keys), 0);
        harness.processElement(prompt("low", P.maxLevel() - 1, keys), 0);
        harness.processElement(prompt("nokeys", P.maxLevel(),
                BlobRef.newBuilder().setSha256("ee".repeat(32)).setSizeBytes(9).build()), 0);
        harness.endInput();
        List<InferenceOutcome> out = harness.extractOutputValues();
        harness.close();
        assertEquals(3, out.size());

        EncryptedResponse resp = EncryptedResponse.parseFrom(out.get(0).response.value);
        Ciphertext ct = CODEC.decodeCiphertext(resp.getOutputs(0).getInline().toByteArray(), P);
        double[] y = new Encoder(ctx).decode(new Decryptor(ctx, sk).decrypt(ct));
        assertEquals(1.25, y[0], 1e-4);
        WorkReceipt r = WorkReceipt.parseFrom(out.get(0).receipt.value);
        assertEquals("m1", r.getMinerId());
        assertEquals(Sha256.hex(resp.getOutputs(0).getInline().toByteArray()), r.getOutputSha256(0));
        assertNotNull(r.getTimings());

        assertEquals(DeadLetterReason.DEAD_LETTER_REASON_BAD_CIPHERTEXT,
                DeadLetter.parseFrom(out.get(1).deadLetter.value).getReason());
        assertEquals(DeadLetterReason.DEAD_LETTER_REASON_MISSING_EVALUATION_KEYS,
                DeadLetter.parseFrom(out.get(2).deadLetter.value).getReason());
        assertEquals(2, fn.metrics().ciphertextCount());
        assertEquals(0, fn.metrics().queueDepth());
    }
}
