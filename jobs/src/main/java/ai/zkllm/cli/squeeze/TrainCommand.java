package ai.zkllm.cli.squeeze;

import ai.zkllm.squeeze.tool.SqueezeTool;
import ai.zkllm.squeeze.tool.TrainingRecipe;
import ai.zkllm.squeeze.train.Trainer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code zkllm squeeze train}: retrains a reference model (seeded, reproducible). */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a reference byte-level GPT-2 on its shipped corpus (seeded) and save it as a HF checkpoint folder.")
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Checkpoint folder to write.")
    Path out;

    @Option(names = "--recipe", defaultValue = "SMALL",
            description = "SMALL: 2 layers, d = 64, the Jargon File (bytegpt2, ~4 min); ENGLISH: 4 layers, d = 128,"
                    + " context 128, Jane Austen (austen-gpt2, ~45 min on one thread). Default: ${DEFAULT-VALUE}.")
    TrainingRecipe recipe;

    @Option(names = "--steps", defaultValue = "0", description = "Training steps (0: the recipe's).")
    int steps;

    @Option(names = "--checkpoint-every", defaultValue = "0", paramLabel = "STEPS",
            description = "Also save the weights to --out every STEPS steps, so an interrupted run leaves a model (0: only at the end).")
    int checkpointEvery;

    @Override
    public Integer call() throws Exception {
        Trainer.Result r = SqueezeTool.train(recipe, out, steps, checkpointEvery, System.err::println);
        System.out.printf("trained %d steps in %.1f s, final loss %.4f -> %s%n", r.losses().length, r.seconds(),
                r.losses()[r.losses().length - 1], out);
        return 0;
    }
}
