package ai.zkllm.cli;

import ai.zkllm.program.FheProgram;
import ai.zkllm.program.ServiceLoaderProgramRegistry;
import ai.zkllm.program.artifact.ShippedEnglishProgram;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Finds the program a command runs: by model hash (or a prefix), else the shipped English model or the only one installed. */
final class Programs {
    private Programs() {
    }

    /** What a miner on this class path serves: its secure programs ({@link ServiceLoaderProgramRegistry}). */
    static List<FheProgram> installed() {
        return List.copyOf(new ServiceLoaderProgramRegistry().installed());
    }

    static FheProgram select(CommandSpec spec, String model) {
        List<FheProgram> matching = installed().stream()
                .filter(p -> model == null || p.modelHash().startsWith(model)).toList();
        if (model == null && matching.size() > 1) {
            // several installed and none named: the shipped English model is the default
            List<FheProgram> english = matching.stream().filter(p -> p instanceof ShippedEnglishProgram).toList();
            if (english.size() == 1) {
                return english.get(0);
            }
        }
        if (matching.size() != 1) {
            throw new ParameterException(spec.commandLine(), matching.isEmpty()
                    ? "no installed model matches " + (model == null ? "(none installed)" : model)
                            + "; `zkllm models` lists them"
                    : "several models installed; pick one with --model: "
                            + matching.stream().map(FheProgram::modelHash).toList());
        }
        return matching.get(0);
    }
}
