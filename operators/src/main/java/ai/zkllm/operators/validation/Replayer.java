package ai.zkllm.operators.validation;

import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.EvaluationKeys;
import ai.zkllm.fhe.ckks.Evaluator;
import ai.zkllm.fhe.io.InvalidFheDataException;
import ai.zkllm.fhe.ring.RingBackends;
import ai.zkllm.program.FheEngines;
import ai.zkllm.program.FheProgram;
import ai.zkllm.program.ProgramRegistry;
import ai.zkllm.program.blob.BlobStore;
import ai.zkllm.schemas.v1.CiphertextPayload;
import ai.zkllm.schemas.v1.EncryptedPrompt;
import ai.zkllm.schemas.v1.EncryptedResponse;
import ai.zkllm.schemas.v1.WorkReceipt;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Bit-exact replay of one round, with public material only: the prompt as the client sent it (from
 * the prompts topic), the evaluation keys it references (blob store), the program (by model hash).
 * The validator re-runs {@code program.evaluate(round, inputs, evaluator)} and compares the
 * canonical digests ({@link ai.zkllm.fhe.io.CanonicalDigest}) of its outputs with
 * <ol>
 *   <li>the receipt's input digests against the prompt's inputs (the miner worked on what was sent),</li>
 *   <li>the receipt's output digests (what the miner claims), and</li>
 *   <li>the digests of the response actually delivered (a receipt could lie).</li>
 * </ol>
 * The engine is deterministic across backends (31-bit words), so any difference proves a wrong
 * answer without any secret key. Not thread-safe (one key set is cached).
 */
public final class Replayer implements Serializable {
    private static final long serialVersionUID = 1L;

    private final ProgramRegistry programs;
    private final BlobStore blobs;
    private final String backend;
    private transient String cachedKeysSha;
    private transient EvaluationKeys cachedKeys;

    public Replayer(ProgramRegistry programs, BlobStore blobs, String backend) {
        this.programs = programs;
        this.blobs = blobs;
        this.backend = backend;
    }

    /** A fresh replayer over the same program registry and blob store (one per worker thread). */
    public Replayer copy() {
        return new Replayer(programs, blobs, backend);
    }

    public ReplayVerdict replay(EncryptedPrompt prompt, EncryptedResponse response, WorkReceipt receipt) {
        String id = receipt.getRequestId();
        String miner = receipt.getMinerId();
        long at = receipt.getCompletedUnixMs();
        if (!prompt.getRequestId().equals(id) || !response.getRequestId().equals(id)) {
            throw new IllegalArgumentException("prompt, response and receipt of different requests: "
                    + prompt.getRequestId() + ", " + response.getRequestId() + ", " + id);
        }
        if (!response.getMinerId().equals(miner)) {
            return mismatch(receipt, "request " + id + ": response signed by miner " + response.getMinerId()
                    + " but receipt by " + miner);
        }
        Optional<FheProgram> found = programs.find(prompt.getModelHash());
        if (found.isEmpty()) {
            return new ReplayVerdict(id, receipt.getBrainId(), miner, at, ReplayVerdict.UNVERIFIABLE,
                    "request " + id + ": no program for model " + prompt.getModelHash());
        }
        FheProgram program = found.get();
        FheEngines.Engine engine = FheEngines.get(program.parameters(), RingBackends.named(backend));
        if (!receipt.getEvaluationKeysSha256().equals(prompt.getEvaluationKeys().getSha256())) {
            return mismatch(receipt, "request " + id + ": receipt names evaluation keys "
                    + shortHex(receipt.getEvaluationKeysSha256()) + " but the prompt "
                    + shortHex(prompt.getEvaluationKeys().getSha256()));
        }
        EvaluationKeys keys;
        List<Ciphertext> inputs = new ArrayList<>();
        try {
            keys = keys(prompt, engine);
            for (CiphertextPayload payload : prompt.getInputsList()) {
                inputs.add(engine.codec().ciphertextFromBytes(bytes(payload)));
            }
        } catch (IOException | InvalidFheDataException e) {
            return new ReplayVerdict(id, receipt.getBrainId(), miner, at, ReplayVerdict.UNVERIFIABLE,
                    "request " + id + ": cannot load the round's inputs: " + e.getMessage());
        }
        if (receipt.getInputSha256Count() != inputs.size()) {
            return mismatch(receipt, "request " + id + ": receipt lists " + receipt.getInputSha256Count()
                    + " inputs, the prompt has " + inputs.size());
        }
        for (int i = 0; i < inputs.size(); i++) {
            String sent = engine.digestHex(inputs.get(i));
            if (!sent.equals(receipt.getInputSha256(i))) {
                return mismatch(receipt, "request " + id + ": input[" + i + "] digest in receipt "
                        + shortHex(receipt.getInputSha256(i)) + " != prompt " + shortHex(sent));
            }
        }
        List<Ciphertext> outputs;
        try {
            outputs = program.evaluate(prompt.getRound(), inputs, new Evaluator(engine.context(), keys));
        } catch (RuntimeException e) {
            return new ReplayVerdict(id, receipt.getBrainId(), miner, at, ReplayVerdict.UNVERIFIABLE,
                    "request " + id + ": replay failed: " + e);
        }
        if (receipt.getOutputSha256Count() != outputs.size() || response.getOutputsCount() != outputs.size()) {
            return mismatch(receipt, "request " + id + ": " + outputs.size() + " outputs replayed, receipt lists "
                    + receipt.getOutputSha256Count() + ", response carries " + response.getOutputsCount());
        }
        for (int i = 0; i < outputs.size(); i++) {
            String replayed = engine.digestHex(outputs.get(i));
            String delivered;
            try {
                delivered = engine.digestHex(engine.codec().ciphertextFromBytes(bytes(response.getOutputs(i))));
            } catch (IOException | InvalidFheDataException e) {
                return mismatch(receipt, "request " + id + ": output[" + i + "] of the response is not a valid ciphertext: "
                        + e.getMessage());
            }
            String claimed = receipt.getOutputSha256(i);
            if (!replayed.equals(claimed) || !replayed.equals(delivered)) {
                return mismatch(receipt, "request " + id + ": output[" + i + "] replay " + shortHex(replayed)
                        + ", receipt " + shortHex(claimed) + ", response " + shortHex(delivered));
            }
        }
        return new ReplayVerdict(id, receipt.getBrainId(), miner, at, ReplayVerdict.OK,
                "request " + id + ": " + outputs.size() + " output digests agree");
    }

    private EvaluationKeys keys(EncryptedPrompt prompt, FheEngines.Engine engine) throws IOException {
        String sha = prompt.getEvaluationKeys().getSha256();
        if (!sha.equals(cachedKeysSha)) {
            cachedKeys = engine.codec().evaluationKeysFromBytes(blobs.get(prompt.getEvaluationKeys()));
            cachedKeysSha = sha;
        }
        return cachedKeys;
    }

    private byte[] bytes(CiphertextPayload payload) throws IOException {
        return payload.hasBlob() ? blobs.get(payload.getBlob()) : payload.getInline().toByteArray();
    }

    private static ReplayVerdict mismatch(WorkReceipt r, String reason) {
        return new ReplayVerdict(r.getRequestId(), r.getBrainId(), r.getMinerId(), r.getCompletedUnixMs(),
                ReplayVerdict.MISMATCH, reason);
    }

    /** The first 16 hex digits: enough to tell digests apart in a reason, short enough to read. */
    static String shortHex(String hex) {
        return hex == null || hex.isEmpty() ? "(none)" : hex.length() > 16 ? hex.substring(0, 16) : hex;
    }
}
