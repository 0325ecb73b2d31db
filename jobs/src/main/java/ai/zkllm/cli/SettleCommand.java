package ai.zkllm.cli;

import ai.zkllm.settlement.InvalidEpochException;
import ai.zkllm.settlement.Settlement;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code zkllm settle}: settles one epoch from a JSON file, without Kafka or Flink. */
@Command(
        name = "settle",
        description = {
            "Settles one brain's epoch: Yuma consensus, incentive, dividends, bonds and integer rewards.",
            "Input and output formats: docs/settlement.md. Exit code 2 on unreadable or invalid input."
        })
public final class SettleCommand implements Callable<Integer> {

    static final int INVALID_INPUT = 2;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    private boolean help;

    @Option(names = "--input", required = true, paramLabel = "FILE", description = "The epoch, as JSON.")
    private Path input;

    @Option(names = "--output", paramLabel = "FILE", description = "Where to write the settlement JSON (default: stdout).")
    private Path output;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        String settlement;
        try {
            settlement = EpochJson.render(Settlement.settle(EpochJson.parse(Files.readString(input))));
        } catch (JsonProcessingException e) {
            return fail("invalid JSON in " + input + describe(e));
        } catch (InvalidEpochException e) {
            return fail("invalid epoch in " + input + ": " + e.getMessage());
        } catch (IOException e) {
            return fail("cannot read " + input + ": " + (e instanceof NoSuchFileException ? "no such file" : e));
        }
        if (output == null) {
            spec.commandLine().getOut().print(settlement);
            spec.commandLine().getOut().flush();
            return 0;
        }
        try {
            writeAtomically(output, settlement);
        } catch (IOException e) {
            return fail("cannot write " + output + ": " + e);
        }
        return 0;
    }

    /** A reader of {@code output} sees the old file or the whole new one, never a part. */
    private static void writeAtomically(Path target, String content) throws IOException {
        Path absolute = target.toAbsolutePath();
        // Beside the target, so the move stays within one file system; created fresh under the umask.
        Path temporary = absolute.resolveSibling("." + absolute.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            Files.writeString(temporary, content, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
            Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** Where in the file and the document the problem is, then Jackson's first line about it. */
    private static String describe(JsonProcessingException e) {
        StringBuilder where = new StringBuilder();
        if (e.getLocation() != null) {
            where.append(" at line ").append(e.getLocation().getLineNr())
                    .append(", column ").append(e.getLocation().getColumnNr());
        }
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            where.append(" (").append(mapping.getPath().stream()
                    .map(step -> step.getFieldName() != null ? step.getFieldName() : "[" + step.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[")).append(')');
        }
        String problem = e instanceof UnrecognizedPropertyException unknown
                ? "unknown field \"" + unknown.getPropertyName() + "\""
                : e.getOriginalMessage().lines().findFirst().orElse("");
        return where + ": " + problem;
    }

    private int fail(String message) {
        spec.commandLine().getErr().println("zkllm settle: " + message);
        spec.commandLine().getErr().flush();
        return INVALID_INPUT;
    }
}
