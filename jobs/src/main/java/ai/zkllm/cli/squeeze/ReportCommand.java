package ai.zkllm.cli.squeeze;

import ai.zkllm.squeeze.model.Gpt2Weights;
import ai.zkllm.squeeze.squeeze.SqueezedModelIO;
import ai.zkllm.squeeze.tool.Fidelity;
import ai.zkllm.squeeze.tool.SqueezeTool;
import ai.zkllm.squeeze.train.Corpus;
import java.util.concurrent.Callable;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code zkllm squeeze report}: plaintext fidelity of a squeezed model against its teacher. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Perplexity and top-1 agreement of teacher vs squeezed plaintext on the held-out text.")
public final class ReportCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR") Path model;
    @Option(names = "--squeezed", required = true, paramLabel = "DIR") Path squeezed;
    @Option(names = "--windows", defaultValue = "100") int windows;

    @Override
    public Integer call() throws Exception {
        Gpt2Weights w = SqueezeTool.importCheckpoint(model);
        Fidelity f = SqueezeTool.report(w, SqueezedModelIO.load(squeezed),
                Corpus.windows(Corpus.shipped().heldOut(), w.config.nPositions() + 1, windows));
        System.out.println(f);
        return 0;
    }
}
