package ai.zkllm.cli;

import ai.zkllm.program.FheProgram;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code zkllm keys}: the client's key material. */
@Command(name = "keys", description = "Manage the local secret key.", subcommands = KeysCommand.New.class)
public final class KeysCommand implements Runnable {
    static final Path DEFAULT_KEY = Path.of(System.getProperty("user.home"), ".zkllm", "keys", "default.sk");

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    private boolean help;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code zkllm keys new}. */
    @Command(name = "new", description = {
        "Generates a secret key (CSPRNG) for a model's parameter set and writes it, mode 0600, to local disk.",
        "The key never leaves this machine; `zkllm chat` derives the public evaluation keys from it."})
    public static final class New implements Callable<Integer> {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        private boolean help;

        @Option(names = "--out", paramLabel = "FILE", description = "Where to write the key (default: ${DEFAULT-VALUE}).")
        private Path out = DEFAULT_KEY;

        @Option(names = "--model", paramLabel = "HASH", description = "Model hash or prefix (default: the shipped English model, else the only installed one).")
        private String model;

        @Option(names = "--force", description = "Replace an existing key file (what was encrypted under it can no longer be decrypted).")
        private boolean force;

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            FheProgram program = Programs.select(spec, model);
            KeyFiles.create(out, program, force);
            System.out.printf("secret key written to %s (%s), for parameters %s%n", out,
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(out)), program.parameters().id());
            return 0;
        }
    }
}
