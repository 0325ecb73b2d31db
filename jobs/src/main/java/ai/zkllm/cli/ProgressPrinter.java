package ai.zkllm.cli;

import ai.zkllm.client.TokenListener;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.function.Function;

/**
 * Streams tokens to stdout and, where asked (a terminal's stderr that the tokens do not share, see
 * {@link Terminal}), keeps a progress line (tokens/s, round trips, bytes) on stderr.
 * Tokens may be pieces of a character (the shipped program's tokens are UTF-8 bytes): text whose
 * decoding ends in a replacement character is held until the next tokens complete it, at most
 * {@link #MAX_PENDING} tokens (the longest UTF-8 sequence), then printed as it is.
 */
final class ProgressPrinter implements TokenListener {
    private static final int MAX_PENDING = 4;
    private static final char REPLACEMENT = '\uFFFD';

    private final Function<int[], String> decode;
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean progressLine;
    private int[] pending = new int[0];

    ProgressPrinter(Function<int[], String> decode, PrintWriter out, PrintWriter err, boolean progressLine) {
        this.decode = decode;
        this.out = out;
        this.err = err;
        this.progressLine = progressLine;
    }

    @Override
    public void onToken(int index, int token, Progress p) {
        pending = Arrays.copyOf(pending, pending.length + 1);
        pending[pending.length - 1] = token;
        String text = decode.apply(pending);
        if (pending.length >= MAX_PENDING || text.isEmpty() || text.charAt(text.length() - 1) != REPLACEMENT) {
            print(text);
        }
        if (progressLine) {
            err.printf("\r  [%d tokens, %.2f tok/s, %d round trips, %s up, %s down]   ", p.tokens(),
                    p.tokensPerSecond(), p.roundTrips(), bytes(p.bytesUp()), bytes(p.bytesDown()));
            err.flush();
        }
    }

    /** Whether a progress line is drawn (then it needs a line end before anything else goes to stderr). */
    boolean drawsProgressLine() {
        return progressLine;
    }

    /** Prints what is still held (a generation that stopped inside a character). */
    void finish() {
        if (pending.length > 0) {
            print(decode.apply(pending));
        }
    }

    private void print(String text) {
        out.print(text);
        out.flush();
        pending = new int[0];
    }

    static String bytes(long b) {
        return b >= 1 << 20 ? String.format("%.1f MiB", b / 1048576.0) : String.format("%.1f KiB", b / 1024.0);
    }
}
