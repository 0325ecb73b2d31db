package ai.zkllm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code zkllm} command line: one entry point, a subcommand per task. */
@Command(
        name = "zkllm",
        mixinStandardHelpOptions = true,
        version = "zkllm 0.1.0",
        description = "Private LLM inference over RNS-CKKS, streamed with Kafka and Flink.",
        subcommands = {SettleCommand.class, ai.zkllm.cli.squeeze.SqueezeCommand.class})
public final class Zkllm implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Zkllm()).execute(args));
    }
}
