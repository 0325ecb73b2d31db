package ai.zkllm.squeeze.tokenize;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.zkllm.program.io.ArtifactException;
import ai.zkllm.program.tokenize.TextTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A Hugging Face {@code tokenizer.json} (e.g. gpt2's byte-level BPE) through DJL's tokenizers binding. */
public final class HfTokenizer implements TextTokenizer, AutoCloseable {
    private final HuggingFaceTokenizer tok;
    private final int vocab;

    private HfTokenizer(HuggingFaceTokenizer tok, int vocab) {
        this.tok = tok;
        this.vocab = vocab;
    }

    public static HfTokenizer load(Path tokenizerJson, int vocabSize) throws IOException {
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new ArtifactException("missing file " + tokenizerJson);
        }
        System.setProperty("ai.djl.offline", "true");
        try {
            HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(tokenizerJson,
                    Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false"));
            return new HfTokenizer(t, vocabSize);
        } catch (RuntimeException | IOException e) {
            throw new ArtifactException("cannot load tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    @Override
    public int[] encode(String text) {
        Encoding e = tok.encode(text, false, false);
        long[] ids = e.getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    @Override
    public String decode(int[] ids) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            l[i] = ids[i];
        }
        return tok.decode(l, false);
    }

    @Override
    public int vocabularySize() {
        return vocab;
    }

    @Override
    public void close() {
        tok.close();
    }
}
