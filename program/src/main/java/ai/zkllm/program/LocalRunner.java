package ai.zkllm.program;

import ai.zkllm.fhe.ckks.CkksContext;
import ai.zkllm.fhe.ckks.EvaluationKeys;
import ai.zkllm.fhe.ckks.Evaluator;
import ai.zkllm.fhe.ckks.KeyGenerator;
import ai.zkllm.fhe.ckks.SecretKey;
import ai.zkllm.fhe.ring.RingBackend;
import ai.zkllm.program.RoundOutcome.Answered;
import ai.zkllm.program.RoundOutcome.Refused;
import ai.zkllm.program.blob.BlobStore;
import ai.zkllm.program.blob.MemoryBlobFileSystem;
import ai.zkllm.schemas.v1.BlobRef;
import ai.zkllm.schemas.v1.CiphertextPayload;
import ai.zkllm.schemas.v1.EncryptedPrompt;
import ai.zkllm.schemas.v1.EncryptedResponse;
import ai.zkllm.schemas.v1.FheCiphertext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.util.concurrent.TimeoutException;

/**
 * A client and a miner in one process: the client's {@link RoundLoop} with the miner's
 * {@link RoundExecutor} as its transport, over an in-memory blob store. The bytes, checks and
 * digests are those of the stream; only Kafka is missing. Several runners (sessions, each with its
 * own keys) may share one {@link Miner}, whose rounds can then be batched. Used to measure a program
 * ({@code zkllm squeeze report}, {@code zkllm bench model}) and in tests.
 */
public final class LocalRunner {
    /**
     * The miner side: an in-memory blob store for the sessions' evaluation keys and one round
     * executor, that runs each prompt as it comes or, with a batch size above 0, through a
     * {@link RoundBatcher} (the prompts of concurrent sessions in batches). Thread-safe.
     */
    public static final class Miner {
        private final BlobStore blobs = new BlobStore("memory:/", Integer.MAX_VALUE - 16, new MemoryBlobFileSystem());
        private final RoundExecutor executor;
        private final RoundBatcher batcher;

        /** @param maxBatch prompts per batch, or 0 to run every prompt on its own (concurrently) */
        public Miner(FheProgram program, RingBackend backend, int maxBatch) {
            this.executor = new RoundExecutor(ProgramRegistry.of(program), blobs, backend,
                    new EvaluationKeyCache(Long.MAX_VALUE, Integer.MAX_VALUE, Long.MAX_VALUE, System::currentTimeMillis));
            this.batcher = maxBatch > 0 ? new RoundBatcher(executor, maxBatch) : null;
        }

        RoundOutcome execute(EncryptedPrompt prompt) {
            return batcher != null ? batcher.execute(prompt) : executor.execute(prompt);
        }
    }

    private final FheProgram program;
    private final CkksContext context;
    private final EvaluationKeys keys;
    private final RoundLoop.Session session;
    private final RoundLoop loop;
    private final double keySeconds;
    private RoundLoop.Listener listener = RoundLoop.Listener.NONE;

    /** A session with a miner of its own. */
    public LocalRunner(FheProgram program, RingBackend backend, SecureRandom random) {
        this(program, backend, new Miner(program, backend, 0), random);
    }

    /** A session of {@code miner} (new keys, put in its blob store). */
    public LocalRunner(FheProgram program, RingBackend backend, Miner miner, SecureRandom random) {
        long t0 = System.nanoTime();
        this.program = program;
        FheEngines.Engine engine = FheEngines.get(program.parameters(), backend);
        this.context = engine.context();
        SecretKey secretKey = new KeyGenerator(context, random).secretKey();
        this.keys = ProgramKeys.generate(program, context, secretKey, random);
        this.keySeconds = (System.nanoTime() - t0) / 1e9;
        BlobRef keysRef;
        try {
            keysRef = miner.blobs.put(engine.codec().toBytes(keys));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.session = new RoundLoop.Session("local", "0", keysRef, null);
        this.loop = new RoundLoop(program, engine, secretKey, random, prompt -> answer(miner, prompt));
    }

    private static EncryptedResponse answer(Miner miner, EncryptedPrompt prompt) throws RejectedPromptException {
        RoundOutcome outcome = miner.execute(prompt);
        if (outcome instanceof Refused refused) {
            throw new RejectedPromptException(refused.reason(), refused.detail());
        }
        EncryptedResponse.Builder response = EncryptedResponse.newBuilder()
                .setRequestId(prompt.getRequestId())
                .setSessionId(prompt.getSessionId())
                .setModelHash(prompt.getModelHash())
                .setRound(prompt.getRound())
                .setTokenIndex(prompt.getTokenIndex());
        for (FheCiphertext output : ((Answered) outcome).outputs()) {
            response.addOutputs(CiphertextPayload.newBuilder().setInline(output.toByteString()));
        }
        return response.build();
    }

    /** Observes every round trip (prompt and response as they would travel, and the seconds taken). */
    public LocalRunner observe(RoundLoop.Listener roundListener) {
        this.listener = roundListener;
        return this;
    }

    public FheProgram program() { return program; }
    public EvaluationKeys keys() { return keys; }
    public double keySeconds() { return keySeconds; }
    /** Bytes of the evaluation keys as the miner fetches them. */
    public long keyBytes() { return session.evaluationKeys().getSizeBytes(); }

    /** An evaluator with this runner's keys, as a miner would build it. */
    public Evaluator evaluator() {
        return new Evaluator(context, keys);
    }

    /** Next-token logits of {@code tokens}, computed under encryption. */
    public double[] nextTokenLogits(int[] tokens) {
        try {
            return loop.nextTokenLogits(session, 0, tokens, listener);
        } catch (IOException e) {
            throw new UncheckedIOException("the in-process miner refused a round: " + e.getMessage(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("an in-process round cannot time out", e);
        }
    }
}
