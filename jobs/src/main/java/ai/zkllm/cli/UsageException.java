package ai.zkllm.cli;

/**
 * Input the user can fix: a file, a flag value, a broker address. The message is the whole report,
 * one line naming the problem and what to do; {@link Zkllm} prints it without a stack trace, exit code 2.
 */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }

    public UsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
