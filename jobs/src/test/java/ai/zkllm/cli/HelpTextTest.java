package ai.zkllm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

/** Every command and every option of {@code zkllm} says what it is for in {@code --help}. */
class HelpTextTest {
    @Test
    void everyCommandAndOptionIsDescribed() {
        List<String> undescribed = new ArrayList<>();
        walk(Zkllm.commandLine(), undescribed);
        assertEquals(List.of(), undescribed);
    }

    private static void walk(CommandLine cmd, List<String> undescribed) {
        CommandSpec spec = cmd.getCommandSpec();
        if (!saysSomething(spec.usageMessage().description())) {
            undescribed.add(spec.qualifiedName());
        }
        for (OptionSpec o : spec.options()) {
            if (!saysSomething(o.description())) {
                undescribed.add(spec.qualifiedName() + " " + o.longestName());
            }
        }
        cmd.getSubcommands().values().forEach(sub -> walk(sub, undescribed));
    }

    /** Text beyond a bare "(default: …)": at least two words. */
    private static boolean saysSomething(String[] description) {
        String text = String.join(" ", description).replaceAll("\\(default[^)]*\\)\\.?", "").trim();
        return text.split("\\s+").length >= 2;
    }
}
