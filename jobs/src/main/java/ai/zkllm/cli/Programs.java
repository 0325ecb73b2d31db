package ai.zkllm.cli;

import ai.zkllm.program.FheProgram;
import ai.zkllm.program.artifact.ShippedEnglishProgram;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Finds the program a command runs: by model hash (or a prefix), else the shipped English model or the only one installed. */
final class Programs {
    private Programs() {
    }

    /** Every program on the class path ({@code META-INF/services/ai.zkllm.program.FheProgram}). */
    static List<FheProgram> installed() {
        List<FheProgram> all = new ArrayList<>();
        ServiceLoader.load(FheProgram.class).forEach(all::add);
        return all;
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
