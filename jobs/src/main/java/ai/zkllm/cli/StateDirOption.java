package ai.zkllm.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --state-dir} option of {@code up}, {@code status} and {@code down}: which local network they act on. */
final class StateDirOption {
    @Option(names = "--state-dir", paramLabel = "DIR", description = "The network's state folder (default: ${DEFAULT-VALUE}).")
    private Path stateDir;

    /** The network of the option; the command line's default value provider names the default folder. */
    LocalNetwork network() {
        // a command line built without that provider (see Zkllm.commandLine) still gets the default folder
        return LocalNetwork.at(stateDir == null ? LocalNetwork.defaultStateDir() : stateDir);
    }
}
