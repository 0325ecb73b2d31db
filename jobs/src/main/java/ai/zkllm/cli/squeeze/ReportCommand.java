package ai.zkllm.cli.squeeze;

import ai.zkllm.program.artifact.ArtifactStore;
import ai.zkllm.program.artifact.FheArtifact;
import ai.zkllm.program.io.AtomicFiles;
import ai.zkllm.program.model.Checkpoint;
import ai.zkllm.program.model.Gpt2Weights;
import ai.zkllm.program.tokenize.ByteTokenizer;
import ai.zkllm.squeeze.tool.FheReport;
import ai.zkllm.squeeze.train.Corpus;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code zkllm squeeze report}: fidelity of teacher, squeezed plaintext and squeezed under FHE. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Perplexity and top-1 agreement of teacher, squeezed plaintext and squeezed under FHE; "
                + "max logit error, levels, rounds, N, key sizes, seconds per token. Writes JSON and a PNG plot "
                + "of fidelity against weight bits and GELU degree.")
public final class ReportCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "artifact file, or a content hash with --store")
    String model;
    @Option(names = "--store", description = "artifact folder to load --model from by hash")
    Path store;
    @Option(names = "--text", required = true, description = "held-out text file (byte tokens)")
    Path text;
    @Option(names = "--teacher", description = "teacher checkpoint folder (config.json, model.safetensors): "
            + "teacher columns and the bits/degree sweep")
    Path teacher;
    @Option(names = "--fhe-positions", defaultValue = "2", description = "predictions run under FHE (default: ${DEFAULT-VALUE})")
    int fhePositions;
    @Option(names = "--fhe-context", defaultValue = "8", description = "context length T of each FHE prediction (default: ${DEFAULT-VALUE})")
    int fheContext;
    @Option(names = "--windows", defaultValue = "8", description = "held-out windows for the plaintext columns (default: ${DEFAULT-VALUE})")
    int windows;
    @Option(names = "--sweep-align-steps", defaultValue = "200", description = "alignment steps for each re-squeeze of "
            + "the bits/degree sweep; 0 = calibration only (default: ${DEFAULT-VALUE})")
    int sweepAlignSteps;
    @Option(names = "--train-text", paramLabel = "FILE", description = "the teacher's training text, which the sweep "
            + "calibrates and aligns on (default: the shipped corpus' training part)")
    Path trainText;
    @Option(names = "--out", defaultValue = "squeeze-report", description = "output prefix: PREFIX.json, PREFIX.png (default: ${DEFAULT-VALUE})")
    String out;

    @Override
    public Integer call() throws Exception {
        FheArtifact a;
        String hash;
        if (store != null) {
            hash = model;
            a = new ArtifactStore(store).load(hash);
        } else {
            Path f = Path.of(model);
            hash = AtomicFiles.sha256(f);
            a = FheArtifact.read(f, null);
        }
        if (!Files.isRegularFile(text)) {
            throw new IllegalArgumentException("text file " + text + " does not exist");
        }
        if (a.model().vocabularySize() != 256) {
            throw new IllegalArgumentException("report reads byte-level text; model vocabulary is "
                    + a.model().vocabularySize());
        }
        int[] tokens = ByteTokenizer.encodeBytes(Files.readAllBytes(text));
        Gpt2Weights tw = teacher == null ? null : Checkpoint.load(teacher);
        ObjectNode r = FheReport.run(a, hash, tw, tokens, new FheReport.Options(fhePositions, fheContext, windows,
                new int[] {4, 6, 8}, new int[] {7, 15}, sweepAlignSteps,
                trainText == null ? Corpus.shipped().train() : ByteTokenizer.encodeBytes(Files.readAllBytes(trainText))),
                System.out::println);
        Path json = Path.of(out + ".json");
        Path png = Path.of(out + ".png");
        FheReport.write(r, json, png);
        System.out.println(r.toPrettyString());
        System.out.println("wrote " + json + " and " + png);
        return 0;
    }
}
