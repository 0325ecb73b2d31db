package ai.zkllm.cli.squeeze;

import ai.zkllm.program.model.Gpt2Weights;
import ai.zkllm.program.tokenize.TextTokenizer;
import ai.zkllm.squeeze.tool.SqueezeTool;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code zkllm squeeze import}: loads and checks a GPT-2 checkpoint folder. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Check a Hugging Face GPT-2 folder (config.json, model.safetensors, optional tokenizer.json).")
public final class ImportCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Checkpoint folder.")
    Path model;

    @Option(names = "--text", description = "Optional text to tokenize as a check.")
    String text;

    @Override
    public Integer call() throws Exception {
        Gpt2Weights w = SqueezeTool.importCheckpoint(model);
        System.out.printf("GPT-2: %d layers, %d heads, d=%d, context %d, vocab %d, %d parameters%n",
                w.config.nLayer(), w.config.nHead(), w.config.nEmbd(), w.config.nPositions(), w.config.vocabSize(),
                w.parameterCount());
        if (text != null) {
            TextTokenizer t = SqueezeTool.tokenizer(model, w.config);
            System.out.println("tokens: " + java.util.Arrays.toString(t.encode(text)));
        }
        return 0;
    }
}
