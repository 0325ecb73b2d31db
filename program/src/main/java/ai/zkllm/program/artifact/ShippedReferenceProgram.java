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

/**
 * The shipped squeezed reference model (byte-level GPT-2, 2 layers, d = 64) as an FHE program: a
 * no-arg provider for {@code META-INF/services/ai.zkllm.program.FheProgram}. Its model hash
 * is the SHA-256 of the shipped artifact ({@link ShippedArtifact}); the artifact is read (and its
 * hash checked) on first use, so listing installed programs stays cheap.
 */
public final class ShippedReferenceProgram implements FheProgram {
    private static final ByteTokenizer TOKENIZER = new ByteTokenizer();
    private static volatile SqueezedFheProgram shared;
    private final String hash = ShippedArtifact.hash();

    /** The compiled program (one per class loader: plaintext encodings are per call, so sharing is safe). */
    public static SqueezedFheProgram program() {
        SqueezedFheProgram p = shared;
        if (p == null) {
            synchronized (ShippedReferenceProgram.class) {
                if (shared == null) {
                    try {
                        shared = ShippedArtifact.load().program(ShippedArtifact.hash(), false);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                p = shared;
            }
        }
        return p;
    }

    @Override public String modelHash() { return hash; }
    @Override public Parameters parameters() { return program().parameters(); }
    @Override public int[] rotationSteps() { return program().rotationSteps(); }
    @Override public int rounds() { return program().rounds(); }
    @Override public int maxContext() { return program().maxContext(); }
    @Override public int vocabularySize() { return program().vocabularySize(); }
    @Override public int inputLevel(int round) { return program().inputLevel(round); }
    @Override public TokenDecoder newDecoder() { return program().newDecoder(); }

    @Override
    public boolean acceptsInputCount(int round, int count) {
        return program().acceptsInputCount(round, count);
    }

    @Override
    public List<Ciphertext> evaluate(int round, List<Ciphertext> inputs, Evaluator evaluator) {
        return program().evaluate(round, inputs, evaluator);
    }

    /** UTF-8 bytes. */
    @Override public int[] encodeText(String text) { return TOKENIZER.encode(text); }

    /** UTF-8 bytes to text (a multi-byte character split across pieces prints as replacement characters). */
    @Override public String decodeTokens(int[] tokens) { return TOKENIZER.decode(tokens); }
}
