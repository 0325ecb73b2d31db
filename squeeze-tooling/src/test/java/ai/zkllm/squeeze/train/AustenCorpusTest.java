package ai.zkllm.squeeze.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The shipped Austen corpus: the sizes its SOURCE.md documents, and a held-out book training never sees. */
class AustenCorpusTest {
    /** Lines any two novels have in common without sharing text: chapter headings and a title page's "by". */
    private static final Pattern HEADING = Pattern.compile("(?i)chapter \\d+|by");

    @Test
    void sizesAreAsDocumented() throws Exception {
        Corpus c = Corpus.austen();
        assertEquals(3_545_872, c.train().length);
        assertEquals(465_725, c.heldOut().length);
        assertEquals(9_261, text(c.train()).lines().count());
        assertEquals(1_035, text(c.heldOut()).lines().count());
    }

    @Test
    void heldOutSharesNoLineWithTrainingButHeadings() throws Exception {
        Corpus c = Corpus.austen();
        Set<String> train = text(c.train()).lines().collect(Collectors.toSet());
        Set<String> shared = text(c.heldOut()).lines().filter(train::contains)
                .filter(line -> !HEADING.matcher(line).matches()).collect(Collectors.toSet());
        assertTrue(shared.isEmpty(), "held-out lines also in training: " + shared);
        assertTrue(text(c.heldOut()).startsWith("Persuasion\n"));
    }

    private static String text(int[] bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return new String(b, StandardCharsets.UTF_8);
    }
}
