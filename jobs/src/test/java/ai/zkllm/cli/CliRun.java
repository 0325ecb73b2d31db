package ai.zkllm.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One {@code zkllm} command line run in-process, as the launcher runs it: exit code and output. */
record CliRun(int exitCode, String out, String err) {

    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = Zkllm.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new CliRun(exitCode, out.toString(), err.toString());
    }
}
