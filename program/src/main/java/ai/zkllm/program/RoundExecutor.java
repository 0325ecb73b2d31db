package ai.zkllm.program;

import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.CkksContext;
import ai.zkllm.fhe.ckks.EvaluationKeys;
import ai.zkllm.fhe.ckks.Evaluator;
import ai.zkllm.fhe.ckks.Parameters;
import ai.zkllm.fhe.io.InvalidFheDataException;
import ai.zkllm.fhe.ring.RingBackend;
import ai.zkllm.program.RoundOutcome.Answered;
import ai.zkllm.program.RoundOutcome.Refused;
import ai.zkllm.program.RoundOutcome.Timings;
import ai.zkllm.program.blob.BlobStore;
import ai.zkllm.schemas.v1.CiphertextPayload;
import ai.zkllm.schemas.v1.DeadLetterReason;
import ai.zkllm.schemas.v1.EncryptedPrompt;
import ai.zkllm.schemas.v1.FheCiphertext;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One round of one prompt (or of a batch, {@link #executeBatch}), the same way for the miner that answers it and the validator that
 * replays it: evaluation keys by content hash (cache, else blob store) → decode every input and
 * check it against the program's contract → evaluate → encode the outputs compactly (only the client
 * decrypts them) with their canonical digests. Bit-exact replay is the network's proof of work, so every check a round makes lives
 * here once; whatever fails one is {@link Refused} with the dead-letter reason and a detail.
 *
 * <p>The checks: a program for the model hash, a round it has and as many inputs as that round takes; keys no larger than the
 * program's key set can be, fetched only then, holding no Galois key the program does not use
 * (checked before any key is decoded) and holding its relinearization key and every rotation it
 * names; inputs that decode (the codec checks every field of untrusted bytes) and are fresh, that
 * is, 2-polynomial ciphertexts at the round's input level and the parameter set's scale, as a client
 * encrypts them. Thread-safe when the key cache is.
 */
public final class RoundExecutor {
    private final ProgramRegistry programs;
    private final BlobStore blobs;
    private final RingBackend backend;
    private final EvaluationKeyCache keyCache;

    public RoundExecutor(ProgramRegistry programs, BlobStore blobs, RingBackend backend, EvaluationKeyCache keyCache) {
        this.programs = programs;
        this.blobs = blobs;
        this.backend = backend;
        this.keyCache = keyCache;
    }

    public RingBackend backend() {
        return backend;
    }

    /** The engine (context, codec, digests) of a program's parameters on this executor's backend. */
    public FheEngines.Engine engine(FheProgram program) {
        return FheEngines.get(program.parameters(), backend);
    }

    public Optional<FheProgram> program(String modelHash) {
        return programs.find(modelHash);
    }

    public RoundOutcome execute(EncryptedPrompt prompt) {
        return executeBatch(List.of(prompt)).get(0);
    }

    /**
     * Several prompts at once, each checked on its own (a refusal is that prompt's alone); the
     * prompts of one program and round are evaluated as one batch ({@link FheProgram#evaluateBatch}:
     * the same bytes as one by one, with the work the program can share done once). Outcomes in the
     * prompts' order; an answered prompt's evaluateUs is its batch's.
     */
    public List<RoundOutcome> executeBatch(List<EncryptedPrompt> prompts) {
        RoundOutcome[] outcomes = new RoundOutcome[prompts.size()];
        Map<BatchKey, List<Prepared>> batches = new LinkedHashMap<>();
        for (int i = 0; i < prompts.size(); i++) {
            Checked checked = prepare(i, prompts.get(i));
            if (checked.refused() != null) {
                outcomes[i] = checked.refused();
            } else {
                Prepared p = checked.prepared();
                batches.computeIfAbsent(new BatchKey(p.program(), prompts.get(i).getRound()), k -> new ArrayList<>()).add(p);
            }
        }
        for (Map.Entry<BatchKey, List<Prepared>> batch : batches.entrySet()) {
            List<Prepared> members = batch.getValue();
            long t2 = System.nanoTime();
            List<List<Ciphertext>> outputs = batch.getKey().program().evaluateBatch(batch.getKey().round(),
                    members.stream().map(Prepared::inputs).toList(), members.stream().map(Prepared::evaluator).toList());
            long evaluateUs = (System.nanoTime() - t2) / 1000;
            for (int m = 0; m < members.size(); m++) {
                outcomes[members.get(m).index()] = answer(members.get(m), outputs.get(m), evaluateUs);
            }
        }
        return List.of(outcomes);
    }

    private static Answered answer(Prepared p, List<Ciphertext> outputs, long evaluateUs) {
        long t3 = System.nanoTime();
        List<FheCiphertext> encoded = new ArrayList<>(outputs.size());
        List<String> outputDigests = new ArrayList<>(outputs.size());
        for (Ciphertext ct : outputs) {
            FheCiphertext message = p.engine().codec().toCompactProto(ct); // sha256: the canonical digest of what is sent
            encoded.add(message);
            outputDigests.add(HexFormat.of().formatHex(message.getSha256().toByteArray()));
        }
        long t4 = System.nanoTime();
        return new Answered(p.program(), p.inputDigests(), encoded, outputDigests,
                new Timings(p.loadKeysUs(), p.decodeUs(), evaluateUs, (t4 - t3) / 1000));
    }

    /** The checks, the keys and the inputs of one prompt, ready to evaluate; or why it is refused. */
    private Checked prepare(int index, EncryptedPrompt prompt) {
        Optional<FheProgram> found = programs.find(prompt.getModelHash());
        if (found.isEmpty()) {
            return Checked.refused(Refused.unavailable(DeadLetterReason.DEAD_LETTER_REASON_UNKNOWN_MODEL, "no program for " + prompt.getModelHash()));
        }
        FheProgram program = found.get();
        if (prompt.getRound() < 0 || prompt.getRound() >= program.rounds()) {
            return Checked.refused(Refused.breach(DeadLetterReason.DEAD_LETTER_REASON_INVALID, "round " + prompt.getRound()
                    + " outside [0, " + program.rounds() + ") of program " + program.modelHash()));
        }
        if (!program.acceptsInputCount(prompt.getRound(), prompt.getInputsCount())) {
            return Checked.refused(Refused.breach(DeadLetterReason.DEAD_LETTER_REASON_INVALID, "round " + prompt.getRound() + " of program "
                    + program.modelHash() + " does not take " + prompt.getInputsCount() + " input ciphertexts"));
        }
        FheEngines.Engine engine = engine(program);
        CkksContext context = engine.context();
        Parameters params = program.parameters();

        long t0 = System.nanoTime();
        String keysSha = prompt.getEvaluationKeys().getSha256();
        EvaluationKeys keys = keyCache.get(keysSha);
        if (keys == null) {
            Set<Integer> rotations = ProgramKeys.galoisElements(program, context);
            long bound = engine.codec().evaluationKeysBytesBound(rotations.size());
            if (prompt.getEvaluationKeys().getSizeBytes() > bound) {
                return Checked.refused(Refused.breach(DeadLetterReason.DEAD_LETTER_REASON_OVERSIZED, "evaluation keys of "
                        + prompt.getEvaluationKeys().getSizeBytes() + " bytes, over the bound of " + bound
                        + " for this program's relinearization key and " + rotations.size() + " rotations"));
            }
            byte[] keyBytes;
            try {
                keyBytes = blobs.get(prompt.getEvaluationKeys());
            } catch (FileNotFoundException e) {
                return Checked.refused(Refused.unavailable(DeadLetterReason.DEAD_LETTER_REASON_MISSING_EVALUATION_KEYS, e.getMessage()));
            } catch (IOException e) {
                return Checked.refused(Refused.unavailable(DeadLetterReason.DEAD_LETTER_REASON_MISSING_EVALUATION_KEYS,
                        "evaluation keys unreadable: " + e.getMessage()));
            }
            try {
                keys = engine.codec().evaluationKeysFromBytes(keyBytes, rotations);
            } catch (InvalidFheDataException e) {
                return Checked.refused(Refused.breach(DeadLetterReason.DEAD_LETTER_REASON_MISSING_EVALUATION_KEYS,
                        "evaluation keys " + keysSha + " invalid: " + e.getMessage()));
            }
            keyCache.put(keysSha, keys, EvaluationKeyCache.memoryBytes(keys));
        }
        Optional<String> missing = ProgramKeys.missing(keys, program, context);
        if (missing.isPresent()) {
            return Checked.refused(Refused.breach(DeadLetterReason.DEAD_LETTER_REASON_MISSING_EVALUATION_KEYS, missing.get()));
        }
        long t1 = System.nanoTime();

        int inputLevel = program.inputLevel(prompt.getRound());
        List<Ciphertext> inputs = new ArrayList<>(prompt.getInputsCount());
        List<String> inputDigests = new ArrayList<>(prompt.getInputsCount());
        for (int i = 0; i < prompt.getInputsCount(); i++) {
            CiphertextPayload payload = prompt.getInputs(i);
            Ciphertext ct;
            try {
                byte[] bytes = payload.hasBlob() ? blobs.get(payload.getBlob()) : payload.getInline().toByteArray();
                ct = engine.codec().ciphertextFromBytes(bytes);
            } catch (InvalidFheDataException e) {
                return Checked.refused(Refused.breach(DeadLetterReason.DEAD_LETTER_REASON_BAD_CIPHERTEXT, "inputs[" + i + "]: " + e.getMessage()));
            } catch (IOException e) {
                return Checked.refused(Refused.unavailable(DeadLetterReason.DEAD_LETTER_REASON_BAD_CIPHERTEXT, "input blob: " + e.getMessage()));
            }
            if (ct.level() != inputLevel || ct.size() != 2 || ct.scale() != params.scale()) {
                return Checked.refused(Refused.breach(DeadLetterReason.DEAD_LETTER_REASON_BAD_CIPHERTEXT, "inputs[" + i + "] at level "
                        + ct.level() + ", scale " + ct.scale() + ", with " + ct.size() + " polynomials; round "
                        + prompt.getRound() + " takes fresh inputs (level " + inputLevel + ", scale " + params.scale()
                        + ", 2 polynomials)"));
            }
            inputs.add(ct);
            inputDigests.add(engine.digestHex(ct));
        }
        long t2 = System.nanoTime();
        return Checked.ready(new Prepared(index, program, engine, new Evaluator(context, keys), inputs, inputDigests,
                (t1 - t0) / 1000, (t2 - t1) / 1000));
    }

    /** The prompts evaluated together: those of one program and round. */
    private record BatchKey(FheProgram program, int round) {
    }

    /** A prompt that passed every check: its program, the evaluator of its keys, its decoded inputs. */
    private record Prepared(int index, FheProgram program, FheEngines.Engine engine, Evaluator evaluator,
                            List<Ciphertext> inputs, List<String> inputDigests, long loadKeysUs, long decodeUs) {
    }

    /** Either a refusal or a prepared prompt. */
    private record Checked(Refused refused, Prepared prepared) {
        static Checked refused(Refused r) {
            return new Checked(r, null);
        }

        static Checked ready(Prepared p) {
            return new Checked(null, p);
        }
    }
}
