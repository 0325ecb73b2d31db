package ai.zkllm.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.Encryptor;
import ai.zkllm.fhe.ckks.EvaluationKeys;
import ai.zkllm.fhe.ckks.Evaluator;
import ai.zkllm.fhe.ckks.KeyGenerator;
import ai.zkllm.fhe.ckks.Parameters;
import ai.zkllm.fhe.ckks.SecretKey;
import ai.zkllm.fhe.ring.RingBackends;
import ai.zkllm.program.blob.BlobStore;
import ai.zkllm.program.blob.MemoryBlobFileSystem;
import ai.zkllm.schemas.v1.BlobRef;
import ai.zkllm.schemas.v1.CiphertextPayload;
import ai.zkllm.schemas.v1.DeadLetterReason;
import ai.zkllm.schemas.v1.EncryptedPrompt;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Group commit of rounds: who waits joins the next batch, each caller gets its own outcome, failures reach everyone. */
class RoundBatcherTest {
    private static final Parameters PARAMS = RoundExecutorTest.PARAMS;

    /** Rotates by one slot; records the size of every batch, and the first batch waits until released. */
    private static final class RecordingRotate extends RoundExecutorTest.Rotate {
        final List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile RuntimeException failure;

        @Override
        public List<List<Ciphertext>> evaluateBatch(int round, List<List<Ciphertext>> inputs, List<Evaluator> evs) {
            if (batchSizes.isEmpty()) {
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            batchSizes.add(inputs.size());
            if (failure != null) {
                throw failure;
            }
            return super.evaluateBatch(round, inputs, evs);
        }
    }

    private final RecordingRotate program = new RecordingRotate();
    private final BlobStore blobs = new BlobStore("memory:/", Integer.MAX_VALUE - 16, new MemoryBlobFileSystem());
    private final FheEngines.Engine engine = FheEngines.get(PARAMS, RingBackends.preferred());
    private final RoundExecutor executor = new RoundExecutor(ProgramRegistry.of(program), blobs,
            RingBackends.preferred(), new EvaluationKeyCache(1L << 30, 16, 60_000, System::currentTimeMillis));

    /** A session's prompt: its own keys, and an input encrypting {@code value} in every slot. */
    private EncryptedPrompt prompt(double value, int inputs) throws Exception {
        SecureRandom random = new SecureRandom();
        SecretKey sk = new KeyGenerator(engine.context(), random).secretKey();
        EvaluationKeys keys = ProgramKeys.generate(program, engine.context(), sk, random);
        BlobRef ref = blobs.put(engine.codec().toBytes(keys));
        double[] slots = new double[PARAMS.slots()];
        java.util.Arrays.fill(slots, value);
        Ciphertext ct = new Encryptor(engine.context(), sk, random)
                .encrypt(engine.context().encoder().encode(slots, PARAMS.maxLevel(), PARAMS.scale()));
        EncryptedPrompt.Builder p = EncryptedPrompt.newBuilder().setRequestId("r" + value).setSessionId("s" + value)
                .setModelHash(program.modelHash()).setParameterHash(PARAMS.id()).setEvaluationKeys(ref);
        for (int i = 0; i < inputs; i++) {
            p.addInputs(CiphertextPayload.newBuilder().setInline(engine.codec().toProto(ct).toByteString()));
        }
        return p.build();
    }

    @Test
    void promptsThatWaitWhileABatchRunsFormTheNextAndEachGetsItsOwnAnswer() throws Exception {
        RoundBatcher batcher = new RoundBatcher(executor, 8);
        List<EncryptedPrompt> prompts = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            prompts.add(prompt(i, i == 3 ? 2 : 1)); // prompt 3 has one input too many: refused, alone
        }
        ExecutorService callers = Executors.newFixedThreadPool(prompts.size());
        try {
            List<Future<RoundOutcome>> outcomes = new ArrayList<>();
            outcomes.add(callers.submit(() -> batcher.execute(prompts.get(0))));
            program.entered.await(); // the first batch runs (and waits)
            for (int i = 1; i < prompts.size(); i++) {
                int p = i;
                outcomes.add(callers.submit(() -> batcher.execute(prompts.get(p))));
            }
            for (int waited = 0; batcher.waiting() < prompts.size() - 1; waited++) { // the five queue behind it
                assertTrue(waited < 2000, batcher.waiting() + " prompts queued after 10 s");
                Thread.sleep(5);
            }
            program.release.countDown();
            List<RoundOutcome> done = new ArrayList<>();
            for (Future<RoundOutcome> f : outcomes) {
                done.add(f.get());
            }
            // the first alone; the four valid waiting ones together (prompt 3 refused before evaluation)
            assertEquals(List.of(1, 4), List.copyOf(program.batchSizes));
            for (int i = 0; i < prompts.size(); i++) {
                RoundOutcome outcome = done.get(i);
                if (i == 3) {
                    assertEquals(DeadLetterReason.DEAD_LETTER_REASON_INVALID,
                            assertInstanceOf(RoundOutcome.Refused.class, outcome).reason());
                    continue;
                }
                // the bytes this prompt gets alone, from a fresh executor
                RoundOutcome.Answered alone = assertInstanceOf(RoundOutcome.Answered.class,
                        new RoundExecutor(ProgramRegistry.of(program), blobs, RingBackends.preferred(),
                                new EvaluationKeyCache(1L << 30, 16, 60_000, System::currentTimeMillis))
                                .execute(prompts.get(i)));
                assertEquals(alone.outputDigests(), assertInstanceOf(RoundOutcome.Answered.class, outcome).outputDigests(),
                        "prompt " + i);
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void aBatchThatFailsFailsEachOfItsCallers() throws Exception {
        program.release.countDown();
        program.failure = new IllegalStateException("kernel failure");
        RoundBatcher batcher = new RoundBatcher(executor, 4);
        EncryptedPrompt p = prompt(1, 1);
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> batcher.execute(p));
        assertSame(program.failure, thrown);
        program.failure = null;
        assertInstanceOf(RoundOutcome.Answered.class, batcher.execute(p), "the batcher goes on after a failure");
        assertTrue(program.batchSizes.size() >= 2);
    }
}
