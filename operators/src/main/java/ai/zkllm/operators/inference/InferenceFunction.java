package ai.zkllm.operators.inference;

import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.CkksContext;
import ai.zkllm.fhe.ckks.EvaluationKeys;
import ai.zkllm.fhe.ckks.Evaluator;
import ai.zkllm.fhe.ckks.Parameters;
import ai.zkllm.fhe.io.InvalidFheDataException;
import ai.zkllm.fhe.ring.RingBackend;
import ai.zkllm.fhe.ring.RingBackends;
import ai.zkllm.program.FheEngines;
import ai.zkllm.program.FheProgram;
import ai.zkllm.program.ProgramRegistry;
import ai.zkllm.program.blob.BlobStore;
import ai.zkllm.schemas.v1.CiphertextPayload;
import ai.zkllm.schemas.v1.DeadLetterReason;
import ai.zkllm.schemas.v1.EncryptedPrompt;
import ai.zkllm.schemas.v1.EncryptedResponse;
import ai.zkllm.schemas.v1.FheCiphertext;
import ai.zkllm.schemas.v1.Timings;
import ai.zkllm.schemas.v1.WorkReceipt;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The miner's work: one validated prompt (one round of one token) in, its response and receipt
 * (or a dead letter) out. Runs on a bounded pool of FHE worker threads; Flink's async operator
 * bounds the prompts in flight (its capacity), which is what backpressures the Kafka source, and
 * checkpoints them, so a restore re-runs exactly the unanswered ones.
 *
 * <p>Per prompt: resolve the program by model hash, honour the deadline, get the evaluation keys
 * (cache, else blob store), decode and check the inputs (every input must be a 2-polynomial
 * ciphertext at the parameter set's top level, the level a client encrypts at), run the round,
 * encode the outputs inline, and write a receipt with the canonical digest
 * ({@link ai.zkllm.fhe.io.CanonicalDigest}) of every input and output, which is what a validator
 * recomputes when it replays the round (a seeded upload and its expanded form digest alike).
 *
 * <p>Decoding goes through the engine's {@link ai.zkllm.fhe.io.FheCodec}, which checks every field
 * of the untrusted bytes (parameter id, level, limbs, residues below their primes, seeds, sha256);
 * an {@link InvalidFheDataException} becomes a dead letter whose detail is its message. The
 * context and codec come from {@link FheEngines}: one per parameter set per task manager.
 */
public class InferenceFunction extends RichAsyncFunction<PromptEnvelope, InferenceOutcome> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(InferenceFunction.class);

    private final ProgramRegistry programs;
    private final BlobStore blobs;
    private final InferenceSettings settings;

    private transient ExecutorService pool;
    private transient EvaluationKeyCache keyCache;
    private transient RingBackend backend;
    private transient InferenceMetrics metrics;

    public InferenceFunction(ProgramRegistry programs, BlobStore blobs, InferenceSettings settings) {
        this.programs = programs;
        this.blobs = blobs;
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        backend = RingBackends.named(settings.backend());
        pool = new ThreadPoolExecutor(settings.workers(), settings.workers(), 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "zkllm-fhe-worker");
                    t.setDaemon(true);
                    return t;
                });
        keyCache = new EvaluationKeyCache(settings.keyCacheBytes(), settings.keyCacheEntries(),
                settings.keyCacheTtlMs(), System::currentTimeMillis);
        metrics = new InferenceMetrics(getRuntimeContext().getMetricGroup(), keyCache);
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    @Override
    public void asyncInvoke(PromptEnvelope e, ResultFuture<InferenceOutcome> result) {
        metrics.enqueued();
        pool.execute(() -> {
            InferenceOutcome outcome;
            try {
                outcome = process(e);
            } catch (InvalidFheDataException ex) {
                outcome = reject(e, DeadLetterReason.DEAD_LETTER_REASON_BAD_CIPHERTEXT, ex.getMessage());
            } catch (Throwable t) {
                LOG.warn("prompt {} failed", e.requestId, t);
                outcome = reject(e, DeadLetterReason.DEAD_LETTER_REASON_EVALUATION_FAILED, t.toString());
            } finally {
                metrics.dequeued();
            }
            result.complete(List.of(outcome));
        });
    }

    @Override
    public void timeout(PromptEnvelope e, ResultFuture<InferenceOutcome> result) {
        result.complete(List.of(reject(e, DeadLetterReason.DEAD_LETTER_REASON_DEADLINE_EXCEEDED,
                "the operator's evaluation timeout elapsed")));
    }

    /** Exposed for tests. */
    public InferenceMetrics metrics() {
        return metrics;
    }

    private InferenceOutcome process(PromptEnvelope e) throws Exception {
        long start = System.nanoTime();
        long queuedUs = Math.max(0, (System.currentTimeMillis() - e.arrivalUnixMs) * 1000);
        EncryptedPrompt p = EncryptedPrompt.parseFrom(e.value);
        Optional<FheProgram> found = programs.find(p.getModelHash());
        if (found.isEmpty()) {
            return reject(e, DeadLetterReason.DEAD_LETTER_REASON_UNKNOWN_MODEL, "no program for " + p.getModelHash());
        }
        FheProgram program = found.get();
        Parameters params = program.parameters();
        if (p.getDeadlineUnixMs() != 0 && System.currentTimeMillis() > p.getDeadlineUnixMs()) {
            return reject(e, DeadLetterReason.DEAD_LETTER_REASON_DEADLINE_EXCEEDED, "deadline passed while queued");
        }
        FheEngines.Engine engine = FheEngines.get(params, backend);
        CkksContext context = engine.context();

        long t0 = System.nanoTime();
        EvaluationKeys keys = keyCache.get(p.getEvaluationKeys().getSha256());
        if (keys == null) {
            byte[] keyBytes;
            try {
                keyBytes = blobs.get(p.getEvaluationKeys());
            } catch (FileNotFoundException ex) {
                return reject(e, DeadLetterReason.DEAD_LETTER_REASON_MISSING_EVALUATION_KEYS, ex.getMessage());
            } catch (IOException ex) {
                return reject(e, DeadLetterReason.DEAD_LETTER_REASON_MISSING_EVALUATION_KEYS,
                        "evaluation keys unreadable: " + ex.getMessage());
            }
            try {
                keys = engine.codec().evaluationKeysFromBytes(keyBytes);
            } catch (InvalidFheDataException ex) {
                return reject(e, DeadLetterReason.DEAD_LETTER_REASON_MISSING_EVALUATION_KEYS,
                        "evaluation keys " + p.getEvaluationKeys().getSha256() + " invalid: " + ex.getMessage());
            }
            keyCache.put(p.getEvaluationKeys().getSha256(), keys, memoryBytes(keys));
        }
        for (int step : program.rotationSteps()) {
            if (!keys.galois().has(context.galoisElementForRotation(step))) {
                return reject(e, DeadLetterReason.DEAD_LETTER_REASON_MISSING_EVALUATION_KEYS,
                        "no Galois key for rotation " + step);
            }
        }
        long t1 = System.nanoTime();

        List<Ciphertext> inputs = new ArrayList<>(p.getInputsCount());
        List<String> inputDigests = new ArrayList<>(p.getInputsCount());
        for (int i = 0; i < p.getInputsCount(); i++) {
            CiphertextPayload payload = p.getInputs(i);
            byte[] bytes;
            try {
                bytes = payload.hasBlob() ? blobs.get(payload.getBlob()) : payload.getInline().toByteArray();
            } catch (IOException ex) {
                return reject(e, DeadLetterReason.DEAD_LETTER_REASON_BAD_CIPHERTEXT, "input blob: " + ex.getMessage());
            }
            Ciphertext ct;
            try {
                ct = engine.codec().ciphertextFromBytes(bytes);
            } catch (InvalidFheDataException ex) {
                return reject(e, DeadLetterReason.DEAD_LETTER_REASON_BAD_CIPHERTEXT, "inputs[" + i + "]: " + ex.getMessage());
            }
            if (ct.level() != params.maxLevel() || ct.size() != 2) {
                return reject(e, DeadLetterReason.DEAD_LETTER_REASON_BAD_CIPHERTEXT, "inputs[" + i + "] at level " + ct.level()
                        + " with " + ct.size() + " polynomials; round inputs must be fresh (level "
                        + params.maxLevel() + ", 2 polynomials)");
            }
            inputs.add(ct);
            inputDigests.add(engine.digestHex(ct));
        }
        long t2 = System.nanoTime();

        List<Ciphertext> outputs = program.evaluate(p.getRound(), inputs, new Evaluator(context, keys));
        long t3 = System.nanoTime();

        EncryptedResponse.Builder response = EncryptedResponse.newBuilder()
                .setRequestId(p.getRequestId())
                .setSessionId(p.getSessionId())
                .setBrainId(p.getBrainId())
                .setModelHash(p.getModelHash())
                .setRound(p.getRound())
                .setTokenIndex(p.getTokenIndex())
                .setMinerId(settings.minerId());
        List<String> outputDigests = new ArrayList<>(outputs.size());
        for (Ciphertext ct : outputs) {
            FheCiphertext message = engine.codec().toProto(ct); // its sha256 is the canonical digest
            outputDigests.add(HexFormat.of().formatHex(message.getSha256().toByteArray()));
            response.addOutputs(CiphertextPayload.newBuilder().setInline(message.toByteString()));
        }
        long t4 = System.nanoTime();
        long now = System.currentTimeMillis();
        response.setCompletedUnixMs(now);

        WorkReceipt receipt = WorkReceipt.newBuilder()
                .setRequestId(p.getRequestId())
                .setSessionId(p.getSessionId())
                .setBrainId(p.getBrainId())
                .setMinerId(settings.minerId())
                .setModelHash(p.getModelHash())
                .setParameterHash(params.id())
                .setRound(p.getRound())
                .addAllInputSha256(inputDigests)
                .addAllOutputSha256(outputDigests)
                .setEvaluationKeysSha256(p.getEvaluationKeys().getSha256())
                .setBackend(backend.name())
                .setTimings(Timings.newBuilder()
                        .setQueuedUs(queuedUs)
                        .setLoadKeysUs((t1 - t0) / 1000)
                        .setDecodeUs((t2 - t1) / 1000)
                        .setEvaluateUs((t3 - t2) / 1000)
                        .setEncodeUs((t4 - t3) / 1000)
                        .setTotalUs((t4 - start) / 1000 + queuedUs))
                .setCompletedUnixMs(now)
                .build();
        metrics.answered(now - e.arrivalUnixMs, (t4 - start) / 1_000_000, inputs.size() + outputs.size());
        return InferenceOutcome.answered(new OutRecord(p.getSessionId(), response.build().toByteArray()),
                new OutRecord(p.getRequestId(), receipt.toByteArray()));
    }

    /**
     * What decoded keys hold in memory: b and the a expanded from the seed, as 8-byte residues. The
     * wire form (b + seed, 4-byte residues) is about 4x smaller, so the cache is bounded by this.
     */
    static long memoryBytes(EvaluationKeys keys) {
        long total = 0;
        if (keys.relinearization() != null) {
            total += memoryBytes(keys.relinearization().key());
        }
        for (int g : keys.galois().elements()) {
            total += memoryBytes(keys.galois().get(g));
        }
        return total;
    }

    private static long memoryBytes(ai.zkllm.fhe.ring.RnsPoly poly) {
        return 8L * poly.limbCount() * poly.n();
    }

    private static long memoryBytes(ai.zkllm.fhe.ckks.SwitchingKey key) {
        long total = 0;
        for (int j = 0; j < key.digitCount(); j++) {
            total += memoryBytes(key.b(j)) + memoryBytes(key.a(j));
        }
        return total;
    }

    private InferenceOutcome reject(PromptEnvelope e, DeadLetterReason reason, String detail) {
        if (metrics != null) {
            metrics.deadLettered();
        }
        return InferenceOutcome.rejected(DeadLetters.of(e, reason, detail));
    }
}
