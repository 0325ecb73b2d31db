package ai.zkllm.squeeze;

import ai.zkllm.program.artifact.ShippedArtifact;
import ai.zkllm.program.io.TempDirs;
import ai.zkllm.program.model.Gpt2Weights;
import ai.zkllm.program.squeezed.SqueezedModel;
import ai.zkllm.program.squeezed.SqueezedModelIO;
import ai.zkllm.squeeze.tool.SqueezeTool;
import ai.zkllm.squeeze.train.Corpus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The shipped artifacts, loaded once per test JVM through the importer (never retrained). */
final class Shipped {
    private static Gpt2Weights reference;
    private static Gpt2Weights english;
    private static SqueezedModel squeezed;
    private static Corpus corpus;

    private Shipped() {}

    static synchronized Gpt2Weights reference() {
        if (reference == null) {
            try {
                Path d = TempDirs.create("zkllm-ref");
                reference = SqueezeTool.importCheckpoint(SqueezeTool.shippedReference(d.resolve("bytegpt2")));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return reference;
    }

    static synchronized Gpt2Weights english() {
        if (english == null) {
            try {
                Path d = TempDirs.create("zkllm-english");
                english = SqueezeTool.importCheckpoint(SqueezeTool.shippedEnglish(d.resolve("austen-gpt2")));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return english;
    }

    static synchronized SqueezedModel squeezed() {
        if (squeezed == null) {
            try {
                Path d = TempDirs.create("zkllm-sq");
                squeezed = SqueezedModelIO.load(SqueezeTool.shippedSqueezed(ShippedArtifact.REFERENCE, d.resolve("sq")));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return squeezed;
    }

    static synchronized Corpus corpus() {
        if (corpus == null) {
            try {
                corpus = Corpus.shipped();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return corpus;
    }
}
