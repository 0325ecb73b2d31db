package ai.zkllm.cli;

import ai.zkllm.client.TokenListener;
import java.io.PrintStream;
import java.util.function.IntFunction;

/** Streams tokens to stdout and keeps a progress line (tokens/s, round trips, bytes) on stderr. */
final class ProgressPrinter implements TokenListener {
    private final IntFunction<String> words;
    private final PrintStream out;
    private final PrintStream err;

    ProgressPrinter(IntFunction<String> words, PrintStream out, PrintStream err) {
        this.words = words;
        this.out = out;
        this.err = err;
    }

    @Override
    public void onToken(int index, int token, Progress p) {
        out.print(words.apply(token));
        out.flush();
        err.printf("\r  [%d tokens, %.2f tok/s, %d round trips, %s up, %s down]   ", p.tokens(),
                p.tokensPerSecond(), p.roundTrips(), bytes(p.bytesUp()), bytes(p.bytesDown()));
        err.flush();
    }

    static String bytes(long b) {
        return b >= 1 << 20 ? String.format("%.1f MiB", b / 1048576.0) : String.format("%.1f KiB", b / 1024.0);
    }
}
