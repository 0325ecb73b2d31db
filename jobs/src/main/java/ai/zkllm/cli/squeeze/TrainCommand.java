package ai.zkllm.cli.squeeze;

import ai.zkllm.squeeze.tool.SqueezeTool;
import ai.zkllm.squeeze.train.Trainer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code zkllm squeeze train}: retrains the reference model (seeded, reproducible). */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the reference byte-level GPT-2 on the shipped corpus (seeded) and save it as a HF checkpoint folder.")
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Checkpoint folder to write.")
    Path out;

    @Option(names = "--steps", defaultValue = "0", description = "Training steps (0: the shipped recipe).")
    int steps;

    @Override
    public Integer call() throws Exception {
        Trainer.Result r = SqueezeTool.train(out, steps, System.err::println);
        System.out.printf("trained %d steps in %.1f s, final loss %.4f -> %s%n", r.losses().length, r.seconds(),
                r.losses()[r.losses().length - 1], out);
        return 0;
    }
}
