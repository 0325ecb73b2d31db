package ai.zkllm.cli.squeeze;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code zkllm squeeze}: Cerberus Squeezing of a GPT-2 model . */
@Command(
        name = "squeeze",
        mixinStandardHelpOptions = true,
        description = "Train the reference model, import a GPT-2 checkpoint, calibrate, squeeze and align it, compile it to an FHE artifact, report fidelity, measure what each squeezed site costs.",
        subcommands = {TrainCommand.class, ImportCommand.class, CalibrateCommand.class, SqueezeModelCommand.class,
            CompileCommand.class, ReportCommand.class, AblateCommand.class})
public final class SqueezeCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
