package ai.zkllm.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import picocli.CommandLine;

/** One {@code zkllm} command line run in-process, as the launcher runs it: exit code and output. */
record CliRun(int exitCode, String out, String err) {

    static CliRun of(String... args) {
        return run(Zkllm.commandLine(), args);
    }

    /** As {@link #of}, with {@code stateDir} as the default local network's state folder ({@code $ZKLLM_STATE_DIR}). */
    static CliRun in(Path stateDir, String... args) {
        return run(Zkllm.commandLine(stateDir), args);
    }

    private static CliRun run(CommandLine cli, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = cli.setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new CliRun(exitCode, out.toString(), err.toString());
    }
}
