package ai.zkllm.cli;

/**
 * Whether stdout and stderr are terminals, as the {@code zkllm} launcher saw them ({@code [ -t 1 ]},
 * {@code [ -t 2 ]}, passed as ZKLLM_STDOUT_TTY and ZKLLM_STDERR_TTY): Java 17 cannot tell for stderr. A
 * progress line redrawn with carriage returns belongs on a terminal only; piped into a file it would
 * be one long line. Run without the launcher (tests, an IDE), neither is a terminal.
 */
final class Terminal {
    private Terminal() {
    }

    static boolean stdout() {
        return "1".equals(System.getenv("ZKLLM_STDOUT_TTY"));
    }

    static boolean stderr() {
        return "1".equals(System.getenv("ZKLLM_STDERR_TTY"));
    }
}
