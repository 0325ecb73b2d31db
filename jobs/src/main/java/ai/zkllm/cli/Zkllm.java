package ai.zkllm.cli;

import ai.zkllm.cli.squeeze.SqueezeCommand;
import ai.zkllm.program.io.ArtifactException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine;

/** The {@code zkllm} command line: one entry point, a subcommand per task. */
@Command(
        name = "zkllm",
        mixinStandardHelpOptions = true,
        version = "zkllm 0.1.0",
        description = "Private LLM inference over RNS-CKKS, streamed with Kafka and Flink.",
        subcommands = {DemoCommand.class, KeysCommand.class, ChatCommand.class, ModelsCommand.class,
                SqueezeCommand.class, BenchCommand.class, SettleCommand.class, SettleEpochCommand.class,
                SqlCommand.class, RegistryCommand.class, ValidateCommand.class, UpCommand.class, StatusCommand.class,
                DownCommand.class})
public final class Zkllm implements Runnable {
    /** Exit code of a refused input: the user can fix it. */
    static final int USAGE = 2;
    /** Exit code of a bug. */
    static final int INTERNAL = 1;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Print the stack trace of an error (for bug reports), and Flink's, Kafka's and zkllm's logs on stderr.")
    private boolean verbose;

    @Option(names = "--log-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Append Flink's, Kafka's and zkllm's logs (INFO) to FILE.")
    private Path logFile;

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
     * The command line with its error policy. A refused input is one line on stderr,
     * "zkllm COMMAND: what is wrong; what to do", and exit code 2: a {@link UsageException}, a bad
     * flag (picocli's ParameterException, including a value a converter refused), an
     * IllegalArgumentException (such as a parameter set below 128-bit security), an
     * ArtifactException (a missing, corrupt or mismatched model file, which names the file) or a
     * missing file. Anything else is a bug: one line and exit code 1, the stack trace with --verbose.
     */
    public static CommandLine commandLine() {
        return commandLine(LocalNetwork.defaultStateDir());
    }

    /**
     * {@link #commandLine()} with the local network of {@code stateDir} as the default one: its
     * {@code --state-dir} and, while a network is up there, the broker, warehouse, blob store and
     * prompts topic every command uses unless given ({@link LocalNetwork#defaults}).
     */
    public static CommandLine commandLine(java.nio.file.Path stateDir) {
        Zkllm root = new Zkllm();
        CommandLine cli = new CommandLine(root);
        cli.setDefaultValueProvider(LocalNetwork.defaults(stateDir));
        // job restarts and failed checkpoints are one line on stderr whatever the flags (Logging, JobAlerts)
        cli.setExecutionStrategy(parsed -> {
            Logging.configure(root.verbose, root.logFile, System.err);
            return new CommandLine.RunLast().execute(parsed);
        });
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine cmd = e.getCommandLine();
            String name = cmd.getCommandSpec().qualifiedName();
            return report(cmd.getErr(), e, root.verbose, name + ": " + e.getMessage() + " (see '" + name + " --help')",
                    USAGE);
        });
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            String name = cmd.getCommandSpec().qualifiedName();
            if (e instanceof UsageException || e instanceof ParameterException || e instanceof IllegalArgumentException
                    || e instanceof ArtifactException) {
                return report(cmd.getErr(), e, root.verbose, name + ": " + e.getMessage(), USAGE);
            }
            if (e instanceof NoSuchFileException f) {
                return report(cmd.getErr(), e, root.verbose, name + ": no such file: " + f.getFile(), USAGE);
            }
            return report(cmd.getErr(), e, root.verbose, name + ": internal error: " + e
                    + " (run with --verbose for the stack trace)", INTERNAL);
        });
        return cli;
    }

    private static int report(PrintWriter err, Exception e, boolean verbose, String line, int code) {
        // the message may span lines (a wrapped cause): the report stays one line
        err.println(line.replaceAll("\\s*\\R\\s*", " "));
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return code;
    }
}
