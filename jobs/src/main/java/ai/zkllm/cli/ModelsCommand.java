package ai.zkllm.cli;

import ai.zkllm.fhe.ckks.Parameters;
import ai.zkllm.program.FheProgram;
import java.io.PrintWriter;
import java.util.Comparator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code zkllm models}: what {@code --model} can name. */
@Command(name = "models", description = {
    "Lists the installed models (FHE programs): the hash --model takes (or a prefix of it), the program,",
    "its CKKS parameters (log2 N, levels, security bits), rounds per token and context length."})
public final class ModelsCommand implements Runnable {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    private boolean help;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        String row = "%-64s  %-28s  %5s  %6s  %8s  %6s  %7s%n";
        out.printf(row, "MODEL", "PROGRAM", "LOG N", "LEVELS", "SECURITY", "ROUNDS", "CONTEXT");
        for (FheProgram p : Programs.installed().stream().sorted(Comparator.comparing(FheProgram::modelHash)).toList()) {
            Parameters params = p.parameters();
            out.printf(row, p.modelHash(), p.getClass().getSimpleName(), params.logN(), params.maxLevel(),
                    params.securityBits() + " bit", p.rounds(), p.maxContext());
        }
        out.flush();
    }
}
