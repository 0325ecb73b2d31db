package ai.zkllm.client;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A secret key file that cannot be used, and why: callers (the CLI) attach the remedy that fits
 * the problem. The message names the file and never holds key material.
 */
public final class KeyFileException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What is wrong with the file. */
    public enum Problem {
        /** Group or other permission bits are set: the key may have been read by others. */
        EXPOSED,
        /** Not a secret key: truncated, damaged or another kind of file. */
        CORRUPT,
        /** A valid key, for another parameter set than the model's. */
        OTHER_PARAMETERS
    }

    private final Path file;
    private final Problem problem;

    KeyFileException(Path file, Problem problem, String message, Throwable cause) {
        super(message, cause);
        this.file = file;
        this.problem = problem;
    }

    public Path file() {
        return file;
    }

    public Problem problem() {
        return problem;
    }
}
