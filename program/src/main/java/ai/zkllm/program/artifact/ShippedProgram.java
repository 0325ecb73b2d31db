package ai.zkllm.program.artifact;

import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.Evaluator;
import ai.zkllm.fhe.ckks.Parameters;
import ai.zkllm.program.FheProgram;
import ai.zkllm.program.TokenDecoder;
import ai.zkllm.program.plan.SqueezedFheProgram;
import ai.zkllm.program.tokenize.ByteTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A shipped squeezed model as an FHE program; its subclasses are the no-arg providers of
 * {@code META-INF/services/ai.zkllm.program.FheProgram}. The model hash is the SHA-256 of the shipped artifact;
 * the artifact is read (and its hash checked) on first use, so listing installed programs stays cheap.
 */
public abstract class ShippedProgram implements FheProgram {
    private static final ByteTokenizer TOKENIZER = new ByteTokenizer();
    /**
     * One compiled program per artifact and class loader, shared by every subtask. It keeps the weights' encoded
     * diagonals once a level has run them (a miner's hot path: about 430 MB for the English model, and half its
     * token time); a client, which never evaluates, encodes none.
     */
    private static final Map<ShippedArtifact, SqueezedFheProgram> COMPILED = new ConcurrentHashMap<>();

    private final ShippedArtifact artifact;
    private final String hash;

    protected ShippedProgram(ShippedArtifact artifact) {
        this.artifact = artifact;
        this.hash = artifact.hash();
    }

    /** The compiled program of a shipped artifact. */
    public static SqueezedFheProgram program(ShippedArtifact artifact) {
        return COMPILED.computeIfAbsent(artifact, a -> {
            try {
                return a.load().program(a.hash(), true);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** This provider's compiled program (its squeezed model is the plaintext reference validators grade with). */
    public SqueezedFheProgram compiled() {
        return program(artifact);
    }

    @Override public String modelHash() { return hash; }
    @Override public Parameters parameters() { return compiled().parameters(); }
    @Override public int[] rotationSteps() { return compiled().rotationSteps(); }
    @Override public int rounds() { return compiled().rounds(); }
    @Override public int maxContext() { return compiled().maxContext(); }
    @Override public int vocabularySize() { return compiled().vocabularySize(); }
    @Override public int inputLevel(int round) { return compiled().inputLevel(round); }
    @Override public TokenDecoder newDecoder() { return compiled().newDecoder(); }

    @Override
    public boolean acceptsInputCount(int round, int count) {
        return compiled().acceptsInputCount(round, count);
    }

    @Override
    public List<Ciphertext> evaluate(int round, List<Ciphertext> inputs, Evaluator evaluator) {
        return compiled().evaluate(round, inputs, evaluator);
    }

    @Override
    public List<List<Ciphertext>> evaluateBatch(int round, List<List<Ciphertext>> inputs, List<Evaluator> evaluators) {
        return compiled().evaluateBatch(round, inputs, evaluators);
    }

    /** UTF-8 bytes. */
    @Override public int[] encodeText(String text) { return TOKENIZER.encode(text); }

    /** UTF-8 bytes to text (a multi-byte character split across pieces prints as replacement characters). */
    @Override public String decodeTokens(int[] tokens) { return TOKENIZER.decode(tokens); }
}
