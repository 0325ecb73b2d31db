package ai.zkllm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.zkllm.client.TokenListener;
import ai.zkllm.program.tokenize.ByteTokenizer;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Byte tokens print as whole characters, never as replacement characters; the progress line only where asked. */
class ProgressPrinterTest {
    private static final TokenListener.Progress PROGRESS = new TokenListener.Progress(1, 1, 0, 0, 1);

    @Test
    void aCharacterSplitAcrossTokensPrintsWhenComplete() {
        String text = "é!😀.";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ProgressPrinter printer = printer(out);
        StringBuilder afterEach = new StringBuilder();
        for (int token : new ByteTokenizer().encode(text)) {
            printer.onToken(0, token, PROGRESS);
            afterEach.append(out.toString(StandardCharsets.UTF_8)).append('|');
        }
        printer.finish();
        assertEquals(text, out.toString(StandardCharsets.UTF_8));
        // the output after each token: nothing new for the first byte of 'é' or the first three of the emoji
        assertEquals("|é|é!|é!|é!|é!|é!😀|é!😀.|", afterEach.toString());
    }

    @Test
    void anInvalidByteIsPrintedOnceNoLongerSequenceCanFollow() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ProgressPrinter printer = printer(out);
        printer.onToken(0, 0xC3, PROGRESS);
        printer.finish();
        assertEquals("\uFFFD", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theProgressLineIsDrawnOnlyWhereAsked() {
        for (boolean progressLine : new boolean[] {true, false}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            ProgressPrinter printer = new ProgressPrinter(new ByteTokenizer()::decode,
                    new PrintWriter(out, true, StandardCharsets.UTF_8), new PrintWriter(err, true, StandardCharsets.UTF_8),
                    progressLine);
            printer.onToken(0, 'a', PROGRESS);
            printer.onToken(1, 'b', PROGRESS);
            assertEquals("ab", out.toString(StandardCharsets.UTF_8));
            assertEquals(progressLine, printer.drawsProgressLine());
            // piped (not a terminal): nothing at all, rather than carriage returns run together into one long line
            assertEquals(progressLine ? 2 : 0, err.toString(StandardCharsets.UTF_8).chars().filter(c -> c == '\r').count(),
                    err.toString(StandardCharsets.UTF_8));
        }
    }

    private static ProgressPrinter printer(ByteArrayOutputStream out) {
        return new ProgressPrinter(new ByteTokenizer()::decode, new PrintWriter(out, true, StandardCharsets.UTF_8),
                new PrintWriter(Writer.nullWriter()), true);
    }
}
