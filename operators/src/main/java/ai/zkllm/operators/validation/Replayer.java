package ai.zkllm.operators.validation;

import ai.zkllm.fhe.io.InvalidFheDataException;
import ai.zkllm.fhe.ring.RingBackends;
import ai.zkllm.program.EvaluationKeyCache;
import ai.zkllm.program.FheEngines;
import ai.zkllm.program.ProgramRegistry;
import ai.zkllm.program.RoundExecutor;
import ai.zkllm.program.RoundOutcome;
import ai.zkllm.program.blob.BlobStore;
import ai.zkllm.schemas.v1.CiphertextPayload;
import ai.zkllm.schemas.v1.EncryptedPrompt;
import ai.zkllm.schemas.v1.EncryptedResponse;
import ai.zkllm.schemas.v1.WorkReceipt;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;

/**
 * Bit-exact replay of one round, with public material only: the prompt as the client sent it (from
 * the prompts topic), the evaluation keys it references (blob store), the program (by model hash).
 * The validator runs the round with the same {@link RoundExecutor} the miner runs (same checks, same
 * evaluation, same canonical digests) and compares
 * <ol>
 *   <li>the receipt's input digests against the prompt's inputs (the miner worked on what was sent),</li>
 *   <li>the receipt's output digests (what the miner claims), and</li>
 *   <li>the digests of the response actually delivered (a receipt could lie).</li>
 * </ol>
 * The engine is deterministic across backends (31-bit words), so any difference proves a wrong
 * answer without any secret key. A round the executor refuses for the prompt's own fault should
 * never have been answered: MISMATCH; one whose program or blobs this node cannot get cannot be
 * judged: UNVERIFIABLE. Not thread-safe (one key set is cached): one {@link #copy()} per thread.
 */
public final class Replayer implements Serializable {
    private static final long serialVersionUID = 1L;
    /** One key set at a time: replays are sampled across sessions, so a larger cache rarely hits. */
    private static final int CACHED_KEY_SETS = 1;

    private final ProgramRegistry programs;
    private final BlobStore blobs;
    private final String backend;
    private transient RoundExecutor executor;

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
        if (!prompt.getRequestId().equals(id) || !response.getRequestId().equals(id)) {
            throw new IllegalArgumentException("prompt, response and receipt of different requests: "
                    + prompt.getRequestId() + ", " + response.getRequestId() + ", " + id);
        }
        if (!response.getMinerId().equals(miner)) {
            return mismatch(receipt, "request " + id + ": response signed by miner " + response.getMinerId()
                    + " but receipt by " + miner);
        }
        if (!receipt.getEvaluationKeysSha256().equals(prompt.getEvaluationKeys().getSha256())) {
            return mismatch(receipt, "request " + id + ": receipt names evaluation keys "
                    + shortHex(receipt.getEvaluationKeysSha256()) + " but the prompt "
                    + shortHex(prompt.getEvaluationKeys().getSha256()));
        }
        RoundOutcome outcome;
        try {
            outcome = executor().execute(prompt);
        } catch (RuntimeException e) {
            return unverifiable(receipt, "request " + id + ": replay failed: " + e);
        }
        if (outcome instanceof RoundOutcome.Refused refused) {
            String why = refused.reason() + " (" + refused.detail() + ")";
            return refused.breaksContract()
                    ? mismatch(receipt, "request " + id + ": answered a round that breaks the program's contract: " + why)
                    : unverifiable(receipt, "request " + id + ": cannot replay the round: " + why);
        }
        RoundOutcome.Answered replayed = (RoundOutcome.Answered) outcome;
        List<String> inputs = replayed.inputDigests();
        if (receipt.getInputSha256Count() != inputs.size()) {
            return mismatch(receipt, "request " + id + ": receipt lists " + receipt.getInputSha256Count()
                    + " inputs, the prompt has " + inputs.size());
        }
        for (int i = 0; i < inputs.size(); i++) {
            if (!inputs.get(i).equals(receipt.getInputSha256(i))) {
                return mismatch(receipt, "request " + id + ": input[" + i + "] digest in receipt "
                        + shortHex(receipt.getInputSha256(i)) + " != prompt " + shortHex(inputs.get(i)));
            }
        }
        List<String> outputs = replayed.outputDigests();
        if (receipt.getOutputSha256Count() != outputs.size() || response.getOutputsCount() != outputs.size()) {
            return mismatch(receipt, "request " + id + ": " + outputs.size() + " outputs replayed, receipt lists "
                    + receipt.getOutputSha256Count() + ", response carries " + response.getOutputsCount());
        }
        FheEngines.Engine engine = executor().engine(replayed.program());
        for (int i = 0; i < outputs.size(); i++) {
            String delivered;
            try {
                CiphertextPayload payload = response.getOutputs(i);
                byte[] bytes = payload.hasBlob() ? blobs.get(payload.getBlob()) : payload.getInline().toByteArray();
                delivered = engine.digestHex(engine.codec().ciphertextFromBytes(bytes));
            } catch (IOException | InvalidFheDataException e) {
                return mismatch(receipt, "request " + id + ": output[" + i + "] of the response is not a valid ciphertext: "
                        + e.getMessage());
            }
            String claimed = receipt.getOutputSha256(i);
            if (!outputs.get(i).equals(claimed) || !outputs.get(i).equals(delivered)) {
                return mismatch(receipt, "request " + id + ": output[" + i + "] replay " + shortHex(outputs.get(i))
                        + ", receipt " + shortHex(claimed) + ", response " + shortHex(delivered));
            }
        }
        return new ReplayVerdict(id, receipt.getBrainId(), miner, receipt.getCompletedUnixMs(), ReplayVerdict.OK,
                "request " + id + ": " + outputs.size() + " output digests agree");
    }

    private RoundExecutor executor() {
        if (executor == null) {
            executor = new RoundExecutor(programs, blobs, RingBackends.named(backend),
                    new EvaluationKeyCache(Long.MAX_VALUE, CACHED_KEY_SETS, Long.MAX_VALUE, System::currentTimeMillis));
        }
        return executor;
    }

    private static ReplayVerdict mismatch(WorkReceipt r, String reason) {
        return new ReplayVerdict(r.getRequestId(), r.getBrainId(), r.getMinerId(), r.getCompletedUnixMs(),
                ReplayVerdict.MISMATCH, reason);
    }

    private static ReplayVerdict unverifiable(WorkReceipt r, String reason) {
        return new ReplayVerdict(r.getRequestId(), r.getBrainId(), r.getMinerId(), r.getCompletedUnixMs(),
                ReplayVerdict.UNVERIFIABLE, reason);
    }

    /** The first 16 hex digits: enough to tell digests apart in a reason, short enough to read. */
    static String shortHex(String hex) {
        return hex == null || hex.isEmpty() ? "(none)" : hex.length() > 16 ? hex.substring(0, 16) : hex;
    }
}
