package ai.zkllm.cli;

import ai.zkllm.cli.squeeze.SqueezeCommand;
import ai.zkllm.program.io.ArtifactException;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code zkllm} command line: one entry point, a subcommand per task. */
@Command(
        name = "zkllm",
        mixinStandardHelpOptions = true,
        version = "zkllm 0.1.0",
        description = "Private LLM inference over RNS-CKKS, streamed with Kafka and Flink.",
        subcommands = {DemoCommand.class, KeysCommand.class, ChatCommand.class, SqueezeCommand.class, BenchCommand.class,
                SettleCommand.class, SettleEpochCommand.class, SqlCommand.class, RegistryCommand.class, ValidateCommand.class})
public final class Zkllm implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line with its error policy: a refused input (IllegalArgumentException, such as
     * a parameter set below 128-bit security, or ArtifactException, a missing, corrupt or mismatched
     * model file, which names the file) is one line on stderr and exit code 2; anything else is a
     * bug and keeps its stack trace.
     */
    public static CommandLine commandLine() {
        return new CommandLine(new Zkllm()).setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof IllegalArgumentException || e instanceof ArtifactException) {
                cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + e.getMessage());
                return 2;
            }
            throw e;
        });
    }
}
