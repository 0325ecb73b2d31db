package ai.zkllm.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.Encryptor;
import ai.zkllm.fhe.ckks.EvaluationKeys;
import ai.zkllm.fhe.ckks.Evaluator;
import ai.zkllm.fhe.ckks.GaloisKeys;
import ai.zkllm.fhe.ckks.KeyGenerator;
import ai.zkllm.fhe.ckks.Parameters;
import ai.zkllm.fhe.ckks.SecretKey;
import ai.zkllm.fhe.ring.RingBackends;
import ai.zkllm.fhe.ring.RnsPoly;
import ai.zkllm.program.blob.BlobStore;
import ai.zkllm.schemas.v1.BlobRef;
import ai.zkllm.schemas.v1.CiphertextPayload;
import ai.zkllm.schemas.v1.DeadLetterReason;
import ai.zkllm.schemas.v1.EncryptedPrompt;
import ai.zkllm.schemas.v1.FheEvaluationKeys;
import ai.zkllm.schemas.v1.FheGaloisKey;
import ai.zkllm.schemas.v1.FheSwitchingKey;
import com.google.protobuf.ByteString;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The executor's key checks: what a forged or foreign evaluation-key set costs a miner. */
class RoundExecutorTest {
    static final Parameters PARAMS = Parameters.builder().logN(13).logScale(30).depth(1).dnum(2).build();
    /** One round: rotate by one slot. */
    static class Rotate implements FheProgram {
        @Override public String modelHash() { return "0f".repeat(32); }
        @Override public Parameters parameters() { return PARAMS; }
        @Override public int[] rotationSteps() { return new int[] {1}; }
        @Override public int rounds() { return 1; }
        @Override public boolean acceptsInputCount(int round, int count) { return count == 1; }
        @Override public int maxContext() { return 1; }
        @Override public int vocabularySize() { return 2; }
        @Override public List<Ciphertext> evaluate(int round, List<Ciphertext> in, Evaluator ev) {
            return List.of(ev.rotate(in.get(0), 1));
        }
        @Override public TokenDecoder newDecoder() {
            return TokenDecoder.stateless(tokens -> List.of(new double[PARAMS.slots()]), (round, d) -> d, d -> d.get(0));
        }
    }

    static final FheProgram ROTATE = new Rotate();

    @TempDir
    static Path dir;
    static BlobStore blobs;
    static FheEngines.Engine engine;
    static SecretKey sk;
    static EvaluationKeys keys;

    @BeforeAll
    static void setUp() {
        blobs = new BlobStore(dir.toString(), Integer.MAX_VALUE - 16);
        engine = FheEngines.get(PARAMS, RingBackends.preferred());
        sk = new KeyGenerator(engine.context(), new SecureRandom()).secretKey();
        keys = ProgramKeys.generate(ROTATE, engine.context(), sk, new SecureRandom());
    }

    static RoundExecutor executor() {
        return new RoundExecutor(ProgramRegistry.of(ROTATE), blobs,
                RingBackends.preferred(), new EvaluationKeyCache(1L << 30, 8, 60_000, System::currentTimeMillis));
    }

    /** A prompt of round 0 with one (empty) input, which the key checks come before. */
    static EncryptedPrompt prompt(BlobRef evaluationKeys) {
        return EncryptedPrompt.newBuilder().setRequestId("r").setSessionId("s").setModelHash(ROTATE.modelHash())
                .setParameterHash(PARAMS.id()).setEvaluationKeys(evaluationKeys)
                .addInputs(CiphertextPayload.getDefaultInstance()).build();
    }

    static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    /**
     * 512 Galois keys where the program uses one: refused from the reference's size, before the
     * blob is read, in well under a second and with a few kilobytes allocated.
     */
    @Test
    void aForgedKeySetIsRefusedBeforeItIsRead() throws Exception {
        FheSwitchingKey one = engine.codec().toProto(keys.galois().get(keys.galois().elements().iterator().next()));
        FheEvaluationKeys.Builder forged = FheEvaluationKeys.newBuilder().setParameterId(PARAMS.id())
                .setRelinearization(engine.codec().toProto(keys.relinearization().key()))
                .setSha256(ByteString.copyFrom(new byte[32]));
        for (int i = 0; i < 512; i++) {
            forged.addGaloisKeys(FheGaloisKey.newBuilder().setGaloisElement(2 * i + 3).setKey(one));
        }
        BlobRef ref = blobs.put(forged.build().toByteArray());
        RoundExecutor executor = executor();

        long bytes0 = allocatedBytes();
        long t0 = System.nanoTime();
        RoundOutcome outcome = executor.execute(prompt(ref));
        double ms = (System.nanoTime() - t0) / 1e6;
        long allocated = allocatedBytes() - bytes0;

        RoundOutcome.Refused refused = assertInstanceOf(RoundOutcome.Refused.class, outcome);
        assertEquals(DeadLetterReason.DEAD_LETTER_REASON_OVERSIZED, refused.reason(), refused.detail());
        long bound = engine.codec().evaluationKeysBytesBound(1);
        System.out.printf("forged set of %d bytes (512 Galois keys) refused in %.1f ms, %d bytes allocated; "
                + "bound for this program %d bytes, honest set %d bytes%n", ref.getSizeBytes(), ms, allocated, bound,
                engine.codec().toBytes(keys).length);
        assertTrue(allocated < 64L << 20, allocated + " bytes allocated");
        assertTrue(ms < 1000, ms + " ms");
        assertTrue(engine.codec().toBytes(keys).length <= bound, "the honest set fits its bound");

        // the same blob under a reference that understates its size: the read stops at the claim
        BlobRef understated = ref.toBuilder().setSizeBytes(bound).build();
        bytes0 = allocatedBytes();
        t0 = System.nanoTime();
        refused = assertInstanceOf(RoundOutcome.Refused.class, executor.execute(prompt(understated)));
        ms = (System.nanoTime() - t0) / 1e6;
        allocated = allocatedBytes() - bytes0;
        System.out.printf("the same set under a reference claiming %d bytes: %s in %.1f ms, %d bytes allocated%n",
                bound, refused.detail(), ms, allocated);
        assertEquals(DeadLetterReason.DEAD_LETTER_REASON_MISSING_EVALUATION_KEYS, refused.reason(), refused.detail());
        assertTrue(allocated < 64L << 20, allocated + " bytes allocated");
    }

    /** A set within the bound holding another rotation's key is refused before any key is decoded. */
    @Test
    void aGaloisKeyTheProgramDoesNotUseIsRefused() throws Exception {
        KeyGenerator generator = new KeyGenerator(engine.context(), new SecureRandom());
        EvaluationKeys foreign = new EvaluationKeys(generator.relinearizationKey(sk),
                generator.galoisKeys(sk, new int[] {2}, false));
        RoundOutcome outcome = executor().execute(prompt(blobs.put(engine.codec().toBytes(foreign))));
        RoundOutcome.Refused refused = assertInstanceOf(RoundOutcome.Refused.class, outcome);
        assertEquals(DeadLetterReason.DEAD_LETTER_REASON_MISSING_EVALUATION_KEYS, refused.reason());
        assertTrue(refused.detail().contains("is not a rotation of this program"), refused.detail());
    }

    /** A set without the program's rotation (and nothing else wrong) is refused by name. */
    @Test
    void aSetMissingTheProgramsRotationIsRefused() throws Exception {
        EvaluationKeys partial = new EvaluationKeys(keys.relinearization(), new GaloisKeys(Map.of()));
        RoundOutcome outcome = executor().execute(prompt(blobs.put(engine.codec().toBytes(partial))));
        RoundOutcome.Refused refused = assertInstanceOf(RoundOutcome.Refused.class, outcome);
        assertEquals("no Galois key for rotation 1", refused.detail());
    }

    /** Scales a client never sends (4.9e-324, 1.8e308, off by one bit) are refused before evaluation. */
    @Test
    void inputsAtAnotherScaleAreRefused() throws Exception {
        BlobRef ref = blobs.put(engine.codec().toBytes(keys));
        Encryptor encryptor = new Encryptor(engine.context(), sk, new SecureRandom());
        Ciphertext fresh = encryptor.encrypt(engine.context().encoder().encode(new double[] {1}, PARAMS.maxLevel(),
                PARAMS.scale()));
        for (double scale : new double[] {Double.MIN_VALUE, Double.MAX_VALUE, Math.nextUp(PARAMS.scale())}) {
            Ciphertext odd = new Ciphertext(new RnsPoly[] {fresh.poly(0), fresh.poly(1)}, fresh.level(), scale,
                    fresh.seed());
            EncryptedPrompt prompt = prompt(ref).toBuilder().setInputs(0, CiphertextPayload.newBuilder()
                    .setInline(engine.codec().toProto(odd).toByteString())).build();
            RoundOutcome.Refused refused = assertInstanceOf(RoundOutcome.Refused.class, executor().execute(prompt));
            assertEquals(DeadLetterReason.DEAD_LETTER_REASON_BAD_CIPHERTEXT, refused.reason(), refused.detail());
            assertTrue(refused.breaksContract());
        }
        EncryptedPrompt good = prompt(ref).toBuilder().setInputs(0, CiphertextPayload.newBuilder()
                .setInline(engine.codec().toProto(fresh).toByteString())).build();
        assertInstanceOf(RoundOutcome.Answered.class, executor().execute(good));
        RoundOutcome.Refused round = assertInstanceOf(RoundOutcome.Refused.class,
                executor().execute(good.toBuilder().setRound(1).build()));
        assertEquals(DeadLetterReason.DEAD_LETTER_REASON_INVALID, round.reason(), round.detail());
    }

    /** A round with more or fewer inputs than it takes is refused before anything is fetched. */
    @Test
    void aRoundWithTheWrongInputCountIsRefused() {
        BlobRef nowhere = BlobRef.newBuilder().setSha256("ee".repeat(32)).setSizeBytes(9).build();
        EncryptedPrompt two = prompt(nowhere).toBuilder().addInputs(CiphertextPayload.getDefaultInstance()).build();
        RoundOutcome.Refused refused = assertInstanceOf(RoundOutcome.Refused.class, executor().execute(two));
        assertEquals(DeadLetterReason.DEAD_LETTER_REASON_INVALID, refused.reason(), refused.detail());
        assertTrue(refused.detail().endsWith("does not take 2 input ciphertexts"), refused.detail());

        // the shipped model's first round takes x, the client's LayerNorm scale and the mask
        FheProgram shipped = new ai.zkllm.program.artifact.ShippedReferenceProgram();
        assertTrue(shipped.acceptsInputCount(0, 3));
        assertFalse(shipped.acceptsInputCount(0, 6));
        assertFalse(shipped.acceptsInputCount(0, 64));
        assertFalse(shipped.acceptsInputCount(shipped.rounds(), 3));
    }
}
